"""The dashboard: the units in operation filtered by region, kommun, classification, working method and SCB area
type, counted for its charts, its table and its map — one answer for all three, so they always agree."""

from collections import Counter
from dataclasses import asdict, dataclass
from urllib.parse import urlencode

from fcatlas.formatting import swedish_key
from fcatlas.planning.answers import versioned
from fcatlas.planning.services import AREA_TYPE_LABELS, unit_area_types
from fcatlas.reference.models import Municipality, Region
from fcatlas.registry.models import Classification, WorkingMethod

from . import facts
from .document import CLASS_LABELS
from .scopes import NATIONAL

FILTER_FIELDS = {"region": "Region", "kommun": "Kommun", "klass": "Klassificering", "metod": "Arbetssätt",
                 "omradestyp": "Områdestyp (SCB)"}
"""The URL parameter of each filter and its Swedish name."""


@dataclass(frozen=True)
class Filters:
    region: str = ""
    kommun: str = ""
    klass: str = ""
    metod: str = ""
    omradestyp: str = ""

    def query(self) -> str:
        """The filters as a query string (``region=12&klass=family_centre``), the empty ones left out."""
        return urlencode({key: value for key, value in asdict(self).items() if value})


def parse_filters(params) -> tuple[Filters, list[str]]:
    """The filters of a request's query, and a Swedish message for each value that names nothing (left out)."""
    chosen, problems = {}, []
    known = {
        "region": set(Region.objects.values_list("code", flat=True)),
        "kommun": set(Municipality.objects.values_list("code", flat=True)),
        "klass": set(Classification.values),
        "metod": set(WorkingMethod.objects.filter(active=True).values_list("code", flat=True)),
        "omradestyp": {str(value) for value in AREA_TYPE_LABELS},
    }
    for key, label in FILTER_FIELDS.items():
        value = (params.get(key) or "").strip()
        if not value:
            continue
        if value not in known[key]:
            problems.append(f"{label}: {value[:40]!r} finns inte, så det filtret används inte.")
            continue
        chosen[key] = value
    filters = Filters(**chosen)
    if filters.region and filters.kommun and filters.kommun[:2] != filters.region:
        problems.append(f"Kommunen {filters.kommun} ligger inte i region {filters.region}; kommunen används.")
        filters = Filters(**(chosen | {"region": ""}))
    return filters, problems


def _matches(unit: facts.UnitFacts, filters: Filters, area_types: dict) -> bool:
    return ((not filters.region or unit.region_code == filters.region)
            and (not filters.kommun or unit.municipality_code == filters.kommun)
            and (not filters.klass or unit.classification == filters.klass)
            and (not filters.metod or filters.metod in unit.methods)
            and (not filters.omradestyp or area_types.get(unit.pk) == int(filters.omradestyp)))


@versioned
def dashboard(filters: Filters) -> dict:
    """Counts, chart data and the table rows of the units in operation that pass ``filters``."""
    area_types = unit_area_types()
    everyone = facts.units_in_operation(NATIONAL)
    units = [unit for unit in everyone if _matches(unit, filters, area_types)]
    counts = facts.classification_counts(units)
    if filters.kommun or filters.region:
        places = Municipality.objects.filter(code=filters.kommun) if filters.kommun else \
            Municipality.objects.filter(region_id=filters.region)
        key, heading = "municipality_code", "kommun"
    else:
        places, key, heading = Region.objects.all(), "region_code", "region"
    per_place = facts.by_place(units, key)
    place_rows = [(place.name, per_place.get(place.code, dict.fromkeys(Classification.values, 0)))
                  for place in places.only("code", "name").order_by("code")]
    methods = sorted(facts.working_methods(units), key=lambda row: -row["units"])
    type_counts = Counter(area_types.get(unit.pk) for unit in units)
    names = dict(Municipality.objects.values_list("code", "name"))
    return {
        "total": len(units), "counts": counts,
        "municipalities": len({unit.municipality_code for unit in units}),
        "figures": [
            {"id": "per-plats", "kind": "bar", "title": f"Enheter i drift per {heading}", "horizontal": True,
             "stacked": True, "value_kind": "count", "categories": [name for name, _ in place_rows],
             "series": [{"key": value, "label": label, "values": [found[value] for _, found in place_rows]}
                        for value, label in Classification.choices], "note": ""},
            {"id": "arbetssatt", "kind": "bar", "title": "Andel av enheterna som använder arbetssättet",
             "horizontal": True, "stacked": False, "value_kind": "share", "note": "",
             "categories": [row["label"] for row in methods],
             "series": [{"key": "scope", "label": "Urvalet",
                         "values": [row["units"] / len(units) if units else None for row in methods]}]},
            {"id": "omradestyp", "kind": "bar", "title": "Enheter efter SCB:s områdestyp där de ligger",
             "horizontal": True, "stacked": False, "value_kind": "count", "note": "",
             "categories": [*AREA_TYPE_LABELS.values(), "Utanför statistikområdena"],
             "series": [{"key": "scope", "label": "Urvalet",
                         "values": [type_counts.get(value, 0) for value in AREA_TYPE_LABELS] + [type_counts.get(None, 0)]}]},
        ],
        "place_heading": heading.capitalize(),
        "place_rows": [[name, *found.values(), sum(found.values())] for name, found in place_rows],
        "method_rows": [[row["label"], row["units"], row["units"] / len(units) if units else None] for row in methods],
        "rows": sorted(([unit.pk, unit.name, names[unit.municipality_code], CLASS_LABELS[unit.classification],
                         AREA_TYPE_LABELS.get(area_types.get(unit.pk), "–")] for unit in units),
                       key=lambda row: (swedish_key(row[2]), swedish_key(row[1]))),
        "unit_ids": [unit.pk for unit in units],
    }


TABLE_HEADERS = ("Nummer", "Enhet", "Kommun", "Klassificering", "Områdestyp (SCB)")
