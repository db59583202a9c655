"""The tabular form of a unit that every tabular export writes: Swedish headers the importer reads back.

Classification, kommun name and region are added for people to read (the importer knows and skips them).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property

from django.db import connection, connections
from django.db.models import QuerySet
from django.utils import timezone

from fcatlas.bulk import made_in_thread
from fcatlas.formatting import swedish_key
from fcatlas.spreadsheets import decimal_comma

from .. import schedules
from ..editing import unit_records
from ..models import Classification, Source, Unit, WorkingMethod
from ..vocabulary import (
    CHOICE_LABELS,
    FIELDS,
    LANGUAGES,
    SERVICE_HEADERS,
    SERVICE_PARTS,
    header,
    service_part_header,
)

SYNTHETIC_NOTICE = "Syntetisk demodata – inte verkliga familjecentraler"
SOURCE_TEXT = "Källa: fcatlas, det nationella registret över familjecentraler"
DATA_LICENCE = {"name": "CC-BY-4.0", "title": "Creative Commons Erkännande 4.0 (CC BY 4.0)",
                "path": "https://creativecommons.org/licenses/by/4.0/deed.sv"}
"""The licence the registry's open data are published under: use them freely, naming the source."""
LICENCE_TEXT = (f"Licens: {DATA_LICENCE['title']}, {DATA_LICENCE['path']}. Ange källan: fcatlas. Kommun- och "
                "länsgränser från SCB, Polisens utsatta områden från Polisen; deras villkor i data/SOURCES.md.")
CLASSIFICATION_LABELS = dict(Classification.choices)
TARGET_FIELDS = ("serves_expectant_parents", "serves_parents", "children_age_from", "children_age_to",
                 "serves_other_adults", "serves_newly_arrived")
CONTACT_FIELDS = ("phone", "email", "website", "opening_hours", "drop_in_hours", "languages", "accessibility")
ORGANISATION_FIELDS = ("has_cooperation_agreement", "has_steering_group", "has_coordinator", "coordinator_fte",
                       "budget", "has_state_or_project_funding", "assured_date", "synthetic")
READABLE = ["klassificering", "skäl", "samlokaliserad fullt ut", "skäl samlokalisering", "fullständighet", "källa"]
NUMBER_COLUMNS = ("latitud", "longitud", "barn från ålder", "barn till och med ålder", "samordnare årsarbetare",
                  "fullständighet")


def columns() -> list[str]:
    """The export's headers, in order."""
    head = [header(f) for f in ("external_id", "name", "status", "opened_on", "closed_on", "street_address",
                                "postcode", "locality")] + ["kommunkod", "kommun", "region", "latitud", "longitud"]
    services = []
    for kind, name in SERVICE_HEADERS.items():
        services += [name] + [service_part_header(kind, part) for part in SERVICE_PARTS]
    return (head + [header(f) for f in CONTACT_FIELDS] + [header(f) for f in TARGET_FIELDS] + services
            + ["arbetssätt", "bemanning"] + [header(f) for f in ORGANISATION_FIELDS] + READABLE)


@dataclass
class ExportItem:
    """A unit as the exports write it: its record and what is shown beside it (kommun, region, classification)."""

    pk: int
    record: dict
    municipality_code: str
    municipality_name: str
    region_code: str
    region_name: str
    classification: str
    classification_reason: str
    fully_co_located: bool
    co_location_reason: str
    completeness: float
    source: str
    updated_at: object

    @property
    def synthetic(self) -> bool:
        return bool(self.record["synthetic"])

    @property
    def source_label(self) -> str:
        return Source(self.source).label


EXTRA_FIELDS = {"municipality_code": "municipality__code", "municipality_name": "municipality__name",
                "region_code": "municipality__region_id", "region_name": "municipality__region__name",
                "classification": "classification", "classification_reason": "classification_reason",
                "fully_co_located": "fully_co_located", "co_location_reason": "co_location_reason",
                "completeness": "completeness", "source": "source", "updated_at": "updated_at"}


def units_for_export(units: QuerySet[Unit]) -> list[ExportItem]:
    """The units of a queryset in its order, read in bulk: a fixed few queries and no model instance per unit,
    whatever their number."""
    records = unit_records(units)
    return [ExportItem(pk=row["pk"], record=records[row["pk"]], **{key: row[field] for key, field in
                                                                    EXTRA_FIELDS.items()})
            for row in units.values("pk", *EXTRA_FIELDS.values())]


EXPORT_CHUNK = 2500


class ExportUnits:
    """The units an export writes, read ``EXPORT_CHUNK`` at a time each time they are iterated, in the queryset's
    order: a file of 10 000 units never has more than two chunks of records in memory (the one being written and
    the one read ahead, ``READ_AHEAD_VENDORS``)."""

    def __init__(self, units):
        if isinstance(units, ExportUnits):
            units = units.queryset
        elif not isinstance(units, QuerySet):
            units = Unit.objects.filter(pk__in=[unit.pk for unit in units])
        self.queryset = units

    @cached_property
    def pks(self) -> list[int]:
        return list(self.queryset.values_list("pk", flat=True))

    def __len__(self) -> int:
        return len(self.pks)

    @cached_property
    def synthetic(self) -> bool:
        return self.queryset.filter(synthetic=True).exists()

    def __iter__(self):
        chunks = [self.pks[start:start + EXPORT_CHUNK] for start in range(0, len(self.pks), EXPORT_CHUNK)]
        read = (units_for_export(Unit.objects.filter(pk__in=chunk)) for chunk in chunks)
        if len(chunks) > 1 and connection.vendor in READ_AHEAD_VENDORS and not connection.in_atomic_block:
            read = made_in_thread(read, ahead=1, within=_own_connection)
        for chunk, items in zip(chunks, read, strict=True):
            by_pk = {item.pk: item for item in items}
            yield from (by_pk[pk] for pk in chunk)


READ_AHEAD_VENDORS = ("postgresql",)
"""Where a thread reads the next chunk of an export while the caller writes the one before: PostgreSQL answers in
a process of its own, and waiting for it was a third of an export of 10 000 units. Not inside a transaction,
whose changes the thread's own connection would not see."""


@contextlib.contextmanager
def _own_connection():
    try:
        yield
    finally:
        connections.close_all()  # the thread's connection


def yes_no(value) -> str:
    return "" if value is None else ("ja" if value else "nej")


_HEADER = {key: header(key) for key in FIELDS}
_TARGET_COLUMNS = tuple((field, _HEADER[field], FIELDS[field].kind == "bool") for field in TARGET_FIELDS)
_SERVICE_COLUMNS = tuple((kind, name, service_part_header(kind, "principal"), service_part_header(kind, "operating_form"),
                          service_part_header(kind, "provider_name")) for kind, name in SERVICE_HEADERS.items())
_YES_NO_COLUMNS = tuple((field, _HEADER[field]) for field in (
    "has_cooperation_agreement", "has_steering_group", "has_coordinator", "has_state_or_project_funding", "synthetic"))
_STATUS, _PRINCIPAL, _OPERATING_FORM, _PROFESSION, _BUDGET = (
    CHOICE_LABELS[name] for name in ("status", "principal", "operating_form", "profession", "budget"))


def row(unit: ExportItem, method_names: dict[str, str]) -> dict:
    """One unit as {header: value}: text, numbers (float/int) or None. Not yet escaped for spreadsheets. (The
    headers are looked up once, not for each of 10 000 units.)"""
    r, h = unit.record, _HEADER
    result = {
        h["external_id"]: r["external_id"] or "", h["name"]: r["name"],
        h["status"]: _STATUS.get(r["status"], r["status"]),
        h["opened_on"]: r["opened_on"] or "", h["closed_on"]: r["closed_on"] or "",
        h["street_address"]: r["street_address"], h["postcode"]: r["postcode"],
        h["locality"]: r["locality"],
        "kommunkod": unit.municipality_code, "kommun": unit.municipality_name,
        "region": unit.region_name, "latitud": r["latitude"], "longitud": r["longitude"],
        h["phone"]: r["phone"], h["email"]: r["email"], h["website"]: r["website"],
        h["opening_hours"]: schedules.format_entries(r["opening_hours"]) if r["opening_hours"] else "",
        h["drop_in_hours"]: schedules.format_entries(r["drop_in_hours"]) if r["drop_in_hours"] else "",
        h["languages"]: "; ".join(LANGUAGES[code] for code in r["languages"]),
        h["accessibility"]: r["accessibility"],
    }
    for field, name, is_bool in _TARGET_COLUMNS:
        result[name] = yes_no(r[field]) if is_bool else r[field]
    services = r["services"]
    for kind, name, principal, operating_form, provider_name in _SERVICE_COLUMNS:
        service = services.get(kind)
        if service is None:
            result[name], result[principal], result[operating_form], result[provider_name] = "nej", "", "", ""
        else:
            result[name] = "ja" if service["fully_co_located"] else "delvis"
            result[principal] = _PRINCIPAL[service["principal"]]
            result[operating_form] = _OPERATING_FORM[service["operating_form"]]
            result[provider_name] = service["provider_name"]
    result["arbetssätt"] = "; ".join(sorted((method_names[code] for code in r["working_methods"]), key=swedish_key))
    result["bemanning"] = "; ".join(f"{_PROFESSION[profession]}: {decimal_comma(fte)}"
                                    for profession, fte in r["staffing"].items())
    for field, name in _YES_NO_COLUMNS:
        result[name] = yes_no(r[field])
    result[h["coordinator_fte"]] = r["coordinator_fte"]
    result[h["budget"]] = _BUDGET.get(r["budget"], "")
    result[h["assured_date"]] = r["assured_date"] or ""
    result["klassificering"] = CLASSIFICATION_LABELS[unit.classification]
    result["skäl"] = unit.classification_reason
    result["samlokaliserad fullt ut"] = yes_no(unit.fully_co_located)
    result["skäl samlokalisering"] = unit.co_location_reason
    result["fullständighet"] = round(unit.completeness, 3)
    result["källa"] = unit.source_label
    return result


def items_and_rows(units) -> Iterator[tuple[ExportItem, dict]]:
    """Each unit with its row, in one pass over the units."""
    method_names = dict(WorkingMethod.objects.values_list("code", "name"))
    return ((unit, row(unit, method_names)) for unit in units)


def rows(units) -> Iterator[dict]:
    return (values for _, values in items_and_rows(units))


def about_lines(units: ExportUnits, *, escaped_with_apostrophe: bool) -> list[str]:
    lines = [SYNTHETIC_NOTICE] if units.synthetic else []
    lines += [f"{SOURCE_TEXT}. Utdrag {timezone.localdate().isoformat()}: {len(units)} enheter.",
              "Filen kan läsas in igen (Enheter → Importera); kolumnerna region, klassificering, skäl, "
              "samlokaliserad fullt ut, fullständighet och källa räknas fram och läses inte in.",
              "Koordinater i WGS 84 (EPSG:4326), latitud och longitud i grader.", LICENCE_TEXT]
    if escaped_with_apostrophe:
        lines.append("Text som börjar med =, +, - eller @ har fått en inledande apostrof så att kalkylprogram inte "
                     "tolkar den som en formel; apostrofen tas bort när filen läses in igen.")
    return lines


def metadata(units: ExportUnits) -> dict:
    return {"title": "Familjecentraler och familjecentralsliknande verksamheter",
            "source": SOURCE_TEXT, "licence": LICENCE_TEXT, "created": timezone.localdate().isoformat(),
            "units": len(units),
            "synthetic": units.synthetic, "notice": SYNTHETIC_NOTICE if units.synthetic else ""}
