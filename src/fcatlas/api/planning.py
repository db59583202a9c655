"""Coverage, scenarios, site proposals and priority as JSON (``fcatlas.planning.services``)."""

from typing import Annotated, Literal

from ninja import Query, Router, Schema
from ninja.errors import HttpError
from ninja.security import SessionAuth
from pydantic import Field

from fcatlas.accounts.permissions import can_edit_any
from fcatlas.planning import services

router = Router(tags=["planning"])


class PlannerAuth(SessionAuth):
    """Logged in as a planner: national administrator, regional or municipal coordinator (not a reader)."""

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        return user if user and can_edit_any(user) else None


planner_auth = PlannerAuth()

Radius = Annotated[float, Field(ge=100, le=50_000, description="metres (SWEREF 99 TM straight-line distance)")]


class VulnerabilityRow(Schema):
    class_: str = Field(alias="class")
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


class CoverageOut(Schema):
    scope: str
    radius_m: float
    modelled: bool = Field(description="true: children 0–5 come from the modelled demand layer (modellerad)")
    children: float
    covered: float
    uncovered: float
    share_covered: float | None
    uncovered_in_vulnerable_areas: float
    vulnerability: list[VulnerabilityRow]
    distance_bands: list[BandRow]
    areas_without_unit: list[AreaWithoutUnit]
    units_counted: int


class ScopeFilter(Schema):
    municipality: str | None = None
    region: str | None = None
    radius: Radius = services.DEFAULT_RADIUS_M


@router.get("/coverage", response=CoverageOut, summary="Children 0–5 within and beyond a radius of a unit")
def coverage(request, filters: Query[ScopeFilter]):
    return _answer(services.coverage_report, municipality=filters.municipality, region=filters.region,
                   radius_m=filters.radius)


class MunicipalityCoverageRow(Schema):
    code: str
    children: float
    uncovered: float
    share_uncovered: float | None


class MunicipalityCoverageOut(Schema):
    radius_m: float
    modelled: bool
    rows: list[MunicipalityCoverageRow]


@router.get("/coverage/municipalities", response=MunicipalityCoverageOut,
            summary="Per kommun: children 0–5 beyond the radius, and their share (the coverage choropleth)")
def coverage_by_municipality(request, radius: Radius = services.DEFAULT_RADIUS_M):
    return _answer(services.coverage_by_municipality, radius_m=radius)


class DemandPointCollection(Schema):
    type: Literal["FeatureCollection"]
    features: list[dict]
    metadata: dict


@router.get("/coverage/areas.geojson", response=DemandPointCollection,
            summary="A kommun's demand points (modelled where marked) with children 0–5 and distance to the nearest unit")
def coverage_areas(request, municipality: str, radius: Radius = services.DEFAULT_RADIUS_M):
    return _answer(services.demand_points, municipality=municipality, radius_m=radius)


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
    modelled: bool
    national: CoverageChange
    municipality: list[CoverageChange]
    region: list[CoverageChange]
    vulnerability: list[CoverageChange]
    distance_bands: list[BandChange]
    changed_areas: int


def _point(text: str) -> tuple[float, float]:
    try:
        lon, lat = (float(part) for part in text.split(","))
    except ValueError:
        raise HttpError(422, f"'add' ska vara 'longitud,latitud' i WGS 84, till exempel 13.0,55.6 – inte {text!r}.") from None
    return lon, lat


@router.get("/scenario", response=ScenarioOut, auth=planner_auth,
            summary="What-if: coverage before and after adding units (lon,lat) and closing units (ids); planners only")
def scenario(request, add: Query[list[str]] = None, close: Query[list[int]] = None,
             radius: Radius = services.DEFAULT_RADIUS_M, municipality: str | None = None, region: str | None = None):
    scenario_request = services.ScenarioRequest(add=[_point(p) for p in add or []], close=close or [], radius_m=radius)
    return _answer(services.scenario_delta, scenario_request, municipality=municipality, region=region)


class SiteOut(Schema):
    site_id: str
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
    modelled: bool
    method: Literal["greedy", "highs"]
    objective: float
    runtime_s: float
    exact_objective: float | None
    exact_proven_optimal: bool | None
    gap: float | None
    sites: list[SiteOut]
    children_newly_reached: float


@router.get("/optimise", response=ProposalOut, auth=planner_auth,
            summary="The best N sites for new units in a region (maximal covering); planners only")
def optimise(request, region: str, new_sites: Annotated[int, Field(ge=1, le=services.MAX_NEW_SITES)] = 3,
             radius: Radius = services.DEFAULT_RADIUS_M, exact: bool = False):
    return _answer(services.propose_sites, region=region, new_sites=new_sites, radius_m=radius, exact=exact)


class PriorityRow(Schema):
    """One kommun: its rank (1 = highest priority), the components, each component's points and their sum."""
    rank: int
    municipality_code: str
    municipality_name: str | None
    children_0_5: float
    uncovered_children: float
    especially_vulnerable: int
    risk: int
    vulnerable: int
    area_type_1: int
    area_type_2: int
    existing_units: int
    uncovered_points: float
    vulnerability_points: float
    area_type_points: float
    existing_units_points: float
    priority: float
    explanation: str


class PriorityOut(Schema):
    radius_m: float
    modelled: bool
    weights: dict[str, float]
    rows: list[PriorityRow]


@router.get("/priority", response=PriorityOut, summary="Kommuner ranked by the priority index, with reasons")
def priority(request, region: str | None = None, radius: Radius = services.DEFAULT_RADIUS_M):
    return _answer(services.priority_list, region=region, radius_m=radius)


def _answer(function, *args, **kwargs):
    try:
        return function(*args, **kwargs)
    except services.PlanningError as error:
        raise HttpError(422, str(error)) from None
