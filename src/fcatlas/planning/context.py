"""Coverage for the atlas pages: the radius and the Police list year a visitor chose, and the report for their place.

The choices live in the URL (``?radie=2000&ar=2023``) so that a page can be shared; ``place_query`` keeps
them in every link to another place.
"""

from urllib.parse import urlencode

from fcatlas.analysis.police import DEFAULT_LIST_YEAR, LIST_YEARS
from fcatlas.formatting import NO_BREAK_SPACE, swedish_key
from fcatlas.registry.models import Unit

from .services import DEFAULT_RADIUS_M, RADIUS_CHOICES_M, comparison_table, coverage_report

COVERAGE_COLOURS = ("#f2f0f7", "#cbc9e2", "#9e9ac8", "#756bb1", "#54278f")
"""ColorBrewer Purples, 5 classes of the share of children 0–5 beyond the radius: 0–20 %, …, 80–100 %."""

AREA_TYPE_COLOURS = {1: "#08519c", 2: "#3182bd", 3: "#9ecae1", 4: "#deebf7", 5: "#f7fbff"}
"""ColorBrewer Blues, darkest for SCB's area type 1 (stora socioekonomiska utmaningar)."""


def coverage_classes() -> list[tuple[str, str]]:
    return [(f"{20 * i}–{20 * (i + 1)}{NO_BREAK_SPACE}%", colour) for i, colour in enumerate(COVERAGE_COLOURS)]


def _choice(request, name: str, choices, default: int) -> int:
    try:
        value = int(request.GET.get(name, default))
    except (TypeError, ValueError):
        return default
    return value if value in choices else default


def chosen_radius(request) -> int:
    return _choice(request, "radie", RADIUS_CHOICES_M, DEFAULT_RADIUS_M)


def chosen_year(request) -> int:
    return _choice(request, "ar", LIST_YEARS, DEFAULT_LIST_YEAR)


def place_query(radius_m: int, year: int) -> str:
    """``?radie=…&ar=…`` for the choices that differ from the defaults ('' when none do)."""
    chosen = {key: value for key, value, default in (("radie", radius_m, DEFAULT_RADIUS_M),
                                                      ("ar", year, DEFAULT_LIST_YEAR)) if value != default}
    return f"?{urlencode(chosen)}" if chosen else ""


COMPARISON_COLUMNS = (
    ("name", "Namn", False),
    ("units", "Enheter", True),
    ("children", "Barn 0–5 år", True),
    ("units_per_10000", "Enheter per 10 000 barn", True),
    ("share_covered", "Andel barn inom radien", True),
    ("share_covered_challenged", "… i områdestyp 1–2", True),
    ("share_covered_police", "… i Polisens utsatta områden", True),
)
"""(row key, Swedish heading, numeric) of the comparison table's columns, each sortable."""
SORTABLE_COLUMNS = tuple(column for column, _, _ in COMPARISON_COLUMNS)


def sorted_rows(rows: list[dict], request) -> tuple[list[dict], str, bool]:
    """Rows sorted by ``?sortera=<column>`` (``-<column>`` descending); missing figures last either way."""
    requested = request.GET.get("sortera", "name")
    descending = requested.startswith("-")
    column = requested.lstrip("-")
    if column not in SORTABLE_COLUMNS:
        column, descending = "name", False
    known = [row for row in rows if row[column] is not None]
    missing = [row for row in rows if row[column] is None]
    key = (lambda row: swedish_key(row["name"])) if column == "name" else (lambda row: row[column])
    return sorted(known, key=key, reverse=descending) + missing, column, descending


def coverage_context(request, *, municipality: str | None = None, region: str | None = None,
                     compare: str | None = None) -> dict:
    """What every atlas page with coverage needs; ``compare`` (``region`` or ``municipality``) adds the
    sortable comparison table."""
    radius, year = chosen_radius(request), chosen_year(request)
    context = {
        "coverage": coverage_report(municipality=municipality, region=region, radius_m=radius, year=year),
        "radius_choices": RADIUS_CHOICES_M,
        "year": year,
        "years": LIST_YEARS,
        "place_query": place_query(radius, year),
        "coverage_classes": coverage_classes(),
        "area_type_colours": list(AREA_TYPE_COLOURS.items()),
        "registry_synthetic": Unit.objects.filter(synthetic=True).exists(),
    }
    if compare:
        table = comparison_table(level=compare, region=region, radius_m=radius, year=year)
        rows, column, descending = sorted_rows(table["rows"], request)
        context["comparison"] = table | {"rows": rows, "sorted_by": column, "descending": descending}
        context["comparison_columns"] = COMPARISON_COLUMNS
    return context
