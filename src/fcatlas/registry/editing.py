"""Every change to a unit goes through ``save_unit`` (or ``remove_unit``): checked by ``rules``, classified,
scored, versioned, kept in history.

A unit's editable state is a plain, JSON-friendly *record* (``unit_record``): the scalar fields of
``vocabulary.SCALAR_KEYS``, the lists ``languages``, ``opening_hours`` and ``drop_in_hours`` (weekly entries,
``schedules``), and ``services`` (service type → principal, operating form, provider, fully co-located),
``working_methods`` (taxonomy codes) and ``staffing`` (profession → FTE). Forms, imports, the survey review, the
demo generator and exports all speak this one record format.
"""

import functools
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import models, transaction

from fcatlas.reference.geometry import municipality_name, municipality_polygon, place_of

from . import rules, schedules
from .classification import classify
from .completeness import completeness
from .models import Source, Unit, UnitChange, UnitSchedule, UnitService, UnitStaffing, WorkingMethod
from .vocabulary import LIST_KEYS, RELATED_KEYS, SCALAR_KEYS

SCALAR_FIELDS = SCALAR_KEYS
SERVICE_FIELDS = ("principal", "operating_form", "provider_name", "fully_co_located")
SCHEDULE_KINDS = {"opening_hours": UnitSchedule.Kind.OPENING, "drop_in_hours": UnitSchedule.Kind.DROP_IN}
PREFETCH = ("services", "working_methods", "staffing", "schedules")
"""What a queryset prefetches so that ``unit_record`` costs no query per unit."""
RECORD_KEYS = (*SCALAR_FIELDS, *LIST_KEYS, *RELATED_KEYS)


class EditConflict(Exception):
    """The unit changed since the editor loaded it; nothing was saved."""

    def __init__(self, unit: Unit, expected_version: int):
        self.unit = unit
        self.expected_version = expected_version
        self.newer_changes = list(unit.changes.filter(version__gt=expected_version).order_by("version"))
        super().__init__(f"Enheten har ändrats (version {unit.version}) sedan du öppnade version {expected_version}.")


@dataclass(frozen=True)
class SaveResult:
    unit: Unit
    created: bool
    change: UnitChange | None

    @property
    def changed(self) -> bool:
        return self.change is not None

    @property
    def changed_fields(self) -> list[str]:
        return list(self.change.fields) if self.change else []


def _plain(value):
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


def _model_value(field: str, value):
    """The plain record value in the type the model field stores (floats for decimals go via str; no text as
    the empty string, which text columns store instead of NULL)."""
    model_field = Unit._meta.get_field(field)
    if value is None and isinstance(model_field, models.CharField | models.TextField) and not model_field.null:
        return ""
    if value is not None and isinstance(model_field, models.DecimalField):
        return Decimal(str(value))
    return value


def unit_record(unit: Unit) -> dict:
    """The unit's editable state as plain values (dates ISO 8601, numbers as floats).

    Reads the related rows with ``.all()``, so a queryset with ``prefetch_related(*PREFETCH)`` costs no query
    per unit.
    """
    record = {field: _plain(getattr(unit, field)) for field in SCALAR_FIELDS}
    record["languages"] = sorted(unit.languages or [])
    if unit.pk is None:
        return record | {"opening_hours": [], "drop_in_hours": [], "services": {}, "working_methods": [],
                         "staffing": {}}
    rows = list(unit.schedules.all())
    for key, kind in SCHEDULE_KINDS.items():
        record[key] = schedules.normalised([{"days": s.days, "opens": s.opens, "closes": s.closes}
                                            for s in rows if s.kind == kind])
    record["services"] = {
        s.service_type: {field: getattr(s, field) for field in SERVICE_FIELDS}
        for s in sorted(unit.services.all(), key=lambda s: s.service_type)
    }
    record["working_methods"] = sorted(method.code for method in unit.working_methods.all())
    record["staffing"] = {s.profession: float(s.fte) for s in sorted(unit.staffing.all(), key=lambda s: s.profession)}
    return record


def unit_records(units) -> dict[int, dict]:
    """``unit_record`` of every unit of a queryset, read in five queries without building a model instance per
    row (a list page or an export of 10 000 units)."""
    values = {row["pk"]: row for row in units.values("pk", "languages", *SCALAR_FIELDS)}
    ids = units.values("pk")
    records = {}
    for pk, row in values.items():
        record = {field: _plain(row[field]) for field in SCALAR_FIELDS}
        record["languages"] = sorted(row["languages"] or [])
        record |= {"opening_hours": [], "drop_in_hours": [], "services": {}, "working_methods": [], "staffing": {}}
        records[pk] = record
    kinds = {kind: key for key, kind in SCHEDULE_KINDS.items()}
    for unit_id, kind, days, opens, closes in UnitSchedule.objects.filter(unit__in=ids).order_by(
            "unit_id", "kind", "pk").values_list("unit_id", "kind", "days", "opens", "closes"):
        records[unit_id][kinds[kind]].append({"days": days, "opens": opens, "closes": closes})
    for record in records.values():
        for key in SCHEDULE_KINDS:
            record[key] = schedules.normalised(record[key])
    for unit_id, service_type, *fields in UnitService.objects.filter(unit__in=ids).order_by(
            "unit_id", "service_type").values_list("unit_id", "service_type", *SERVICE_FIELDS):
        records[unit_id]["services"][service_type] = dict(zip(SERVICE_FIELDS, fields, strict=True))
    through = Unit.working_methods.through
    for unit_id, code in through.objects.filter(unit__in=ids).order_by("unit_id", "workingmethod__code").values_list(
            "unit_id", "workingmethod__code"):
        records[unit_id]["working_methods"].append(code)
    for unit_id, profession, fte in UnitStaffing.objects.filter(unit__in=ids).order_by(
            "unit_id", "profession").values_list("unit_id", "profession", "fte"):
        records[unit_id]["staffing"][profession] = float(fte)
    return records


@functools.cache
def _empty_record() -> dict:
    return unit_record(Unit())


def normalised(record: dict) -> dict:
    """A record with every key present and values in the plain form ``unit_record`` returns."""
    complete = _empty_record() | record
    complete = {key: _plain(value) for key, value in complete.items()}
    complete["services"] = {
        kind: {"provider_name": "", "fully_co_located": True, "operating_form": "own_management"} | values
        if isinstance(values, dict) else values
        for kind, values in sorted((complete["services"] or {}).items())
    } if isinstance(complete["services"], dict) else complete["services"]
    complete["working_methods"] = sorted(set(complete["working_methods"] or []))
    complete["languages"] = sorted(set(complete["languages"] or []))
    for key in SCHEDULE_KINDS:
        entries = complete[key] or []
        complete[key] = schedules.normalised(entries) if all(
            isinstance(e, dict) and {"days", "opens", "closes"} <= set(e) for e in entries) else entries
    if isinstance(complete["staffing"], dict):
        complete["staffing"] = {p: _fte(fte) for p, fte in sorted(complete["staffing"].items())}
    return complete


def _fte(value):
    try:
        return float(value)
    except (TypeError, ValueError, OverflowError):
        return value


def _differences(before: dict, after: dict) -> dict:
    """{field: [old, new]}; for a new unit (empty ``before``) only the fields given a value."""
    return {key: [before.get(key), value] for key, value in after.items()
            if before.get(key) != value and (before or value not in (None, "", False, [], {}))}


def check(record: dict) -> list[rules.Problem]:
    """The problems ``save_unit`` would refuse a normalised record for (the rules, with the kommun's boundary)."""
    code = record.get("municipality_id") or ""
    return rules.problems(record, municipality_polygon=municipality_polygon(code),
                          municipality_name=municipality_name(code) or "kommunen", place_of=place_of,
                          known_methods=set(WorkingMethod.objects.values_list("code", flat=True)))


@transaction.atomic
def save_unit(unit: Unit | None, record: dict, *, user=None, source: str, source_detail: str = "",
              expected_version: int | None = None) -> SaveResult:
    """Create or update a unit from a record; a no-op when nothing differs.

    Updating needs ``expected_version``, the version the editor started from: if the unit has moved on since,
    ``EditConflict`` is raised and nothing is written. A record that breaks ``rules`` raises
    ``rules.RuleViolation`` with every problem, and nothing is written.
    """
    created = unit is None or unit.pk is None
    if created:
        unit, before = Unit(), {}
    else:
        if expected_version is None:
            raise TypeError("save_unit needs the version the editor started from to update a unit")
        unit = Unit.objects.select_for_update().get(pk=unit.pk)
        if unit.version != expected_version:
            raise EditConflict(unit, expected_version)
        before = unit_record(unit)

    after = normalised({k: v for k, v in (before | record).items() if k in RECORD_KEYS})
    after["source"], after["source_detail"] = source, source_detail[:300]
    problems = check(after)
    if problems:
        raise rules.RuleViolation(problems)
    differences = _differences(before, after)
    if not created and set(differences) <= {"source", "source_detail"}:
        return SaveResult(unit, False, None)

    for field in SCALAR_FIELDS:
        setattr(unit, field, _model_value(field, after[field]))
    unit.languages = after["languages"]
    result = classify({kind: values["fully_co_located"] for kind, values in after["services"].items()})
    unit.classification, unit.classification_reason = result.value, result.reason
    unit.fully_co_located, unit.co_location_reason = result.fully_co_located, result.co_location_reason
    unit.completeness = completeness(after)
    if not created:
        unit.version += 1
    unit.full_clean()
    unit.save()

    if created or "services" in differences:
        unit.services.all().delete()
        UnitService.objects.bulk_create(
            UnitService(unit=unit, service_type=kind, **values) for kind, values in after["services"].items())
    if created or "working_methods" in differences:
        unit.working_methods.set(WorkingMethod.objects.filter(code__in=after["working_methods"]))
    if created or "staffing" in differences:
        unit.staffing.all().delete()
        UnitStaffing.objects.bulk_create(
            UnitStaffing(unit=unit, profession=p, fte=Decimal(str(fte))) for p, fte in after["staffing"].items())
    if created or set(SCHEDULE_KINDS) & set(differences):
        unit.schedules.all().delete()
        UnitSchedule.objects.bulk_create(
            UnitSchedule(unit=unit, kind=kind, **entry) for key, kind in SCHEDULE_KINDS.items() for entry in after[key])

    change = UnitChange.objects.create(
        unit=unit, unit_number=unit.pk, unit_name=unit.name, version=unit.version,
        changed_by=user if user and user.is_authenticated else None, source=source, source_detail=source_detail[:300],
        fields=_differences(before, unit_record(unit)),
    )
    return SaveResult(unit, created, change)


@transaction.atomic
def remove_unit(unit: Unit, *, user=None, source: str = Source.MANUAL_EDIT, source_detail: str = "",
                expected_version: int) -> UnitChange:
    """Remove a unit, keeping its history: a last change records every field's value going to nothing."""
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    if unit.version != expected_version:
        raise EditConflict(unit, expected_version)
    before = unit_record(unit)
    change = UnitChange.objects.create(
        unit=unit, unit_number=unit.pk, unit_name=unit.name, version=unit.version + 1, removed=True,
        changed_by=user if user and user.is_authenticated else None, source=source, source_detail=source_detail[:300],
        fields={key: [value, None] for key, value in before.items() if value not in (None, "", False, [], {})},
    )
    unit.delete()
    return change
