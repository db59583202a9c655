"""Follow-up of a wave: response rates by region, kommun and kind of respondent, who has not answered, and the raw
answers in long format (one row per answer, repeat instances with their parent's keys) for analysis."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from fcatlas.formatting import swedish_key
from fcatlas.registry.models import Classification
from fcatlas.spreadsheets import csv_bytes, xlsx_bytes

from . import engine
from .models import Audience, Response, ResponseStatus, Wave
from .questionnaires import definition_of
from .rendering import form_language


@dataclass
class Rate:
    key: str
    name: str
    invited: int = 0
    started: int = 0
    submitted: int = 0

    @property
    def share(self) -> float | None:
        return self.submitted / self.invited if self.invited else None


def _target_key(audience: str, unit_number, municipality_id, region_id) -> tuple:
    if audience == Audience.UNIT:
        return (audience, unit_number)
    return (audience, municipality_id if audience == Audience.MUNICIPALITY else region_id)


def _states(wave: Wave, scope: Q) -> dict[tuple, str]:
    states = {}
    for audience, unit_number, municipality_id, region_id, status in Response.objects.filter(wave=wave).filter(
            scope).values_list("audience", "unit_number", "municipality_id", "region_id", "status"):
        key = _target_key(audience, unit_number, municipality_id, region_id)
        if states.get(key) != ResponseStatus.SUBMITTED:
            states[key] = status
    return states


def active_invitations(wave: Wave, scope: Q):
    return wave.invitations.filter(revoked_at__isnull=True).filter(scope).select_related(
        "unit", "municipality", "region")


def rates(wave: Wave, scope: Q) -> dict[str, list[Rate]]:
    """Rates per region, per kommun and per kind of respondent (units by classification)."""
    states = _states(wave, scope)
    groups: dict[str, dict[str, Rate]] = {"region": {}, "municipality": {}, "kind": {}}
    classification_names = dict(Classification.choices)
    for invitation in active_invitations(wave, scope):
        key = _target_key(invitation.audience, invitation.unit_number, invitation.municipality_id,
                          invitation.region_id)
        state = states.get(key)
        kind = (classification_names.get(invitation.unit.classification, "Enhet") if invitation.unit
                else invitation.get_audience_display()) if invitation.audience == Audience.UNIT \
            else invitation.get_audience_display()
        places = [("region", invitation.region_id, invitation.region.name), ("kind", kind, kind)]
        if invitation.municipality_id:
            places.append(("municipality", invitation.municipality_id, invitation.municipality.name))
        for group, code, name in places:
            rate = groups[group].setdefault(code, Rate(code, name))
            rate.invited += 1
            rate.started += state is not None
            rate.submitted += state == ResponseStatus.SUBMITTED
    return {group: sorted(values.values(), key=lambda rate: swedish_key(rate.name))
            for group, values in groups.items()}


def total(rows: list[Rate]) -> Rate:
    return Rate("", "Totalt", sum(r.invited for r in rows), sum(r.started for r in rows),
                sum(r.submitted for r in rows))


def missing(wave: Wave, scope: Q) -> list[dict]:
    """Every active invitation without a submitted response, with what is known of its mail."""
    states = _states(wave, scope)
    rows = []
    for invitation in active_invitations(wave, scope):
        key = _target_key(invitation.audience, invitation.unit_number, invitation.municipality_id,
                          invitation.region_id)
        if states.get(key) == ResponseStatus.SUBMITTED:
            continue
        rows.append({"invitation": invitation, "state": "påbörjat" if key in states else "inte påbörjat"})
    return sorted(rows, key=lambda row: (row["invitation"].region.name, swedish_key(
        row["invitation"].municipality.name if row["invitation"].municipality else ""),
        row["invitation"].audience != Audience.REGION, swedish_key(row["invitation"].target_name)))


RATE_HEADERS = ["Namn", "Inbjudna", "Påbörjade", "Inskickade", "Svarsfrekvens (%)"]
MISSING_HEADERS = ["Svarar för", "Typ", "Kommun", "Region", "E-post", "Inbjudan skickad", "Påminnelse skickad",
                   "Läge"]


def _rate_rows(rows: list[Rate]):
    for rate in [*rows, total(rows)]:
        yield [rate.name, rate.invited, rate.started, rate.submitted,
               None if rate.share is None else round(100 * rate.share, 1)]


def _when(moment) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d}" if moment else ""


def rates_workbook(wave: Wave, scope: Q) -> bytes:
    groups = rates(wave, scope)
    return xlsx_bytes([
        ("Per region", RATE_HEADERS, _rate_rows(groups["region"])),
        ("Per kommun", RATE_HEADERS, _rate_rows(groups["municipality"])),
        ("Per typ", RATE_HEADERS, _rate_rows(groups["kind"])),
        ("Saknas", MISSING_HEADERS, ([row["invitation"].target_name, row["invitation"].get_audience_display(),
                                      row["invitation"].municipality.name if row["invitation"].municipality else "",
                                      row["invitation"].region.name, row["invitation"].email,
                                      _when(row["invitation"].sent_at), _when(row["invitation"].reminded_at),
                                      row["state"]] for row in missing(wave, scope))),
    ])


ANSWER_HEADERS = ["omgång", "svar_id", "kvitto", "status", "inskickat", "svarar_för", "enhet_id", "enhet",
                  "kommunkod", "länskod", "formulär", "formulärversion", "upprepning", "instans", "förälder",
                  "fråga", "sökväg", "svar", "svarstext", "registerfält"]


def _instance_keys(path: str) -> tuple[str, str, str]:
    """(the innermost repeat's path, its instance number, the enclosing instance's path) of an instance path."""
    steps = path.split("/")
    repeated = [index for index, step in enumerate(steps) if step.endswith("]")]
    if not repeated:
        return "", "", ""
    last = repeated[-1]
    name, number = steps[last][:-1].split("[")
    parent = "/".join(steps[:repeated[-2] + 1]) if len(repeated) > 1 else ""
    return engine.schema_path("/".join(steps[:last]) + "/" + name), number, parent


def answer_rows(wave: Wave, scope: Q):
    """Every answer of every response in scope, one row each (long format)."""
    responses = Response.objects.filter(wave=wave).filter(scope).select_related(
        "version__questionnaire", "unit", "municipality", "region").order_by("pk")
    for response in responses:
        definition = definition_of(response.version)
        evaluation = engine.evaluate(definition, response.answers)
        language = form_language(definition, "sv")
        for path, element in evaluation.elements.items():
            node = definition.node(engine.schema_path(path))
            value = element.text or ""
            if node is None or node.kind != "field" or not value or node.is_note:
                continue
            repeat, number, parent = _instance_keys(path)
            labels = {choice.value: choice.label.plain(language, definition.default_language)
                      for choice in definition.choice_lists.get(node.choices_instance or "", [])}
            yield [wave.name, response.pk, response.receipt or "", response.get_status_display(),
                   _when(response.submitted_at), response.get_audience_display(), response.unit_number or "",
                   response.target_name if response.audience == Audience.UNIT else "",
                   response.municipality_id or "", response.region_id, response.version.questionnaire.code,
                   response.version.number, repeat, number, parent, node.name, path, value,
                   "; ".join(labels.get(v, v) for v in value.split()) if labels else "", node.registry or ""]


def answers_file(wave: Wave, scope: Q, fmt: str) -> bytes:
    rows = answer_rows(wave, scope)
    if fmt == "xlsx":
        return xlsx_bytes([("Svar", ANSWER_HEADERS, rows)])
    return csv_bytes(ANSWER_HEADERS, rows)


def invitation_counts(wave: Wave) -> Counter:
    counts = Counter()
    for invitation in wave.invitations.filter(revoked_at__isnull=True).only("email", "sent_at", "reminded_at"):
        counts["active"] += 1
        counts["without_email"] += not invitation.email
        counts["sent"] += invitation.sent_at is not None
        counts["reminded"] += invitation.reminded_at is not None
    return counts
