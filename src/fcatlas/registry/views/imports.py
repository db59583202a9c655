"""The import page: upload a file, read the check per row and column, then confirm to import exactly that.

The file and the plan the person read are staged (``staging``) under a signed token that is good for an hour and
for that person only. Confirming applies the staged plan with each unit's version as checked; if anyone has
changed one of those units since, nothing is saved and the page lists them. A plan of ``IMPORT_JOB_ROWS`` rows to
write or more is written by the task runner instead, and its page follows it.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from fcatlas.accounts.models import Role
from fcatlas.accounts.permissions import can_edit_any, role_of
from fcatlas.tabular import DEFAULT_LIMITS, SUFFIXES

from .. import staging
from ..importing import ImportPlan, ImportRefused, apply_import, plan_import
from ..importing.jobs import PURPOSE, queue_import, runs_as_job
from ..models import ImportJob
MAX_UPLOAD_BYTES = 10 * 1024 * 1024


@login_required
def import_units(request):
    if not can_edit_any(request.user):
        raise PermissionDenied
    context = {"max_mb": MAX_UPLOAD_BYTES // (1024 * 1024), "accept": ",".join(SUFFIXES)}
    if request.method != "POST":
        return render(request, "registry/import.html", context)

    if request.POST.get("step") == "confirm":
        token = request.POST.get("token", "")
        try:
            staged = staging.load(token, request.user, purpose=PURPOSE)
        except staging.StagingError as error:
            context["error"] = str(error)
            return render(request, "registry/import.html", context, status=400)
        plan = ImportPlan.from_json(staged.plan)
        if runs_as_job(plan):
            return redirect("unit-import-job", queue_import(token, plan, staged.filename, request.user).pk)
        try:
            result = apply_import(plan, user=request.user, source_detail=staged.filename)
        except ImportRefused as refusal:
            staging.discard(token, request.user, purpose=PURPOSE)
            context |= {"plan": plan, "error": str(refusal), "conflicts": refusal.conflicts}
            return render(request, "registry/import.html", context, status=409)
        staging.discard(token, request.user, purpose=PURPOSE)
        context |= {"result": result, "filename": staged.filename}
        return render(request, "registry/import.html", context)

    upload = request.FILES.get("fil")
    if upload is None:
        context["error"] = "Välj en fil att läsa in (CSV, XLSX eller GeoJSON)."
        return render(request, "registry/import.html", context, status=400)
    if upload.size > MAX_UPLOAD_BYTES:
        context["error"] = (f"Filen {upload.name} är för stor ({upload.size // (1024 * 1024)} MB). "
                            f"Största tillåtna storlek är {context['max_mb']} MB; dela upp filen.")
        return render(request, "registry/import.html", context, status=400)
    data = upload.read()
    plan = plan_import(data, upload.name, user=request.user, limits=DEFAULT_LIMITS)
    context |= {"plan": plan, "filename": upload.name,
                "synthetic_rows": sum(1 for r in plan.rows if r.record.get("synthetic"))}
    if not plan.has_errors and (plan.count("create") or plan.count("update")):
        context["token"] = staging.stage(data, upload.name, request.user, purpose=PURPOSE, plan=plan.to_json())
    return render(request, "registry/import.html", context)


@login_required
def import_job(request, pk):
    """A queued import: its progress while the task runner writes it, then its result, kept for its owner."""
    job = get_object_or_404(ImportJob, pk=pk)
    if job.requested_by_id != request.user.pk and role_of(request.user) != Role.NATIONAL_ADMINISTRATOR:
        raise Http404
    return render(request, "registry/import_job.html", {"job": job})
