"""Coverage, comparisons, small areas, scenarios, site proposals and priority as JSON (``fcatlas.planning.services``).

Every endpoint takes ``year``, the Police list year that decides which areas count as vulnerable
(default: the newest list), and says in ``source`` what population figures it stands on.
"""

import math
from typing import Annotated, Literal

from ninja import Query, Router, Schema
from ninja.errors import HttpError
from ninja.security import SessionAuth
from pydantic import Field

from fcatlas.accounts.permissions import can_edit_any
from fcatlas.analysis.police import DEFAULT_LIST_YEAR, LIST_YEARS
from fcatlas.planning import services
from fcatlas.planning.answers import ALL_DATA

from .responses import cached_geojson
from .schemas import UnitNumber



router = Router(tags=["planning"])


class PlannerAuth(SessionAuth):
    """Logged in as a planner: national administrator, regional or municipal coordinator (not a reader)."""

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        return user if user and can_edit_any(user) else None


planner_auth = PlannerAuth()

Radius = Annotated[float, Field(ge=100, le=50_000, description="metres (SWEREF 99 TM straight-line distance)")]
Year = Annotated[int, Field(description=f"the Police's list year of vulnerable areas: one of {list(LIST_YEARS)}",
                            json_schema_extra={"enum": list(LIST_YEARS)})]


class VulnerabilityRow(Schema):
    class_: str = Field(alias="class")
    label: str
    children: float
    uncovered: float


class AreaTypeRow(Schema):
    type: int
    label: str
    children: float
    uncovered: float


class BandRow(Schema):
    band: str
    children: float
    share: float | None


class AreaWithoutUnit(Schema):
    name: str
    category: str
    category_label: str
    municipality_code: str
    municipality_name: str
    nearest_unit_m: float | None


class Source(Schema):
    """What the population figures stand on (Swedish text for people)."""
    label: str
    text: str
    children_method: str
    placement: str
    note: str


class CoverageOut(Schema):
    scope: str
    radius_m: float
    year: int
    source: Source
    children: float
    covered: float
    uncovered: float
    share_covered: float | None
    uncovered_in_vulnerable_areas: float
    uncovered_in_challenged_areas: float = Field(description="children beyond the radius in SCB area types 1–2")
    vulnerability: list[VulnerabilityRow]
    area_types: list[AreaTypeRow]
    distance_bands: list[BandRow]
    areas_without_unit: list[AreaWithoutUnit]
    units_counted: int


class ScopeFilter(Schema):
    municipality: str | None = None
    region: str | None = None
    radius: Radius = services.DEFAULT_RADIUS_M
    year: Year = DEFAULT_LIST_YEAR


@router.get("/coverage", response=CoverageOut, summary="Children 0–5 within and beyond a radius of a unit")
def coverage(request, filters: Query[ScopeFilter]):
    return _answer(services.coverage_report, municipality=filters.municipality, region=filters.region,
                   radius_m=filters.radius, year=filters.year)


class MunicipalityCoverageRow(Schema):
    code: str
    children: float
    uncovered: float
    share_uncovered: float | None


class MunicipalityCoverageOut(Schema):
    radius_m: float
    year: int
    source: Source
    rows: list[MunicipalityCoverageRow]


@router.get("/coverage/municipalities", response=MunicipalityCoverageOut,
            summary="Per kommun: children 0–5 beyond the radius, and their share (the coverage choropleth)")
def coverage_by_municipality(request, radius: Radius = services.DEFAULT_RADIUS_M, year: Year = DEFAULT_LIST_YEAR):
    return _answer(services.coverage_by_municipality, radius_m=radius, year=year)


class ComparisonRow(Schema):
    code: str
    name: str
    url: str
    units: int
    children: float
    units_per_10000: float | None = Field(description="units per 10 000 children 0–5")
    share_covered: float | None
    share_covered_challenged: float | None = Field(description="share within the radius of children in area types 1–2")
    children_challenged: float
    share_covered_police: float | None = Field(description="share within the radius of children in the Police's areas")
    children_police: float


class ComparisonOut(Schema):
    level: Literal["region", "municipality"]
    radius_m: float
    year: int
    source: Source
    rows: list[ComparisonRow]


@router.get("/coverage/comparison", response=ComparisonOut,
            summary="Regions or kommuner side by side: units, children 0–5, units per 10 000 children, shares within the radius")
def comparison(request, level: Literal["region", "municipality"] = "region", region: str | None = None,
               radius: Radius = services.DEFAULT_RADIUS_M, year: Year = DEFAULT_LIST_YEAR):
    return _answer(services.comparison_table, level=level, region=region, radius_m=radius, year=year)


class SmallAreaRow(Schema):
    code: str
    name: str
    municipality_code: str
    population: float
    children: float
    uncovered: float
    share_uncovered: float | None
    area_type: int | None = Field(description="SCB's socioeconomic area type 1–5 (2022)")
    area_type_label: str | None
    foreign_background_share: float | None
    police_category: str | None
    police_category_label: str | None


class SmallAreaOut(Schema):
    radius_m: float
    year: int
    source: Source
    rows: list[SmallAreaRow]


@router.get("/small-areas", response=SmallAreaOut,
            summary="The RegSO of a kommun or region: children 0–5, beyond the radius, area type, Police category")
def small_areas(request, filters: Query[ScopeFilter]):
    return _answer(services.small_area_table, municipality=filters.municipality, region=filters.region,
                   radius_m=filters.radius, year=filters.year)


class GeoCollection(Schema):
    type: Literal["FeatureCollection"]
    features: list[dict]
    metadata: dict


@router.get("/small-areas.geojson", response=GeoCollection,
            summary="The RegSO of a kommun or region as GeoJSON, simplified for a map, with their figures")
def small_areas_geojson(request, filters: Query[ScopeFilter]):
    return cached_geojson(request, lambda: _answer(
        services.small_areas_geojson, municipality=filters.municipality, region=filters.region,
        radius_m=filters.radius, year=filters.year), depends_on=ALL_DATA)


@router.get("/coverage/areas.geojson", response=GeoCollection,
            summary="Where the children 0–5 of a kommun or region live (demand points) and their distance to the nearest unit")
def coverage_areas(request, filters: Query[ScopeFilter], uncovered_only: bool = False):
    return cached_geojson(request, lambda: _answer(
        services.demand_points, municipality=filters.municipality, region=filters.region,
        radius_m=filters.radius, year=filters.year, uncovered_only=uncovered_only), depends_on=ALL_DATA)


class CoverageChange(Schema):
    """Children 0–5 within the radius of a unit before and after the scenario, and the covered shares (0–1)."""
    code: str
    label: str | None = None
    children_0_5: float
    children_covered_before: float
    children_covered_after: float
    children_covered_change: float
    share_covered_before: float | None
    share_covered_after: float | None
    share_covered_change: float | None


class BandChange(Schema):
    """Children 0–5 in one band of distance to the nearest unit, before and after, and their shares (0–1)."""
    code: str
    children_0_5_before: float
    children_0_5_after: float
    children_0_5_change: float
    share_before: float | None
    share_after: float | None
    share_change: float | None


class ScenarioOut(Schema):
    radius_m: float
    year: int
    source: str
    national: CoverageChange
    municipality: list[CoverageChange]
    region: list[CoverageChange]
    vulnerability: list[CoverageChange]
    distance_bands: list[BandChange]
    changed_areas: int


def _point(text: str) -> tuple[float, float]:
    try:
        lon, lat = (float(part) for part in text.split(","))
        if not (math.isfinite(lon) and math.isfinite(lat)):
            raise ValueError
    except ValueError:
        raise HttpError(422, f"'add' ska vara 'longitud,latitud' i WGS 84, till exempel 13.0,55.6 – inte {text!r}.") from None
    return lon, lat


@router.get("/scenario", response=ScenarioOut, auth=planner_auth,
            summary="What-if: coverage before and after adding units (lon,lat) and closing units (ids); planners only")
def scenario(request, add: Query[list[str]] = None, close: Query[list[UnitNumber]] = None,
             radius: Radius = services.DEFAULT_RADIUS_M, municipality: str | None = None, region: str | None = None,
             year: Year = DEFAULT_LIST_YEAR):
    scenario_request = services.ScenarioRequest(add=[_point(p) for p in add or []], close=close or [], radius_m=radius)
    return _answer(services.scenario_delta, scenario_request, municipality=municipality, region=region, year=year)


class SiteOut(Schema):
    site_id: str = Field(description="the RegSO the site stands for")
    small_area_name: str | None
    municipality_code: str
    municipality_name: str | None
    longitude: float
    latitude: float
    children_newly_reached: float
    weighted_demand: float


class ProposalOut(Schema):
    region: str
    region_name: str
    radius_m: float
    year: int
    source: str
    method: Literal["greedy", "highs"]
    objective: float
    runtime_s: float
    exact_objective: float | None
    exact_proven_optimal: bool | None
    gap: float | None
    candidates: int
    sites: list[SiteOut]
    children_newly_reached: float


@router.get("/optimise", response=ProposalOut, auth=planner_auth,
            summary="The best N sites for new units in a region (maximal covering, one candidate per RegSO); planners only")
def optimise(request, region: str, new_sites: Annotated[int, Field(ge=1, le=services.MAX_NEW_SITES)] = 3,
             radius: Radius = services.DEFAULT_RADIUS_M, exact: bool = False, year: Year = DEFAULT_LIST_YEAR):
    return _answer(services.propose_sites, region=region, new_sites=new_sites, radius_m=radius, exact=exact, year=year)


class PriorityRow(Schema):
    """One kommun or small area: its rank (1 = highest priority), its figures, each component's points and their sum."""
    rank: int
    municipality_code: str
    municipality_name: str | None
    small_area_code: str | None = None
    name: str | None = None
    area_type: int | None = None
    police_category: str | None = None
    children_0_5: float
    uncovered_children_0_5: float
    uncovered_share: float
    challenged_children_0_5: float
    challenged_uncovered_children_0_5: float
    challenged_share: float
    police_children_0_5: float
    police_uncovered_children_0_5: float
    existing_units: int
    uncovered_children_points: float
    uncovered_share_points: float
    challenged_uncovered_children_points: float
    challenged_share_points: float
    police_uncovered_children_points: float
    no_existing_units_points: float
    priority: float = Field(description="0–100 points")
    explanation: str


class PriorityOut(Schema):
    radius_m: float
    year: int
    level: Literal["municipality", "area"]
    source: str
    weights: dict[str, float]
    rows: list[PriorityRow]


@router.get("/priority", response=PriorityOut,
            summary="Kommuner (level=municipality) or RegSO (level=area) ranked by the priority index, with reasons")
def priority(request, region: str | None = None, radius: Radius = services.DEFAULT_RADIUS_M,
             year: Year = DEFAULT_LIST_YEAR, level: Literal["municipality", "area"] = "municipality"):
    return _answer(services.priority_list, region=region, radius_m=radius, year=year, level=level)


def _answer(function, *args, **kwargs):
    try:
        return function(*args, **kwargs)
    except services.PlanningError as error:
        raise HttpError(422, str(error)) from None
