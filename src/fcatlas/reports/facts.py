"""The registry's facts for a report: the units in operation in a scope, read once, and counted.

A report counts the units that serve families today (active or temporarily closed), as the coverage does;
planned and closed units appear only in the status table. Everything here returns plain data (lists, dicts,
numbers) so that a report can be frozen as JSON when it is issued.
"""

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count

from fcatlas.registry.models import (
    Budget,
    Classification,
    OperatingForm,
    Principal,
    Profession,
    ServiceType,
    Status,
    Unit,
    UnitService,
    UnitStaffing,
    WorkingMethod,
)

from .scopes import Scope

IN_OPERATION = (Status.ACTIVE, Status.TEMPORARILY_CLOSED)
CORE_SERVICES = (ServiceType.MATERNAL_HEALTH, ServiceType.CHILD_HEALTH, ServiceType.OPEN_PRESCHOOL,
                 ServiceType.PREVENTIVE_SOCIAL_SERVICES)
VIOLENCE_AND_PARENTING_METHODS = ("violence_routine_questions", "honour_violence_prevention",
                                  "father_partner_groups", "gender_equal_parenting")
OLDER_CHILDREN_FROM_AGE = 6
"""Children from six years (school age) are 'äldre barn' in the 2023 mapping's sense."""


@dataclass
class UnitFacts:
    pk: int
    name: str
    classification: str
    municipality_code: str
    municipality_name: str
    region_code: str
    longitude: float | None
    latitude: float | None
    opened_on: date | None
    closed_on: date | None
    serves_expectant_parents: bool
    serves_parents: bool
    serves_other_adults: bool
    serves_newly_arrived: bool
    children_age_from: int | None
    children_age_to: int | None
    has_cooperation_agreement: bool | None
    has_steering_group: bool | None
    has_coordinator: bool | None
    coordinator_fte: float | None
    budget: str
    has_state_or_project_funding: bool | None
    services: dict = field(default_factory=dict)
    methods: set = field(default_factory=set)
    staffing: dict = field(default_factory=dict)


def units_in_operation(scope: Scope) -> list[UnitFacts]:
    """Every unit in operation in ``scope`` with its services, working methods and staffing (four queries)."""
    units = Unit.objects.filter(status__in=IN_OPERATION, **scope.unit_filter())
    rows = units.values_list(
        "pk", "name", "classification", "municipality_id", "municipality__name", "municipality__region_id",
        "longitude", "latitude", "opened_on", "closed_on", "serves_expectant_parents", "serves_parents",
        "serves_other_adults", "serves_newly_arrived", "children_age_from", "children_age_to",
        "has_cooperation_agreement", "has_steering_group", "has_coordinator", "coordinator_fte", "budget",
        "has_state_or_project_funding").order_by("pk")
    facts = {row[0]: UnitFacts(*row[:19], None if row[19] is None else float(row[19]), *row[20:]) for row in rows}
    for unit_id, kind, principal, form, on_site in UnitService.objects.filter(unit__in=units).values_list(
            "unit_id", "service_type", "principal", "operating_form", "fully_co_located"):
        facts[unit_id].services[kind] = {"principal": principal, "operating_form": form, "on_site": on_site}
    for unit_id, code in Unit.working_methods.through.objects.filter(unit__in=units).values_list(
            "unit_id", "workingmethod__code"):
        facts[unit_id].methods.add(code)
    for unit_id, profession, fte in UnitStaffing.objects.filter(unit__in=units).values_list(
            "unit_id", "profession", "fte"):
        facts[unit_id].staffing[profession] = float(fte)
    return list(facts.values())


def status_counts(scope: Scope) -> list[tuple[str, int]]:
    counts = dict(Unit.objects.filter(**scope.unit_filter()).values_list("status").annotate(n=Count("pk")).order_by())
    return [(label, counts.get(value, 0)) for value, label in Status.choices]


def classification_counts(units: list[UnitFacts]) -> dict[str, int]:
    counts = Counter(unit.classification for unit in units)
    return {value: counts.get(value, 0) for value in Classification.values}


def by_place(units: list[UnitFacts], key: str) -> dict[str, dict[str, int]]:
    """Units per region or kommun code (``key``: ``region_code`` or ``municipality_code``) and classification."""
    places: dict[str, Counter] = defaultdict(Counter)
    for unit in units:
        places[getattr(unit, key)][unit.classification] += 1
    return {code: {value: counts.get(value, 0) for value in Classification.values} for code, counts in places.items()}


def service_presence(units: list[UnitFacts]) -> list[dict]:
    """Per kind of service: units that have it and, of those, units where it is on site all the time."""
    rows = []
    for kind, label in ServiceType.choices:
        having = [unit for unit in units if kind in unit.services]
        rows.append({"service": kind, "label": label, "units": len(having),
                     "on_site": sum(unit.services[kind]["on_site"] for unit in having)})
    return rows


def service_parts(units: list[UnitFacts], part: str) -> list[dict]:
    """Per core service: units by principal (``part="principal"``) or by operating form (``"operating_form"``)."""
    values = Principal.values if part == "principal" else OperatingForm.values
    rows = []
    for kind in CORE_SERVICES:
        counts = Counter(unit.services[kind][part] for unit in units if kind in unit.services)
        rows.append({"service": kind, "label": ServiceType(kind).label,
                     "counts": {value: counts.get(value, 0) for value in values}})
    return rows


def target_groups(units: list[UnitFacts]) -> list[dict]:
    """Units that serve each target group; children by the oldest age the unit takes."""
    def oldest(unit):
        return unit.children_age_to

    groups = [
        ("Blivande föräldrar", lambda u: u.serves_expectant_parents),
        ("Föräldrar", lambda u: u.serves_parents),
        ("Barn till och med 5 år", lambda u: oldest(u) is not None),
        (f"Äldre barn ({OLDER_CHILDREN_FROM_AGE} år och äldre)",
         lambda u: oldest(u) is not None and oldest(u) >= OLDER_CHILDREN_FROM_AGE),
        ("Barn 13 år och äldre", lambda u: oldest(u) is not None and oldest(u) >= 13),
        ("Andra viktiga vuxna", lambda u: u.serves_other_adults),
        ("Nyanlända familjer", lambda u: u.serves_newly_arrived),
        ("Åldersgräns för barn saknas", lambda u: oldest(u) is None),
    ]
    return [{"label": label, "units": sum(1 for unit in units if test(unit))} for label, test in groups]


def working_methods(units: list[UnitFacts]) -> list[dict]:
    counts = Counter(code for unit in units for code in unit.methods)
    return [{"code": method.code, "label": method.name, "units": counts.get(method.code, 0),
             "theme": method.code in VIOLENCE_AND_PARENTING_METHODS}
            for method in WorkingMethod.objects.filter(active=True).order_by("name")]


GOVERNANCE_FIELDS = (
    ("has_cooperation_agreement", "Samverkansavtal mellan huvudmännen"),
    ("has_steering_group", "Gemensam styrgrupp"),
    ("has_coordinator", "Samordnare"),
    ("shared_budget", "Gemensam budget"),
    ("has_state_or_project_funding", "Statliga medel eller projektmedel"),
)


def governance(units: list[UnitFacts]) -> list[dict]:
    """Yes, no and unknown per governance and financing question."""
    def answer(unit, name):
        if name == "shared_budget":
            return None if not unit.budget else unit.budget == Budget.SHARED
        return getattr(unit, name)

    rows = []
    for name, label in GOVERNANCE_FIELDS:
        answers = Counter(answer(unit, name) for unit in units)
        rows.append({"field": name, "label": label, "yes": answers.get(True, 0), "no": answers.get(False, 0),
                     "unknown": answers.get(None, 0)})
    return rows


def staffing(units: list[UnitFacts]) -> list[dict]:
    rows = []
    for profession, label in Profession.choices:
        ftes = [unit.staffing[profession] for unit in units if profession in unit.staffing]
        rows.append({"profession": profession, "label": label, "units": len(ftes), "fte": sum(ftes),
                     "median_fte": statistics.median(ftes) if ftes else None})
    coordinators = [unit.coordinator_fte for unit in units if unit.coordinator_fte is not None]
    rows.append({"profession": "coordinator_fte", "label": "Samordnartid (uppgift om samordnare)",
                 "units": len(coordinators), "fte": sum(coordinators),
                 "median_fte": statistics.median(coordinators) if coordinators else None})
    return rows


def in_operation_by_year(scope: Scope, first_year: int, last_year: int) -> list[dict]:
    """Units in operation at the end of each year by their opening and closing dates, closed units included,
    each with today's classification. A unit in operation without an opening date counts only in the last year;
    a closed unit without a closing date counts in no year after its opening's."""
    units = Unit.objects.filter(**scope.unit_filter()).exclude(status=Status.PLANNED).values_list(
        "classification", "status", "opened_on", "closed_on")
    rows = []
    for year in range(first_year, last_year + 1):
        end = date(year, 12, 31)

        def in_operation(status, opened_on, closed_on):
            if opened_on is None:
                return year == last_year and status in IN_OPERATION
            if opened_on > end or (closed_on is not None and closed_on <= end):
                return False
            return closed_on is not None or status in IN_OPERATION or opened_on.year == year

        counts = Counter(classification for classification, *dates in units if in_operation(*dates))
        rows.append({"year": year, **{value: counts.get(value, 0) for value in Classification.values}})
    return rows
