"""A unit's self-assessment rounds: starting one, saving answers as the staff go, completing it, and the
results over rounds compared with the region and the nation, with material and support suggested for the
weakest themes."""

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import Q

from fcatlas.registry.models import Unit

from .library import articles_on
from .models import AssessmentRound, Revision, Rubric
from .revisions import check_current, keep
from .scoring import LEVELS, Score, compare, criterion_keys, score
from .vocabulary import ActivityType, Theme

MAX_TEXT = 4_000
SUGGESTED_SUPPORT = {
    Theme.VIOLENCE: ActivityType.TRAINING, Theme.HONOUR_VIOLENCE: ActivityType.TRAINING,
    Theme.EQUAL_PARENTING: ActivityType.TRAINING, Theme.LANGUAGE_DEVELOPMENT: ActivityType.NETWORK_MEETING,
    Theme.GOVERNANCE: ActivityType.PROCESS_SUPPORT, Theme.CO_LOCATION: ActivityType.PROCESS_SUPPORT,
    Theme.VULNERABLE_AREAS: ActivityType.DIALOGUE_MEETING, Theme.OLDER_CHILDREN: ActivityType.DIALOGUE_MEETING,
    Theme.HEALTH_PROMOTION: ActivityType.NETWORK_MEETING, Theme.NEWLY_ARRIVED: ActivityType.DIALOGUE_MEETING,
    Theme.NEW_CENTRE: ActivityType.PROCESS_SUPPORT,
}
"""The kind of support that most often helps a unit on a theme it rates itself weak on."""


class AssessmentError(ValueError):
    """{field: Swedish message} for answers that cannot be saved."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def current_rubric() -> Rubric | None:
    return Rubric.objects.order_by("-version").first()


def start_round(unit: Unit, user) -> AssessmentRound:
    """A new round on the newest rubric; an unfinished round of the unit is returned instead."""
    unfinished = unit.assessment_rounds.filter(completed_on__isnull=True).first()
    if unfinished:
        return unfinished
    rubric = current_rubric()
    if rubric is None:
        raise AssessmentError({"rubric": "Det finns ingen självskattningsmall. Kör fcatlas load-support."})
    return AssessmentRound.objects.create(unit=unit, rubric=rubric, started_on=date.today(), updated_by=user)


def checked_answers(rubric: Rubric, raw: dict) -> dict:
    """``raw``: {key: {"level": text, "evidence": text, "action_plan": text}} from the form."""
    errors, answers = {}, {}
    texts = {c["key"]: c["text"] for theme in rubric.definition["themes"] for c in theme["criteria"]}
    for key in criterion_keys(rubric.definition):
        given = raw.get(key) or {}
        level_text = str(given.get("level") or "").strip()
        level = None
        if level_text:
            if not level_text.isdigit() or int(level_text) not in LEVELS:
                errors[f"{key}.level"] = f"Nivån för ”{texts[key]}” ska vara 1–4, inte ”{level_text}”."
            else:
                level = int(level_text)
        answer = {"level": level}
        for name, label in (("evidence", "Underlaget"), ("action_plan", "Handlingsplanen")):
            text = str(given.get(name) or "").strip()
            if len(text) > MAX_TEXT:
                errors[f"{key}.{name}"] = f"{label} för ”{texts[key]}” är längre än {MAX_TEXT} tecken."
            answer[name] = text
        if level is not None or answer["evidence"] or answer["action_plan"]:
            answers[key] = answer
    if errors:
        raise AssessmentError(errors)
    return answers


@transaction.atomic
def save_answers(assessment: AssessmentRound, raw: dict, taken_part: str, user, *, complete: bool = False,
                 revision: str | None = None) -> int:
    """Save what the staff have filled in so far; with ``complete``, also close the round when every criterion
    has a level. Returns how many criteria still lack one (what was typed is saved either way). A completed
    round is not changed: a new round is started instead. The form must name the ``revision`` it was opened at
    (``revisions.StaleEdit`` if a colleague has saved since)."""
    check_current(Revision.Kind.ASSESSMENT, assessment, revision)
    assessment.refresh_from_db(fields=["completed_on"])
    if assessment.completed_on:
        raise AssessmentError({"round": "Omgången är avslutad och ändras inte. Starta en ny omgång."})
    answers = checked_answers(assessment.rubric, raw)
    missing = sum((answers.get(key) or {}).get("level") is None for key in criterion_keys(assessment.rubric.definition))
    assessment.answers, assessment.taken_part, assessment.updated_by = answers, taken_part.strip()[:MAX_TEXT], user
    if complete and not missing:
        assessment.completed_on = date.today()
    assessment.save()
    keep(Revision.Kind.ASSESSMENT, assessment.pk, user, {
        "answers": assessment.answers, "taken_part": assessment.taken_part,
        "completed_on": assessment.completed_on.isoformat() if assessment.completed_on else None})
    return missing


def round_score(assessment: AssessmentRound) -> Score:
    return score(assessment.rubric.definition, assessment.answers)


@dataclass
class Suggestion:
    theme: str
    title: str
    articles: list
    activity_type: str

    @property
    def activity_label(self) -> str:
        return ActivityType(self.activity_type).label


def suggestions(result: Score) -> list[Suggestion]:
    """For each weakest theme: the library's material on it and the kind of support to ask for."""
    titles = {theme.code: theme.title for theme in result.themes}
    return [Suggestion(theme=code, title=titles[code], articles=articles_on([code], limit=3),
                       activity_type=SUGGESTED_SUPPORT.get(code, ActivityType.DIALOGUE_MEETING))
            for code in result.weakest]


def latest_completed(units_filter=None) -> list[AssessmentRound]:
    """Each unit's newest completed round (of the units ``units_filter`` keeps)."""
    rounds = AssessmentRound.objects.filter(completed_on__isnull=False).select_related("rubric", "unit")
    if units_filter is not None:
        rounds = rounds.filter(unit__in=Unit.objects.filter(units_filter))
    newest = {}
    for assessment in rounds.order_by("completed_on", "pk"):
        newest[assessment.unit_id] = assessment
    return list(newest.values())


def theme_means(rounds: list[AssessmentRound]) -> dict[str, float]:
    """The mean over units of each theme's mean level (each unit's newest completed round counts once)."""
    sums, counts = {}, {}
    for assessment in rounds:
        for theme in round_score(assessment).themes:
            if theme.mean_level is not None:
                sums[theme.code] = sums.get(theme.code, 0.0) + theme.mean_level
                counts[theme.code] = counts.get(theme.code, 0) + 1
    return {code: sums[code] / counts[code] for code in sums}


def unit_results(unit: Unit) -> dict:
    """Every round of the unit with its score, the change between its last two completed rounds, and the
    region's and nation's theme means beside the newest."""
    rounds = list(unit.assessment_rounds.select_related("rubric").order_by("started_on", "pk"))
    scored = [(assessment, round_score(assessment)) for assessment in rounds]
    completed = [assessment for assessment in rounds if assessment.completed_on]
    change = None
    if len(completed) >= 2:
        earlier, later = completed[-2], completed[-1]
        changes, keys = compare((earlier.rubric.definition, earlier.answers), (later.rubric.definition, later.answers))
        change = {"earlier": earlier, "later": later, "changes": changes, "compared": len(keys),
                  "criteria": len(criterion_keys(later.rubric.definition))}
    region = theme_means(latest_completed(Q(municipality__region_id=unit.municipality.region_id)))
    nation = theme_means(latest_completed())
    newest = completed[-1] if completed else None
    newest_score = round_score(newest) if newest else None
    comparison = [{"code": theme.code, "title": theme.title, "unit": theme.mean_level,
                   "region": region.get(theme.code), "nation": nation.get(theme.code)}
                  for theme in newest_score.themes] if newest_score else []
    return {"rounds": scored, "change": change, "newest": newest, "newest_score": newest_score,
            "comparison": comparison, "suggestions": suggestions(newest_score) if newest_score else []}
