"""The survey's staff pages: waves and their follow-up, mailings, forwarding links, questionnaires and their
versions, and the review of responses into the registry. Thin: the work is in the survey's modules."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from fcatlas.accounts.audit import record
from fcatlas.accounts.models import AuditEvent
from fcatlas.registry import staging

from .. import followup, interchange, mailing, review, waves
from ..mailing import link_of
from ..models import (
    Invitation,
    Mailing,
    MailingKind,
    Questionnaire,
    QuestionnaireVersion,
    Response,
    ResponseStatus,
    Wave,
)
from ..permissions import can_follow_up, can_forward, can_run_surveys, scope_filter
from ..questionnaires import add_version
from ..xlsform import XLSFormError, workbook_from_markdown

MAX_FORM_UPLOAD_BYTES = 5 * 1024 * 1024


def _require(check, request):
    if not check(request.user):
        raise PermissionDenied


def _scope(request):
    scope = scope_filter(request.user)
    if scope is None:
        raise PermissionDenied
    return scope


@login_required
def wave_list(request):
    _require(can_follow_up, request)
    return render(request, "survey/wave_list.html", {
        "waves": Wave.objects.all(), "can_run": can_run_surveys(request.user),
        "questionnaires": Questionnaire.objects.prefetch_related("versions")})


class WaveForm(forms.Form):
    name = forms.CharField(label="Namn", max_length=120, initial=f"Kartläggning {dt.date.today().year}")
    opens_on = forms.DateField(label="Öppnar", widget=forms.DateInput(attrs={"type": "date"}))
    closes_on = forms.DateField(label="Stänger", widget=forms.DateInput(attrs={"type": "date"}))
    unit_version = forms.ModelChoiceField(QuestionnaireVersion.objects.filter(questionnaire__for_units=True),
                                          label="Formulär för enheter")
    organisation_version = forms.ModelChoiceField(
        QuestionnaireVersion.objects.filter(questionnaire__for_units=False), label="Formulär för kommuner och regioner")


@login_required
def wave_create(request):
    _require(can_run_surveys, request)
    latest = {q.for_units: q.latest_version() for q in Questionnaire.objects.all()}
    form = WaveForm(request.POST or None, initial={
        "opens_on": timezone.localdate(), "closes_on": timezone.localdate() + dt.timedelta(days=42),
        "unit_version": latest.get(True), "organisation_version": latest.get(False)})
    if request.method == "POST" and form.is_valid():
        try:
            wave = waves.create_wave(user=request.user, **form.cleaned_data)
        except waves.WaveError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Omgången {wave.name} är skapad med {wave.invitations.count()} inbjudningar.")
            return redirect(wave)
    return render(request, "survey/wave_form.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def wave_detail(request, pk: int):
    _require(can_follow_up, request)
    wave = get_object_or_404(Wave, pk=pk)
    scope = _scope(request)
    groups = followup.rates(wave, scope)
    return render(request, "survey/wave_detail.html", {
        "wave": wave, "groups": groups, "totals": {name: followup.total(rows) for name, rows in groups.items()},
        "can_run": can_run_surveys(request.user), "counts": followup.invitation_counts(wave),
        "mailings": wave.mailings.all()[:10], "kinds": MailingKind.choices,
        "to_review": Response.objects.filter(wave=wave, status=ResponseStatus.SUBMITTED).count()})


@login_required
@require_POST
def wave_mail(request, pk: int):
    _require(can_run_surveys, request)
    wave = get_object_or_404(Wave, pk=pk)
    try:
        sent = mailing.request_mailing(wave, request.POST.get("kind", ""), request.user)
    except mailing.MailingError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"{sent.get_kind_display()} till {sent.total} mottagare skickas nu. Sidan visar "
                                  "hur långt utskicket har kommit.")
    return redirect(wave)


@login_required
def mailing_progress(request, pk: int):
    _require(can_run_surveys, request)
    item = get_object_or_404(Mailing, pk=pk)
    return render(request, "survey/_mailing.html", {"mailing": item})


@login_required
def wave_missing(request, pk: int):
    _require(can_follow_up, request)
    wave = get_object_or_404(Wave, pk=pk)
    return render(request, "survey/wave_missing.html", {"wave": wave, "rows": followup.missing(wave, _scope(request))})


@login_required
@require_POST
def invitation_forward(request, pk: int, invitation: int):
    wave = get_object_or_404(Wave, pk=pk)
    old = get_object_or_404(Invitation, pk=invitation, wave=wave)
    if not can_forward(request.user, old):
        raise PermissionDenied
    email = request.POST.get("email", "").strip()
    try:
        forms.EmailField().clean(email)
    except forms.ValidationError:
        messages.error(request, f"”{email}” är ingen e-postadress; länken för {old.target_name} är oförändrad.")
        return redirect("survey-wave-missing", pk=wave.pk)
    try:
        new = waves.forward(old, email)
    except waves.WaveError as error:
        messages.error(request, str(error))
        return redirect("survey-wave-missing", pk=wave.pk)
    mailing.send_invitation.enqueue(new.pk)
    messages.success(request, f"En ny länk för {new.target_name} skickas till {email}; den gamla länken fungerar "
                              f"inte längre. Den nya länken: {link_of(new)}")
    return redirect("survey-wave-missing", pk=wave.pk)


@login_required
def wave_rates_xlsx(request, pk: int):
    _require(can_follow_up, request)
    wave = get_object_or_404(Wave, pk=pk)
    return _download(followup.rates_workbook(wave, _scope(request)), f"svarsfrekvens-{wave.pk}.xlsx",
                     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


ANSWER_FORMATS = {"csv": "text/csv; charset=utf-8",
                  "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


@login_required
def wave_answers(request, pk: int, fmt: str):
    _require(can_follow_up, request)
    if fmt not in ANSWER_FORMATS:
        raise Http404
    wave = get_object_or_404(Wave, pk=pk)
    content = followup.answers_file(wave, _scope(request), fmt)
    record(AuditEvent.Action.PERSONAL_DATA_EXPORT, user=request.user, request=request,
           detail=f"Svaren i {wave.name} ({fmt.upper()})")
    return _download(content, f"svar-{wave.pk}.{fmt}", ANSWER_FORMATS[fmt])


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def review_list(request, pk: int):
    _require(can_run_surveys, request)
    wave = get_object_or_404(Wave, pk=pk)
    rows = []
    for response in Response.objects.filter(wave=wave, status=ResponseStatus.SUBMITTED).select_related(
            "unit", "municipality", "region", "version").prefetch_related("decisions"):
        item = review.review_of(response)
        rows.append({"response": response, "open": len(item.open_fields) + sum(
            1 for unit in item.new_units if unit.decision is None), "conflicts": len(item.conflicts)})
    return render(request, "survey/review_list.html", {"wave": wave, "rows": rows})


@login_required
def review_response(request, pk: int):
    _require(can_run_surveys, request)
    response = get_object_or_404(Response.objects.select_related("wave", "unit", "municipality", "region"), pk=pk,
                                 status=ResponseStatus.SUBMITTED)
    error = ""
    if request.method == "POST":
        try:
            if request.POST.get("new_unit"):
                created = review.decide_new_unit(response, request.POST["new_unit"],
                                                 accept=request.POST.get("decision") == "accept", user=request.user)
                if created:
                    messages.success(request, f"{created.name} finns nu i registret.")
            else:
                accepted = [key for key, value in request.POST.items() if key.startswith("f:") and value == "accept"]
                rejected = [key for key, value in request.POST.items() if key.startswith("f:") and value == "reject"]
                try:
                    version = int(request.POST.get("version", ""))
                except ValueError:
                    raise review.ReviewError("Sidan saknar enhetens version; ladda om den.") from None
                change = review.decide(response, accepted=[k[2:] for k in accepted], rejected=[k[2:] for k in rejected],
                                       user=request.user, expected_version=version)
                messages.success(request, f"Sparat: {len(accepted)} godkända, {len(rejected)} avvisade."
                                 + (f" Enheten är nu i version {change.version}." if change else ""))
            return redirect("survey-review", pk=response.pk)
        except review.ReviewError as problem:
            error = str(problem)
    return render(request, "survey/review.html", {"review": review.review_of(response), "error": error,
                                                  "wave": response.wave}, status=409 if error else 200)


@login_required
def questionnaire_list(request):
    _require(can_run_surveys, request)
    return render(request, "survey/questionnaires.html", {
        "questionnaires": Questionnaire.objects.prefetch_related("versions")})


@login_required
@require_POST
def questionnaire_upload(request, code: str):
    _require(can_run_surveys, request)
    questionnaire = get_object_or_404(Questionnaire, code=code)
    upload = request.FILES.get("fil")
    problems, installed = [], None
    if upload is None:
        problems = ["Välj en XLSForm-fil (.xlsx eller .md)."]
    elif upload.size > MAX_FORM_UPLOAD_BYTES:
        problems = [f"Filen är större än {MAX_FORM_UPLOAD_BYTES // (1024 * 1024)} MB."]
    else:
        try:
            installed = add_version(questionnaire, upload.read(), upload.name, request.user)
        except XLSFormError as error:
            problems = [str(problem) for problem in error.problems]
    if problems:
        return render(request, "survey/questionnaires.html", {
            "questionnaires": Questionnaire.objects.prefetch_related("versions"), "problems": problems,
            "problem_code": code}, status=400)
    if installed.created:
        adopted = waves.adopt(installed.version)
        messages.success(request, f"{questionnaire.title}: version {installed.version.number} är sparad."
                         + (f" Nya svar i {', '.join(wave.name for wave in adopted)} ges på den; svar som redan "
                            "påbörjats behåller sin version." if adopted else ""))
    else:
        messages.success(request, f"{questionnaire.title}: filen är samma som version {installed.version.number}; "
                                  "ingen ny version behövs.")
    return redirect("survey-questionnaires")


@login_required
def questionnaire_download(request, pk: int, fmt: str):
    _require(can_follow_up, request)
    version = get_object_or_404(QuestionnaireVersion.objects.select_related("questionnaire"), pk=pk)
    stem = f"{version.questionnaire.code}-v{version.number}"
    if fmt == "xml":
        return _download(version.xform.encode(), f"{stem}.xml", "application/xml")
    if fmt == "xlsx":
        source = bytes(version.source)
        content = workbook_from_markdown(source.decode("utf-8")) if version.source_name.endswith(".md") else source
        return _download(content, f"{stem}.xlsx", ANSWER_FORMATS["xlsx"])
    raise Http404


IMPORT_PURPOSE = "survey-import"


@login_required
def wave_import(request, pk: int):
    """Answers collected in ODK or KoboToolbox: check a file row by row, then import exactly what was checked."""
    _require(can_run_surveys, request)
    wave = get_object_or_404(Wave, pk=pk)
    context = {"wave": wave, "max_mb": MAX_FORM_UPLOAD_BYTES * 4 // (1024 * 1024)}
    if request.method != "POST":
        return render(request, "survey/wave_import.html", context)
    if request.POST.get("step") == "confirm":
        try:
            staged = staging.load(request.POST.get("token", ""), request.user, purpose=IMPORT_PURPOSE)
        except staging.StagingError as error:
            return render(request, "survey/wave_import.html", context | {"error": str(error)}, status=400)
        plan = interchange.ImportPlan.from_json(staged.plan)
        result = interchange.apply_import(plan)
        staging.discard(request.POST["token"], request.user, purpose=IMPORT_PURPOSE)
        messages.success(request, f"{staged.filename}: {result.created} svar inlästa, {result.unchanged} fanns redan.")
        return redirect(wave)
    upload = request.FILES.get("fil")
    audience = request.POST.get("formular")
    if upload is None or audience not in ("enheter", "huvudman"):
        context["error"] = "Välj formulär och en fil att läsa in (.xml, .csv eller .xlsx)."
        return render(request, "survey/wave_import.html", context, status=400)
    if upload.size > MAX_FORM_UPLOAD_BYTES * 4:
        context["error"] = f"Filen {upload.name} är större än {context['max_mb']} MB; dela upp den."
        return render(request, "survey/wave_import.html", context, status=400)
    data = upload.read()
    version = wave.unit_version if audience == "enheter" else wave.organisation_version
    plan = interchange.plan_import(wave, version, data, upload.name)
    context |= {"plan": plan, "filename": upload.name}
    if not plan.has_errors and plan.count("create"):
        context["token"] = staging.stage(data, upload.name, request.user, purpose=IMPORT_PURPOSE,
                                         plan=plan.to_json())
    return render(request, "survey/wave_import.html", context, status=400 if plan.has_errors else 200)
