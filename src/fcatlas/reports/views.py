"""Report pages: the list, a report with its own words and its files, issuing; the public profiles of a region
or kommun compared with the nation; and the dashboard. Views read the request, call ``issuing`` or ``dashboard``
and render."""

from dataclasses import asdict
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from fcatlas.analysis.police import DEFAULT_LIST_YEAR, LIST_YEARS
from fcatlas.formatting import format_distance, swedish_key
from fcatlas.planning.context import chosen_radius, chosen_year, place_query
from fcatlas.planning.services import AREA_TYPE_LABELS, RADIUS_CHOICES_M
from fcatlas.reference.models import Municipality, Region
from fcatlas.registry.models import Classification, Unit, WorkingMethod
from fcatlas.registry.queries import unit_feature
from fcatlas.spreadsheets import csv_bytes, xlsx_bytes
from fcatlas.support.permissions import can_record_activities

from . import issuing
from .dashboard import FILTER_FIELDS, TABLE_HEADERS, Filters, dashboard, parse_filters
from .models import FileFormat, FileStatus, Report, ReportFile, ReportStatus
from .permissions import can_read_report, can_write_any_report, can_write_report, who_may_write
from .rendering import CONTENT_TYPES, drawn, find_figure, numbered, render as render_file
from .scopes import ScopeError, scope_of
from .support_summary import summary_content

PROFILE_KINDS = {"region": "region", "kommun": "municipality"}


def report_list(request):
    reports = [report for report in Report.objects.select_related("issued_by") if can_read_report(request.user, report)]
    return render(request, "reports/report_list.html", {
        "reports": reports, "can_create": can_write_any_report(request.user), "form": _create_form_context(),
    })


def _create_form_context(values: dict | None = None, errors: dict | None = None) -> dict:
    return {
        "values": {"kind": "national", "radius": 2000, "year": DEFAULT_LIST_YEAR} | (values or {}),
        "errors": errors or {},
        "regions": Region.objects.defer("geometry"),
        "municipalities": sorted(Municipality.objects.defer("geometry"), key=lambda m: swedish_key(m.name)),
        "radius_choices": [(radius, format_distance(radius)) for radius in RADIUS_CHOICES_M],
        "years": LIST_YEARS,
    }


@login_required
def report_create(request):
    if request.method != "POST":
        return redirect("report-list")
    if not can_write_any_report(request.user):
        raise PermissionDenied("Du får inte skapa rapporter. Det får nationella administratörer och samordnare "
                               "i regioner och kommuner.")
    values = {key: request.POST.get(key, "").strip() for key in ("kind", "region", "municipality", "title",
                                                                   "reference", "radius", "year", "compare_on")}
    errors = {}
    scope = None
    try:
        code = {"region": values["region"], "municipality": values["municipality"]}.get(values["kind"], "")
        scope = scope_of(values["kind"], code)
    except ScopeError as error:
        errors["kind"] = str(error)
    radius = int(values["radius"]) if values["radius"].isdigit() else None
    if radius not in RADIUS_CHOICES_M:
        errors["radius"] = "Välj en av radierna i listan."
    year = int(values["year"]) if values["year"].isdigit() else None
    if year not in LIST_YEARS:
        errors["year"] = f"Välj ett av Polisens listår: {', '.join(map(str, LIST_YEARS))}."
    compare_on = None
    if values["compare_on"]:
        try:
            compare_on = date.fromisoformat(values["compare_on"])
        except ValueError:
            errors["compare_on"] = f"Skriv datumet som ÅÅÅÅ-MM-DD, till exempel 2025-12-31, inte {values['compare_on'][:20]!r}."
        else:
            if compare_on >= timezone.localdate():
                errors["compare_on"] = "Jämförelsedatumet ska ligga före i dag."
    if len(values["title"]) > 200:
        errors["title"] = f"Titeln får vara högst 200 tecken (nu {len(values['title'])})."
    if len(values["reference"]) > 60:
        errors["reference"] = f"Diarienumret får vara högst 60 tecken (nu {len(values['reference'])})."
    if scope is not None and not can_write_report(request.user, scope):
        raise PermissionDenied(f"Du får inte skapa en rapport för {scope.label}. Det får {who_may_write(scope)}.")
    if errors:
        reports = [r for r in Report.objects.all() if can_read_report(request.user, r)]
        return render(request, "reports/report_list.html", {
            "reports": reports, "can_create": True, "form": _create_form_context(values, errors)}, status=422)
    report = issuing.new_report(scope, user=request.user, title=values["title"], reference=values["reference"],
                                radius_m=radius, year=year, compare_on=compare_on)
    messages.success(request, f"Rapporten ”{report.title}” är skapad som utkast.")
    return redirect(report)


def _readable(request, pk) -> Report:
    report = get_object_or_404(Report.objects.select_related("issued_by", "created_by"), pk=pk)
    if not can_read_report(request.user, report):
        raise Http404  # a draft is not shown to those who may not write it, not even that it exists
    return report


def report_detail(request, pk):
    report = _readable(request, pk)
    content = numbered(issuing.content_of(report))
    return render(request, "reports/report_detail.html", {
        "report": report, "content": content, "texts": issuing.texts_of(report),
        "status": issuing.status_label(report), "meta": issuing.meta_of(report),
        "figure_base": reverse("report-figure", args=[report.pk, "x"]).removesuffix("x.svg"),
        "can_write": can_write_report(request.user, report.scope),
        "files": report.files.order_by("-requested_at")[:12], "formats": FileFormat.choices,
        "revisions": report.revisions.select_related("saved_by")[:20],
        "verified": issuing.verify(report) if report.status == ReportStatus.ISSUED else None,
    })


@login_required
def report_texts(request, pk):
    report = _readable(request, pk)
    if not can_write_report(request.user, report.scope):
        raise PermissionDenied(f"Du får inte skriva i rapporten för {report.scope.label}. "
                                   f"Det får {who_may_write(report.scope)}.")
    values = {"conclusions": report.conclusions, "proposals": report.proposals, "revision": report.text_revision}
    error, status = None, 200
    if request.method == "POST":
        values = {"conclusions": request.POST.get("conclusions", ""), "proposals": request.POST.get("proposals", ""),
                  "revision": request.POST.get("revision", "")}
        if not values["revision"].isdigit():
            error, status = "Formuläret saknar sin version. Ladda om sidan; din text visas nedan.", 400
        elif not report.editable:
            error, status = issuing.ReportLocked.message, 409
        else:
            try:
                changed = issuing.save_texts(report, conclusions=values["conclusions"], proposals=values["proposals"],
                                             expected_revision=int(values["revision"]), user=request.user)
            except issuing.TextConflict as conflict:
                error, status = conflict.message, 409
                report = conflict.report
            except issuing.ReportLocked:
                error, status = issuing.ReportLocked.message, 409
            else:
                messages.success(request, f"Texten är sparad som version {report.text_revision}." if changed
                                 else "Inget var ändrat; texten är som förut.")
                return redirect(report)
    return render(request, "reports/report_texts.html", {
        "report": report, "values": values, "error": error,
        "saved": {"conclusions": report.conclusions, "proposals": report.proposals},
    }, status=status)


@login_required
@require_POST
def report_issue(request, pk):
    report = _readable(request, pk)
    if not can_write_report(request.user, report.scope):
        raise PermissionDenied(f"Du får inte fastställa rapporten för {report.scope.label}. "
                                   f"Det får {who_may_write(report.scope)}.")
    try:
        issuing.request_issue(report, user=request.user)
    except issuing.ReportLocked:
        messages.error(request, "Rapporten är redan fastställd eller håller på att fastställas.")
        return redirect(report)
    messages.success(request, "Rapporten fastställs nu: siffrorna fryses och PDF, HTML och Excel byggs. Det tar "
                              "omkring en halv minut; sidan visar när filerna är klara.")
    return redirect(report)


@login_required
@require_POST
def report_file_request(request, pk):
    report = _readable(request, pk)
    file_format = request.POST.get("format", "")
    if file_format not in FileFormat.values:
        messages.error(request, f"Okänt filformat {file_format!r}. Välj PDF, HTML eller Excel.")
        return redirect(report)
    made = issuing.request_file(file_format=file_format, report=report, user=request.user)
    return redirect("report-file", made.pk)


def report_file(request, pk):
    made = get_object_or_404(ReportFile.objects.select_related("report"), pk=pk)
    if made.report is not None and not can_read_report(request.user, made.report):
        raise Http404
    if made.status == FileStatus.DONE:
        response = HttpResponse(bytes(made.data), content_type=CONTENT_TYPES[made.format])
        disposition = "inline" if made.format == "pdf" else "attachment"
        response["Content-Disposition"] = f'{disposition}; filename="{issuing.file_name(made)}"'
        return response
    return render(request, "reports/report_file.html", {"file": made})


def report_figure(request, pk, figure_id):
    report = _readable(request, pk)
    return _figure_response(issuing.content_of(report), figure_id)


def _figure_response(content: dict, figure_id: str):
    figure = find_figure(content, figure_id)
    if figure is None:
        raise Http404
    response = HttpResponse(drawn(figure), content_type="image/svg+xml; charset=utf-8")
    response["Cache-Control"] = "public, max-age=300"
    return response


def _profile_scope(kind: str, code: str):
    if kind not in PROFILE_KINDS:
        raise Http404
    try:
        return scope_of(PROFILE_KINDS[kind], code)
    except ScopeError as error:
        raise Http404(str(error)) from error


def profile(request, kind, code):
    scope = _profile_scope(kind, code)
    radius, year = chosen_radius(request), chosen_year(request)
    content = issuing.live_content(scope.as_text(), radius, year)
    download = request.GET.get("format")
    if download in ("xlsx", "html"):
        data = render_file(content, None, download,
                           status=issuing.status_label(None))
        response = HttpResponse(data, content_type=CONTENT_TYPES[download])
        response["Content-Disposition"] = (f'attachment; filename="fcatlas-profil-{scope.slug}-'
                                           f'{content["as_of_text"][:10]}.{download}"')
        return response
    query = place_query(radius, year)
    return render(request, "reports/profile.html", {
        "scope": scope, "kind": kind, "content": numbered(content), "query": query, "radius": radius, "year": year,
        "figure_base": reverse("profile-figure", args=[kind, scope.code, "x"]).removesuffix("x.svg"),
        "radius_choices": [(r, format_distance(r)) for r in RADIUS_CHOICES_M], "years": LIST_YEARS,
        "status": issuing.status_label(None),
    })


@login_required
@require_POST
def profile_pdf(request, kind, code):
    scope = _profile_scope(kind, code)
    made = issuing.request_file(file_format="pdf", scope=scope, radius_m=chosen_radius(request),
                                year=chosen_year(request), user=request.user)
    return redirect("report-file", made.pk)


def profile_figure(request, kind, code, figure_id):
    scope = _profile_scope(kind, code)
    return _figure_response(issuing.live_content(scope.as_text(), chosen_radius(request), chosen_year(request)),
                            figure_id)


def overview(request):
    filters, problems = parse_filters(request.GET)
    answer = dashboard(filters)
    download = request.GET.get("format")
    if download in ("csv", "xlsx"):
        rows = answer["rows"]
        if download == "csv":
            data, content_type = csv_bytes(TABLE_HEADERS, rows), "text/csv; charset=utf-8"
        else:
            data = xlsx_bytes([("Enheter", TABLE_HEADERS, rows), ("Om filen", ("Uppgift", "Värde"), _about(filters))])
            content_type = CONTENT_TYPES["xlsx"]
        response = HttpResponse(data, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="fcatlas-oversikt.{download}"'
        return response
    query = filters.query()
    return render(request, "reports/overview.html", {
        "filters": filters, "problems": problems, "answer": answer, "query": query,
        "regions": Region.objects.defer("geometry"),
        "municipalities": sorted(Municipality.objects.filter(
            **({"region_id": filters.region} if filters.region else {})).defer("geometry"),
            key=lambda m: swedish_key(m.name)),
        "classifications": Classification.choices,
        "methods": WorkingMethod.objects.filter(active=True),
        "area_types": list(AREA_TYPE_LABELS.items()),
        "registry_synthetic": Unit.objects.filter(synthetic=True).exists(),
        "as_of": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
    }, status=400 if problems else 200)


def _about(filters: Filters) -> list[tuple[str, str]]:
    chosen = [(FILTER_FIELDS[key], value) for key, value in asdict(filters).items() if value]
    synthetic = Unit.objects.filter(synthetic=True).exists()
    return [("Innehåll", "Enheter i drift i fcatlas register som passar filtren"),
            ("Uppgifternas läge", timezone.localtime().strftime("%Y-%m-%d %H:%M")),
            *chosen,
            ("Områdestyp", "SCB:s socioekonomiska områdestyp för det RegSO där enheten ligger"),
            *([("Obs", "Syntetisk demodata – inte verkliga familjecentraler")] if synthetic else [])]


def overview_figure(request, figure_id):
    filters, _ = parse_filters(request.GET)
    figure = next((f for f in dashboard(filters)["figures"] if f["id"] == figure_id), None)
    if figure is None:
        raise Http404
    response = HttpResponse(drawn(figure), content_type="image/svg+xml; charset=utf-8")
    response["Cache-Control"] = "public, max-age=60"
    return response


def overview_units_geojson(request):
    filters, _ = parse_filters(request.GET)
    units = Unit.objects.filter(pk__in=dashboard(filters)["unit_ids"]).select_related("municipality").defer(
        "municipality__geometry")
    features = [unit_feature(unit) for unit in units]
    return JsonResponse({"type": "FeatureCollection", "features": features, "count": len(features)})


@login_required
def support_summary(request):
    """The support programme's summary for the report to the government, nationally or for a region or kommun,
    for a chosen period; the same tables as the report's chapter, and as XLSX or HTML."""
    if not can_record_activities(request.user):
        raise PermissionDenied
    errors, values = {}, {name: request.GET.get(name, "").strip() for name in ("region", "kommun", "fran", "till")}
    period = {}
    for name, key in (("fran", "since"), ("till", "until")):
        if values[name]:
            try:
                period[key] = date.fromisoformat(values[name])
            except ValueError:
                errors[name] = f"Datumet ska skrivas ÅÅÅÅ-MM-DD, till exempel 2026-03-14, inte ”{values[name]}”."
    try:
        scope = (scope_of("municipality", values["kommun"]) if values["kommun"]
                 else scope_of("region", values["region"]) if values["region"] else scope_of("national"))
    except ScopeError as error:
        errors["scope"], scope = str(error), scope_of("national")
    content = summary_content(scope, year=chosen_year(request), **({} if errors else period))
    file_format = request.GET.get("format")
    if file_format in ("xlsx", "html") and not errors:
        body = render_file(content, None, file_format, status="Sammanställning")
        response = HttpResponse(body, content_type=CONTENT_TYPES[file_format])
        name = f"stod-sammanstallning-{scope.code or 'riket'}-{date.today().isoformat()}.{file_format}"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    return render(request, "reports/support_summary.html", {
        "content": numbered(content), "values": values, "errors": errors, "scope": scope,
        "regions": Region.objects.defer("geometry"),
        "municipalities": sorted(Municipality.objects.defer("geometry"), key=lambda m: swedish_key(m.name)),
        "query": request.GET.urlencode(),
    }, status=400 if errors else 200)
