"""The support programme's pages: activities, self-assessment and the knowledge library. Views read the
request, check who may do what (``permissions``), call ``activities``, ``assessments`` or ``library`` and render."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from fcatlas.accounts.permissions import allowed_if
from fcatlas.formatting import swedish_key
from fcatlas.reference.models import Municipality, Region
from fcatlas.registry.models import Unit
from fcatlas.spreadsheets import xlsx_bytes

from . import activities, assessments, library
from .revisions import StaleEdit, form_revision
from .models import Article, AssessmentRound, Revision, SupportActivity
from .permissions import (
    assessable_units_filter,
    can_edit_library,
    can_fill_assessment,
    can_read_assessment,
    can_record_activities,
    can_see_activities,
    staff_unit_id,
    visible_activities,
)
from .scoring import LEVEL_NAMES, LEVELS, criterion_keys
from .vocabulary import ACTIVITY_THEMES, ActivityType, ArticleKind, ParticipantRole, TargetRole, Theme

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def support_home(request):
    return render(request, "support/home.html", {
        "can_see_activities": can_see_activities(request.user),
        "can_record": can_record_activities(request.user),
        "staff_unit": staff_unit_id(request.user),
        "reads_assessments": assessable_units_filter(request.user) is not None,
    })


# Activities

def _places() -> dict:
    return {"regions": Region.objects.defer("geometry"),
            "municipalities": sorted(Municipality.objects.defer("geometry"), key=lambda m: swedish_key(m.name)),
            "units": Unit.objects.select_related("municipality").only("pk", "name", "municipality__name")
            .order_by("municipality__name", "name")}


@allowed_if(can_see_activities)
def activity_list(request):
    chosen = {name: request.GET.get(name, "").strip() for name in ("region", "municipality", "theme", "activity_type")}
    found = activities.filtered(visible_activities(request.user), **chosen)
    if request.GET.get("format") == "xlsx":
        about = [("Innehåll", "Stödinsatser registrerade i fcatlas stödprogram"),
                 ("Urval", ", ".join(f"{name}={value}" for name, value in chosen.items() if value) or "alla"),
                 ("Uttaget", date.today().isoformat()), ("Antal insatser", len(found))]
        body = xlsx_bytes([("Om filen", ("Uppgift", "Värde"), about),
                           ("Stödinsatser", activities.ACTIVITY_HEADERS, [activities.activity_row(a) for a in found])])
        response = HttpResponse(body, content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="stodinsatser-{date.today().isoformat()}.xlsx"'
        return response
    query = request.GET.urlencode()
    return render(request, "support/activity_list.html", _places() | {
        "activities": found, "chosen": chosen, "themes": Theme.choices, "types": ActivityType.choices,
        "theme_labels": dict(Theme.choices),
        "can_record": can_record_activities(request.user), "query": query,
        "participants": sum(activity.participant_count for activity in found),
    })


def _activity_raw(post) -> dict:
    raw = {name: post.get(name, "") for name in activities.ACTIVITY_FIELDS if name not in ("themes", "participants")}
    raw["themes"] = post.getlist("themes")
    raw["participants"] = {role: post.get(f"participants_{role}", "") for role in ParticipantRole.values}
    return raw


def _activity_form(request, activity: SupportActivity | None):
    errors, conflict = {}, None
    revision = form_revision(Revision.Kind.ACTIVITY, activity)
    if request.method == "POST":
        raw = _activity_raw(request.POST)
        try:
            saved = activities.save_activity(activity, raw, request.user, revision=request.POST.get("revision"))
        except activities.ActivityError as error:
            errors, values, revision = error.errors, raw, request.POST.get("revision", revision)
        except StaleEdit as stale:
            conflict, values = stale, raw
        else:
            messages.success(request, "Stödinsatsen är sparad.")
            return redirect("support-activity", pk=saved.pk)
    elif activity is not None:
        values = activities.form_values(activity)
    else:
        values = {name: request.GET.get(name, "") for name in ("region", "municipality", "unit", "small_area_code",
                                                                "activity_type")}
        values |= {"themes": request.GET.getlist("theme"), "participants": {}, "held_on": date.today().isoformat()}
    theme_choices = [(code, Theme(code).label) for code in ACTIVITY_THEMES]
    participant_fields = [(role.value, role.label, values.get("participants", {}).get(role.value, ""),
                           errors.get(f"participants_{role.value}")) for role in ParticipantRole]
    return render(request, "support/activity_form.html", _places() | {
        "activity": activity, "values": values, "errors": errors, "types": ActivityType.choices,
        "theme_choices": theme_choices, "participant_fields": participant_fields, "conflict": conflict,
        "revision": revision,
    }, status=409 if conflict else 400 if errors else 200)


@allowed_if(can_record_activities)
def activity_create(request):
    return _activity_form(request, None)


@allowed_if(can_record_activities)
def activity_edit(request, pk):
    return _activity_form(request, get_object_or_404(SupportActivity, pk=pk))


@allowed_if(can_see_activities)
def activity_detail(request, pk):
    activity = get_object_or_404(visible_activities(request.user), pk=pk)
    revisions = Revision.objects.filter(kind=Revision.Kind.ACTIVITY, object_id=pk).select_related("saved_by")
    return render(request, "support/activity_detail.html", {
        "activity": activity,
        "themes": [Theme(code).label for code in activity.themes],
        "participants": [(ParticipantRole(role).label, count) for role, count in activity.participants.items()],
        "can_record": can_record_activities(request.user), "revisions": revisions,
        "articles": library.articles_on(activity.themes, limit=4),
    })


# Self-assessment

@login_required
def assessment_units(request):
    unit_id = staff_unit_id(request.user)
    if unit_id:
        return redirect("support-unit-assessment", unit=unit_id)
    units_filter = assessable_units_filter(request.user)
    if units_filter is None:
        raise PermissionDenied
    newest = {assessment.unit_id: assessments.round_score(assessment)
              for assessment in assessments.latest_completed(units_filter)}
    units = Unit.objects.filter(units_filter).select_related("municipality").order_by("municipality__name", "name")
    rows = [{"unit": unit, "score": newest.get(unit.pk)} for unit in units]
    return render(request, "support/assessment_units.html", {
        "rows": rows, "assessed": len(newest), "national": assessments.theme_means(assessments.latest_completed()),
    })


@login_required
def unit_assessment(request, unit):
    unit = get_object_or_404(Unit.objects.select_related("municipality__region"), pk=unit)
    if not can_read_assessment(request.user, unit):
        raise PermissionDenied
    results = assessments.unit_results(unit)
    return render(request, "support/unit_assessment.html", results | {
        "unit": unit, "can_fill": can_fill_assessment(request.user, unit),
        "can_record": can_record_activities(request.user),
        "unfinished": unit.assessment_rounds.filter(completed_on__isnull=True).first(),
        "level_count": len(LEVELS),
    })


@require_POST
@login_required
def assessment_start(request, unit):
    unit = get_object_or_404(Unit, pk=unit)
    if not can_fill_assessment(request.user, unit):
        raise PermissionDenied
    try:
        assessment = assessments.start_round(unit, request.user)
    except assessments.AssessmentError as error:
        messages.error(request, str(error))
        return redirect("support-unit-assessment", unit=unit.pk)
    return redirect("support-assessment-round", pk=assessment.pk)


def _answers_raw(post, rubric) -> dict:
    return {key: {name: post.get(f"{key}.{name}", "") for name in ("level", "evidence", "action_plan")}
            for key in criterion_keys(rubric.definition)}


@login_required
def assessment_round(request, pk):
    assessment = get_object_or_404(AssessmentRound.objects.select_related("unit__municipality", "rubric"), pk=pk)
    if not can_read_assessment(request.user, assessment.unit):
        raise PermissionDenied
    editable = can_fill_assessment(request.user, assessment.unit) and not assessment.completed_on
    errors, conflict = {}, None
    answers, taken_part = assessment.answers, assessment.taken_part
    revision = form_revision(Revision.Kind.ASSESSMENT, assessment)
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        answers_raw = _answers_raw(request.POST, assessment.rubric)
        taken_part = request.POST.get("taken_part", "")
        complete = request.POST.get("action") == "complete"
        try:
            missing = assessments.save_answers(assessment, answers_raw, taken_part, request.user, complete=complete,
                                               revision=request.POST.get("revision"))
        except assessments.AssessmentError as error:
            errors = error.errors
            answers, revision = answers_raw, request.POST.get("revision", revision)
        except StaleEdit as stale:
            conflict, answers = stale, answers_raw
            assessment.refresh_from_db()
            editable = not assessment.completed_on
        else:
            if complete and not missing:
                messages.success(request, "Självskattningen är klar. Här är resultatet.")
                return redirect("support-unit-assessment", unit=assessment.unit_id)
            if not complete:
                messages.success(request, "Det ni har fyllt i är sparat.")
                return redirect("support-assessment-round", pk=assessment.pk)
            errors = {"complete": f"Omgången kan avslutas när alla kriterier har en nivå; {missing} saknar nivå. "
                                  "Det ni har fyllt i är sparat."}
            assessment.refresh_from_db()
            answers, revision = assessment.answers, form_revision(Revision.Kind.ASSESSMENT, assessment)
    themes = [{"code": theme["code"], "title": theme["title"], "criteria": [
        {"key": c["key"], "text": c["text"], "answer": answers.get(c["key"]) or {},
         "levels": [(level, LEVEL_NAMES[level], text) for level, text in zip(LEVELS, c["levels"])],
         "error": errors.get(f"{c['key']}.level") or errors.get(f"{c['key']}.evidence")
         or errors.get(f"{c['key']}.action_plan")} for c in theme["criteria"]]}
        for theme in assessment.rubric.definition["themes"]]
    return render(request, "support/assessment_round.html", {
        "assessment": assessment, "themes": themes, "editable": editable, "errors": errors,
        "taken_part": taken_part, "score": assessments.round_score(assessment), "conflict": conflict,
        "revision": revision,
    }, status=409 if conflict else 400 if errors and "complete" not in errors else 200)


# Knowledge library

@login_required
def library_page(request):
    text = request.GET.get("q", "").strip()
    theme = request.GET.get("tema", "").strip()
    found = library.search(text) if text else list(Article.objects.all())
    if theme:
        found = [article for article in found if theme in article.themes]
    every_theme = [theme for themes in Article.objects.values_list("themes", flat=True) for theme in themes]
    by_theme = [(code, label, every_theme.count(code)) for code, label in Theme.choices]
    return render(request, "support/library.html", {
        "query": text, "theme": theme, "articles": found, "themes": Theme.choices, "by_theme": by_theme,
        "can_edit": can_edit_library(request.user),
    })


@login_required
def article_detail(request, slug):
    article = get_object_or_404(Article, slug=slug)
    return render(request, "support/article_detail.html", {
        "article": article, "themes": [Theme(code).label for code in article.themes],
        "roles": [TargetRole(code).label for code in article.target_roles if code in TargetRole.values],
        "paragraphs": [part.strip() for part in article.body.split("\n\n") if part.strip()],
        "can_edit": can_edit_library(request.user),
        "revisions": Revision.objects.filter(kind=Revision.Kind.ARTICLE, object_id=article.pk).count(),
    })


def _article_form(request, article: Article | None):
    errors, conflict = {}, None
    revision = form_revision(Revision.Kind.ARTICLE, article)
    if request.method == "POST":
        raw = {name: request.POST.get(name, "") for name in library.ARTICLE_FIELDS}
        raw["themes"], raw["target_roles"] = request.POST.getlist("themes"), request.POST.getlist("target_roles")
        try:
            saved = library.save_article(article, raw, request.user, revision=request.POST.get("revision"))
        except library.ArticleError as error:
            errors, values, revision = error.errors, raw, request.POST.get("revision", revision)
        except StaleEdit as stale:
            conflict, values = stale, raw
        else:
            messages.success(request, "Underlaget är sparat.")
            return redirect("support-article", slug=saved.slug)
    elif article is not None:
        values = {name: getattr(article, name) for name in library.ARTICLE_FIELDS}
    else:
        values = {"kind": ArticleKind.WRITTEN_HERE, "themes": [], "target_roles": []}
    return render(request, "support/article_form.html", {
        "article": article, "values": values, "errors": errors, "kinds": ArticleKind.choices,
        "themes": Theme.choices, "roles": TargetRole.choices, "conflict": conflict, "revision": revision,
    }, status=409 if conflict else 400 if errors else 200)


@allowed_if(can_edit_library)
def article_create(request):
    return _article_form(request, None)


@allowed_if(can_edit_library)
def article_edit(request, slug):
    return _article_form(request, get_object_or_404(Article, slug=slug))
