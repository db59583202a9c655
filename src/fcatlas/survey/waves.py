"""Waves and their population: every unit that exists (not closed) and every kommun and region get a personal
invitation; a coordinator may forward a link (a new link for another address; the old one stops working)."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from fcatlas.reference.models import Municipality, Region
from fcatlas.registry.models import Status, Unit

from .models import Audience, Invitation, QuestionnaireVersion, Wave


class WaveError(ValueError):
    """A wave that cannot be created or changed as asked; the message is Swedish."""


@transaction.atomic
def create_wave(*, name: str, opens_on: date, closes_on: date, unit_version: QuestionnaireVersion,
                organisation_version: QuestionnaireVersion, user=None) -> Wave:
    """A wave with one invitation per unit (e-mail from the registry), kommun and region."""
    name = name.strip()
    if not name:
        raise WaveError("Ge omgången ett namn, till exempel ”Kartläggning 2026”.")
    if closes_on < opens_on:
        raise WaveError(f"Omgången stänger ({closes_on:%Y-%m-%d}) före den öppnar ({opens_on:%Y-%m-%d}).")
    if Wave.objects.filter(name=name).exists():
        raise WaveError(f"Det finns redan en omgång som heter ”{name}”.")
    if not unit_version.questionnaire.for_units or organisation_version.questionnaire.for_units:
        raise WaveError("Välj ett formulär för enheter och ett för kommuner och regioner.")
    wave = Wave.objects.create(name=name, opens_on=opens_on, closes_on=closes_on, unit_version=unit_version,
                               organisation_version=organisation_version,
                               created_by=user if user and user.is_authenticated else None)
    units = Unit.objects.exclude(status=Status.CLOSED).select_related("municipality")
    invitations = [Invitation(wave=wave, audience=Audience.UNIT, unit=unit, unit_number=unit.pk,
                              municipality=unit.municipality, region_id=unit.municipality.region_id,
                              email=unit.email) for unit in units]
    invitations += [Invitation(wave=wave, audience=Audience.MUNICIPALITY, municipality=municipality,
                               region_id=municipality.region_id) for municipality in Municipality.objects.all()]
    invitations += [Invitation(wave=wave, audience=Audience.REGION, region=region) for region in Region.objects.all()]
    Invitation.objects.bulk_create(invitations, batch_size=500)
    return wave


@transaction.atomic
def forward(invitation: Invitation, email: str) -> Invitation:
    """A new invitation for the same respondent with another address; the old link stops working. The response
    already begun moves with it, so nothing answered is lost."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.revoked_at is not None:
        raise WaveError("Länken har redan ersatts; vidarebefordra den senaste.")
    replacement = Invitation.objects.create(
        wave=invitation.wave, audience=invitation.audience, unit=invitation.unit, unit_number=invitation.unit_number,
        municipality=invitation.municipality, region=invitation.region, email=email.strip())
    invitation.revoked_at, invitation.replaced_by = timezone.now(), replacement
    invitation.save(update_fields=["revoked_at", "replaced_by"])
    invitation.responses.update(invitation=replacement)
    return replacement


def adopt(version: QuestionnaireVersion, today: date | None = None) -> list[Wave]:
    """Let the waves not yet closed that ask on an older version of the same questionnaire ask on ``version`` from
    now on; responses already begun keep the version they were given on."""
    today = today or timezone.localdate()
    field = "unit_version" if version.questionnaire.for_units else "organisation_version"
    waves = list(Wave.objects.filter(**{f"{field}__questionnaire": version.questionnaire, "closes_on__gte": today})
                 .exclude(**{field: version}))
    for wave in waves:
        setattr(wave, field, version)
        wave.save(update_fields=[field])
    return waves
