"""The import page: upload a file, read the check per row and column, then confirm to import it.

The uploaded file is kept between the two steps under ``VAR_DIR/uploads/`` with a random token that is
remembered in the user's session; a token that is unknown, someone else's or older than an hour is refused.
Confirming checks the file again against the registry as it is then, and imports all of it or nothing.
"""

import re
import secrets
import time
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from fcatlas.accounts.permissions import can_edit_any

from ..importing import ImportRefused, apply_import, plan_import

SESSION_KEY = "unit_imports"
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
TOKEN_LIFETIME_S = 60 * 60
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
ACCEPTED = (".csv", ".txt", ".xlsx", ".geojson", ".json")


def _upload_dir() -> Path:
    folder = Path(settings.VAR_DIR) / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _forget_old_uploads(folder: Path) -> None:
    limit = time.time() - 24 * 60 * 60
    for path in folder.glob("import-*"):
        if path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)


def _keep(request, data: bytes, filename: str) -> str:
    folder = _upload_dir()
    _forget_old_uploads(folder)
    token = secrets.token_urlsafe(24)
    (folder / f"import-{token}").write_bytes(data)
    uploads = request.session.get(SESSION_KEY, {})
    uploads[token] = {"filename": filename, "at": time.time()}
    request.session[SESSION_KEY] = uploads
    return token


def _kept(request, token: str) -> tuple[bytes, str] | None:
    entry = request.session.get(SESSION_KEY, {}).get(token) if TOKEN_PATTERN.match(token or "") else None
    path = _upload_dir() / f"import-{token}"
    if not entry or time.time() - entry["at"] > TOKEN_LIFETIME_S or not path.exists():
        return None
    return path.read_bytes(), entry["filename"]


def _drop(request, token: str) -> None:
    (_upload_dir() / f"import-{token}").unlink(missing_ok=True)
    uploads = request.session.get(SESSION_KEY, {})
    uploads.pop(token, None)
    request.session[SESSION_KEY] = uploads


@login_required
def import_units(request):
    if not can_edit_any(request.user):
        raise PermissionDenied
    context = {"max_mb": MAX_UPLOAD_BYTES // (1024 * 1024), "accept": ",".join(ACCEPTED)}
    if request.method != "POST":
        return render(request, "registry/import.html", context)

    if request.POST.get("step") == "confirm":
        token = request.POST.get("token", "")
        kept = _kept(request, token)
        if kept is None:
            context["error"] = ("Filen du kontrollerade finns inte längre kvar (en kontroll gäller i en timme och "
                                "bara för den som laddade upp filen). Ingenting har sparats. Ladda upp filen igen.")
            return render(request, "registry/import.html", context, status=400)
        data, filename = kept
        plan = plan_import(data, filename, user=request.user)
        if plan.has_errors:
            context |= {"plan": plan, "token": None,
                        "error": "Registret har ändrats sedan filen kontrollerades och nu finns det fel. "
                                 "Ingenting har sparats. Rätta felen nedan och ladda upp filen igen."}
            _drop(request, token)
            return render(request, "registry/import.html", context, status=409)
        try:
            result = apply_import(plan, user=request.user, source_detail=filename)
        except ImportRefused as refusal:
            context |= {"plan": plan, "error": str(refusal)}
            return render(request, "registry/import.html", context, status=409)
        _drop(request, token)
        context |= {"result": result, "filename": filename}
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
    plan = plan_import(data, upload.name, user=request.user)
    context |= {"plan": plan, "filename": upload.name,
                "synthetic_rows": sum(1 for r in plan.rows if r.record.get("synthetic"))}
    if not plan.has_errors and (plan.count("create") or plan.count("update")):
        context["token"] = _keep(request, data, upload.name)
    return render(request, "registry/import.html", context)

