"""Review: a response shown as changes to the unit's current record, field by field, each accepted or rejected
by an analyst. Accepted changes go through the registry's one door (``save_unit`` and its rules) with the wave
as source; reported new units become registry units. Two responses for one unit, or a unit edited since the wave
opened, are shown as conflicts — never merged silently."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from fcatlas.registry.editing import PREFETCH, EditConflict, normalised, save_unit, unit_record
from fcatlas.registry.models import Source, Unit, UnitChange
from fcatlas.registry.rules import RuleViolation
from fcatlas.registry.vocabulary import label

from . import engine
from .mapping import Proposal, new_unit_proposals, shown, unit_proposal
from .models import Audience, Decision, Response, ResponseStatus, ReviewDecision
from .questionnaires import definition_of


class ReviewError(ValueError):
    """A decision that cannot be applied; the message is Swedish (a registry rule's message when one is broken)."""


@dataclass
class FieldReview:
    key: str
    label: str
    current: str
    proposed: str
    value: object = None
    unreadable: str = ""
    decision: ReviewDecision | None = None


@dataclass
class NewUnitReview:
    instance: str
    name: str
    proposal: Proposal
    rows: list[FieldReview]
    decision: ReviewDecision | None = None


@dataclass
class Review:
    response: Response
    unit: Unit | None
    fields: list[FieldReview] = field(default_factory=list)
    unchanged: int = 0
    new_units: list[NewUnitReview] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)

    @property
    def open_fields(self) -> list[FieldReview]:
        return [row for row in self.fields if row.decision is None and not row.unreadable]


def source_detail(response: Response) -> str:
    return f"{response.wave.name}, svar {response.receipt or response.pk}"


def _differs(current: dict, key: str, value) -> bool:
    return normalised(current | {key: value})[key] != normalised(current)[key]


def _conflicts(response: Response, unit: Unit | None) -> list[str]:
    conflicts = []
    if unit is None:
        return conflicts
    others = Response.objects.filter(wave=response.wave, unit_number=unit.pk, status=ResponseStatus.SUBMITTED) \
        .exclude(pk=response.pk)
    for other in others:
        conflicts.append(f"Det finns ett annat inskickat svar för {unit.name} i omgången (kvitto {other.receipt}, "
                         f"{timezone.localtime(other.submitted_at):%Y-%m-%d}). Jämför dem innan du godkänner något.")
    opened = timezone.make_aware(dt.datetime.combine(response.wave.opens_on, dt.time.min))
    edits = UnitChange.objects.filter(unit_number=unit.pk, changed_at__gte=opened).exclude(
        source=Source.SURVEY_WAVE).order_by("-changed_at")
    for change in edits[:3]:
        who = change.changed_by.username if change.changed_by else change.get_source_display().lower()
        fields = ", ".join(label(key) for key in change.fields) or "inga fält"
        conflicts.append(f"Enheten ändrades {timezone.localtime(change.changed_at):%Y-%m-%d} av {who} ({fields}), "
                         "efter att omgången öppnade: svaret kan ha skrivits före eller efter ändringen.")
    return conflicts


def review_of(response: Response) -> Review:
    definition = definition_of(response.version)
    evaluation = engine.evaluate(definition, response.answers)
    unit = Unit.objects.prefetch_related(*PREFETCH).filter(pk=response.unit_number).first() \
        if response.audience == Audience.UNIT and response.unit_number else None
    review = Review(response, unit, conflicts=_conflicts(response, unit))
    decisions = {decision.key: decision for decision in response.decisions.all()}
    if unit is not None:
        current = unit_record(unit)
        proposal = unit_proposal(definition, evaluation)
        for key, value in proposal.record.items():
            if _differs(current, key, value):
                review.fields.append(FieldReview(key, label(key), shown(key, current.get(key)), shown(key, value),
                                                 value, decision=decisions.get(key)))
            else:
                review.unchanged += 1
        for key, message in proposal.unreadable.items():
            review.fields.append(FieldReview(key, label(key.partition(".")[0]), shown(key, current.get(key)), "",
                                             unreadable=message))
    for instance, proposal in new_unit_proposals(definition, evaluation):
        rows = [FieldReview(key, label(key), "", shown(key, value), value) for key, value in proposal.record.items()]
        review.new_units.append(NewUnitReview(instance, str(proposal.record.get("name") or "(namn saknas)"), proposal,
                                              rows, decisions.get(f"unit:{instance}")))
    return review


@transaction.atomic
def decide(response: Response, *, accepted: list[str], rejected: list[str], user, expected_version: int
           ) -> UnitChange | None:
    """Apply an analyst's decisions on a unit response: accepted fields saved to the unit, both kinds recorded."""
    review = review_of(response)
    if review.unit is None:
        raise ReviewError("Svaret hör inte till någon enhet i registret.")
    rows = {row.key: row for row in review.open_fields}
    unknown = [key for key in [*accepted, *rejected] if key not in rows]
    if unknown:
        raise ReviewError(f"Fältet {label(unknown[0])} har redan beslutats eller finns inte i svaret; ladda om sidan.")
    change = None
    if accepted:
        try:
            result = save_unit(review.unit, {key: rows[key].value for key in accepted}, user=user,
                               source=Source.SURVEY_WAVE, source_detail=source_detail(response),
                               expected_version=expected_version)
        except EditConflict:
            raise ReviewError("Någon har ändrat enheten medan du granskade. Ladda om sidan och granska igen.") from None
        except RuleViolation as violation:
            raise ReviewError("Registret tar inte emot ändringen: " + " ".join(
                f"{label(problem.field)}: {problem.message}" for problem in violation.problems)) from None
        change = result.change
    for key in accepted:
        ReviewDecision.objects.create(response=response, key=key, decision=Decision.ACCEPTED, decided_by=user,
                                      proposed=rows[key].value, change=change)
    for key in rejected:
        ReviewDecision.objects.create(response=response, key=key, decision=Decision.REJECTED, decided_by=user,
                                      proposed=rows[key].value)
    return change


@transaction.atomic
def decide_new_unit(response: Response, instance: str, *, accept: bool, user) -> Unit | None:
    """Make a reported unit a registry unit in the responding kommun (or record that it was rejected)."""
    review = review_of(response)
    reported = next((unit for unit in review.new_units if unit.instance == instance), None)
    if reported is None or reported.decision is not None:
        raise ReviewError("Enheten har redan beslutats eller finns inte i svaret; ladda om sidan.")
    key = f"unit:{instance}"
    if not accept:
        ReviewDecision.objects.create(response=response, key=key, decision=Decision.REJECTED, decided_by=user,
                                      proposed=reported.proposal.record)
        return None
    if response.municipality is None:
        raise ReviewError("Svaret är från en region: ange kommunen i registret när enheten läggs till.")
    record = reported.proposal.record | {"municipality_id": response.municipality.code}
    try:
        result = save_unit(None, record, user=user, source=Source.SURVEY_WAVE, source_detail=source_detail(response))
    except RuleViolation as violation:
        raise ReviewError("Registret tar inte emot enheten: " + " ".join(
            f"{label(problem.field)}: {problem.message}" for problem in violation.problems)) from None
    ReviewDecision.objects.create(response=response, key=key, decision=Decision.ACCEPTED, decided_by=user,
                                  proposed=reported.proposal.record, change=result.change)
    return result.unit
