"""Every change to a unit goes through ``save_unit``: classified, scored, versioned, kept in history.

A unit's editable state is a plain, JSON-friendly *record* (``unit_record``): the scalar fields plus
``services`` (service type → principal, operating form, provider, fully co-located), ``working_methods``
(taxonomy codes) and ``staffing`` (profession → FTE). Forms, imports, the demo generator and exports all
speak this one record format.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import models, transaction

from .classification import classify
from .completeness import completeness
from .models import Unit, UnitChange, UnitService, UnitStaffing, WorkingMethod

SCALAR_FIELDS = (
    "external_id", "name", "status", "opened_on", "closed_on",
    "street_address", "postcode", "locality", "municipality_id", "latitude", "longitude",
    "serves_expectant_parents", "serves_parents", "children_age_from", "children_age_to",
    "serves_other_adults", "serves_newly_arrived",
    "has_cooperation_agreement", "has_steering_group", "has_coordinator", "coordinator_fte", "budget",
    "has_state_or_project_funding", "opening_hours",
    "source", "source_detail", "synthetic", "assured_date",
)
SERVICE_FIELDS = ("principal", "operating_form", "provider_name", "fully_co_located")
RELATED_FIELDS = ("services", "working_methods", "staffing")


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


def _plain(value):
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


def _model_value(field: str, value):
    """The plain record value in the type the model field stores (floats for decimals go via str)."""
    if value is not None and isinstance(Unit._meta.get_field(field), models.DecimalField):
        return Decimal(str(value))
    return value


def unit_record(unit: Unit) -> dict:
    """The unit's editable state as plain values (dates ISO 8601, numbers as floats).

    Reads the related rows with ``.all()``, so a queryset with
    ``prefetch_related("services", "working_methods", "staffing")`` costs no query per unit.
    """
    record = {field: _plain(getattr(unit, field)) for field in SCALAR_FIELDS}
    if unit.pk is None:
        return record | {"services": {}, "working_methods": [], "staffing": {}}
    record["services"] = {
        s.service_type: {field: getattr(s, field) for field in SERVICE_FIELDS}
        for s in sorted(unit.services.all(), key=lambda s: s.service_type)
    }
    record["working_methods"] = sorted(method.code for method in unit.working_methods.all())
    record["staffing"] = {s.profession: float(s.fte) for s in sorted(unit.staffing.all(), key=lambda s: s.profession)}
    return record


def normalised(record: dict) -> dict:
    """A record with every key present and values in the plain form ``unit_record`` returns."""
    complete = unit_record(Unit()) | record
    complete = {key: _plain(value) for key, value in complete.items()}
    complete["services"] = {
        kind: {"provider_name": "", "fully_co_located": True, "operating_form": "own_management"} | values
        for kind, values in sorted(complete["services"].items())
    }
    complete["working_methods"] = sorted(set(complete["working_methods"]))
    complete["staffing"] = {p: float(fte) for p, fte in sorted(complete["staffing"].items())}
    return complete


def _differences(before: dict, after: dict) -> dict:
    """{field: [old, new]}; for a new unit (empty ``before``) only the fields given a value."""
    return {key: [before.get(key), value] for key, value in after.items()
            if before.get(key) != value and (before or value not in (None, "", False, [], {}))}


@transaction.atomic
def save_unit(unit: Unit | None, record: dict, *, user=None, source: str, source_detail: str = "",
              expected_version: int | None = None) -> SaveResult:
    """Create or update a unit from a record; a no-op when nothing differs.

    ``expected_version`` is the version the editor started from: if the unit has moved on since,
    ``EditConflict`` is raised and nothing is written.
    """
    created = unit is None or unit.pk is None
    if created:
        unit, before = Unit(), {}
    else:
        unit = Unit.objects.select_for_update().get(pk=unit.pk)
        if expected_version is not None and unit.version != expected_version:
            raise EditConflict(unit, expected_version)
        before = unit_record(unit)

    after = normalised({k: v for k, v in (before | record).items() if k in SCALAR_FIELDS or k in RELATED_FIELDS})
    after["source"], after["source_detail"] = source, source_detail
    differences = _differences(before, after)
    if not created and set(differences) <= {"source", "source_detail"}:
        return SaveResult(unit, False, None)

    for field in SCALAR_FIELDS:
        setattr(unit, field, _model_value(field, after[field]))
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

    change = UnitChange.objects.create(
        unit=unit, version=unit.version, changed_by=user if user and user.is_authenticated else None,
        source=source, source_detail=source_detail,
        fields=_differences(before, unit_record(unit)),
    )
    return SaveResult(unit, created, change)
