"""Answering: a response opened from an invitation (prefilled from the registry and the last wave), saved page by
page — each save kept, repeated saves harmless, two people's saves merged without losing either — and submitted
once, with a receipt.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from fcatlas.registry.editing import PREFETCH, unit_record
from fcatlas.registry.models import Unit

from . import engine
from .definition import FormDefinition
from .mapping import prefilled
from .models import Audience, Invitation, Response, ResponseSave, ResponseStatus
from .questionnaires import definition_of


class AnsweringError(ValueError):
    """A save or submission that cannot be done; the message is Swedish."""


class NotComplete(AnsweringError):
    def __init__(self, errors: dict[str, str]):
        super().__init__(f"{len(errors)} svar behöver rättas eller fyllas i innan svaret kan skickas in.")
        self.errors = errors


def _target(invitation: Invitation) -> dict:
    if invitation.audience == Audience.UNIT:
        return {"audience": Audience.UNIT, "unit_number": invitation.unit_number}
    if invitation.audience == Audience.MUNICIPALITY:
        return {"audience": Audience.MUNICIPALITY, "municipality": invitation.municipality}
    return {"audience": Audience.REGION, "region": invitation.region}


RESPONDENT_FIELD = "fcatlas_respondent"
"""A hidden question naming whom a response is for (``enhet:123``, ``kommun:1280``, ``region:12``): set on the web
from the invitation, and what a submission collected in ODK or KoboToolbox carries to be imported."""


def respondent_key(invitation_or_response) -> str:
    item = invitation_or_response
    if item.audience == Audience.UNIT:
        return f"enhet:{item.unit_number}"
    if item.audience == Audience.MUNICIPALITY:
        return f"kommun:{item.municipality_id}"
    return f"region:{item.region_id}"


def _previous_answers(invitation: Invitation, definition: FormDefinition) -> dict[str, str]:
    """The answers the same respondent submitted in the last earlier wave on the same questionnaire, for the
    questions this form still has."""
    earlier = Response.objects.filter(
        status=ResponseStatus.SUBMITTED, version__questionnaire=invitation.wave.version_for(
            invitation.audience).questionnaire, wave__opens_on__lt=invitation.wave.opens_on,
        **_target(invitation)).order_by("-wave__opens_on").first()
    if earlier is None:
        return {}
    old = definition_of(earlier.version)
    evaluation = engine.evaluate(old, earlier.answers)
    carried = {}
    for node in old.fields():
        if node.calculate or node.is_note or definition.node(node.path) is None:
            continue
        for path, element in evaluation.elements.items():
            if engine.schema_path(path) == node.path and element.text:
                carried[path] = element.text
    return carried


def open_response(invitation: Invitation) -> Response:
    """The response this invitation's respondent answers: the one already begun, or a new one prefilled."""
    target = _target(invitation)
    existing = Response.objects.filter(wave=invitation.wave, **target).order_by("pk").first()
    if existing:
        if existing.invitation_id is None:  # begun under a link since removed
            Response.objects.filter(pk=existing.pk).update(invitation=invitation)
        return existing
    version = invitation.wave.version_for(invitation.audience)
    definition = definition_of(version)
    answers = engine.empty_answers(definition)
    start = _previous_answers(invitation, definition)
    if invitation.audience == Audience.UNIT and invitation.unit_id:
        unit = Unit.objects.prefetch_related(*PREFETCH).get(pk=invitation.unit_id)
        start |= prefilled(definition, unit_record(unit))
    respondent = f"/{definition.root}/{RESPONDENT_FIELD}"
    if definition.node(respondent) is not None:
        start[respondent] = respondent_key(invitation)
    for path, value in start.items():
        try:
            engine.set_answer(definition, answers, path, value)
        except engine.AnswerPathError:
            continue
    return Response.objects.create(
        wave=invitation.wave, invitation=invitation, unit=invitation.unit, municipality=invitation.municipality,
        region=invitation.region, version=version, answers=engine.evaluate(definition, answers).answers,
        **{key: value for key, value in target.items() if key not in ("municipality", "region")})


@dataclass
class SaveOutcome:
    revision: int
    kept_theirs: dict[str, list[str]] = field(default_factory=dict)
    """{question path: [what this save said, what someone else had saved first and is kept]}"""
    repeated: bool = False


def save_answers(response: Response, values: dict[str, str], *, base_revision: int, save_id: str | uuid.UUID,
                 add_repeat: str | None = None, remove_repeat: str | None = None) -> SaveOutcome:
    """Save answers (question path → text) given on a page loaded at ``base_revision``.

    The same ``save_id`` saved again (a browser retrying after a broken connection) changes nothing and returns the
    first outcome. An answer that someone else changed after ``base_revision`` is not overwritten: it is kept and
    reported in ``kept_theirs``, and both values stay in the saves' log.
    """
    try:
        save_id = uuid.UUID(str(save_id))
    except ValueError:
        raise AnsweringError("Sparningen saknar sitt id; ladda om sidan.") from None
    with transaction.atomic():
        response = Response.objects.select_for_update().get(pk=response.pk)
        earlier = response.saves.filter(save_id=save_id).first()
        if earlier:
            return SaveOutcome(earlier.revision, earlier.kept_theirs, repeated=True)
        if response.status == ResponseStatus.SUBMITTED:
            raise AnsweringError(f"Svaret skickades in {timezone.localtime(response.submitted_at):%Y-%m-%d %H.%M} "
                                 "och kan inte ändras längre.")
        if not 0 <= base_revision <= response.revision:
            raise AnsweringError("Sidan kommer från en annan version av svaret; ladda om den.")
        definition = definition_of(response.version)
        answers = response.answers
        changed_by_others = {path for later in response.saves.filter(revision__gt=base_revision)
                             for path in later.changed}
        kept, changed = {}, []
        for path, value in values.items():
            value = engine.normalised_answer(definition, path, value)
            theirs = engine.get_answer(answers, path)
            if theirs == value:
                continue
            if path in changed_by_others:
                kept[path] = [value, theirs]
                continue
            try:
                engine.set_answer(definition, answers, path, value)
            except engine.AnswerPathError as error:
                raise AnsweringError(str(error)) from None
            changed.append(path)
        try:
            if add_repeat:
                engine.add_repeat(definition, answers, add_repeat)
            if remove_repeat:
                engine.remove_repeat(answers, remove_repeat)
        except engine.AnswerPathError as error:
            raise AnsweringError(str(error)) from None
        evaluation = engine.evaluate(definition, answers)
        response.answers = evaluation.answers
        response.revision += 1
        response.saved_at = timezone.now()
        response.save(update_fields=["answers", "revision", "saved_at"])
        ResponseSave.objects.create(response=response, save_id=save_id, base_revision=base_revision,
                                    revision=response.revision, values=values, changed=changed, kept_theirs=kept)
        return SaveOutcome(response.revision, kept)


def receipt_number(response: Response) -> str:
    return f"K{response.wave.opens_on.year}-{response.pk:06d}"


def submit(response: Response) -> Response:
    """Submit a complete response; submitting again returns it unchanged with the same receipt."""
    with transaction.atomic():
        response = Response.objects.select_for_update().select_related("wave").get(pk=response.pk)
        if response.status == ResponseStatus.SUBMITTED:
            return response
        definition = definition_of(response.version)
        evaluation = engine.evaluate(definition, response.answers)
        if evaluation.errors:
            raise NotComplete(evaluation.errors)
        response.answers = evaluation.answers
        response.answers.setdefault("meta", {})["instanceID"] = f"uuid:{response.instance_id}"
        response.status, response.submitted_at = ResponseStatus.SUBMITTED, timezone.now()
        response.receipt = receipt_number(response)
        response.save(update_fields=["answers", "status", "submitted_at", "receipt"])
        return response
