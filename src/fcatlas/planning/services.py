"""Coverage, scenarios, site choice and priority for the product: the registry and the demand layer fed to
``fcatlas.analysis``. Results are plain dicts, ready for a template, the API or ``--json``.

What counts as reaching families: family centres and similar services (``COUNTING_CLASSES``) that serve
today (active or temporarily closed). Distances are straight-line metres in SWEREF 99 TM (EPSG:3006).
"""

from dataclasses import dataclass
from functools import lru_cache

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from django.db.models import Count, Max
from scipy.spatial import cKDTree

from fcatlas.analysis.coverage import (
    VULNERABILITY_CLASSES,
    area_coverage,
    distance_band_table,
    metric_coordinates,
)
from fcatlas.analysis.priority import PriorityWeights, municipality_priority
from fcatlas.analysis.scenario import CoverageScenario
from fcatlas.analysis.siting import compare_heuristic_with_exact, solve_mclp
from fcatlas.reference.models import Municipality, Region, VulnerableArea
from fcatlas.registry.models import Unit

from .inputs import current_demand, demand_version, is_modelled, serving_units, units_frame

COUNTING_CLASSES = ("family_centre", "similar_service")
DEFAULT_RADIUS_M = 2_000
RADIUS_CHOICES_M = (1_000, 2_000, 3_000, 5_000, 10_000)
VULNERABLE_AREA_YEAR = 2023
MAX_NEW_SITES = 20
MAX_SCENARIO_POINTS = 50
EXACT_TIME_LIMIT_S = 20.0
CANDIDATES_PER_REGION = 600

VULNERABILITY_LABELS = {
    "especially_vulnerable": "Särskilt utsatta områden",
    "risk": "Riskområden",
    "vulnerable": "Utsatta områden",
    "not_listed": "Övriga områden",
}


class PlanningError(ValueError):
    """A request the analysis cannot answer; the message says why in Swedish."""


def check_radius(radius_m: float) -> float:
    if not 100 <= radius_m <= 50_000:
        raise PlanningError(f"Radien måste vara mellan 100 och 50 000 meter, inte {radius_m:g}.")
    return float(radius_m)


def _scope_mask(frame: pd.DataFrame, municipality: str | None, region: str | None) -> np.ndarray:
    mask = np.ones(len(frame), dtype=bool)
    if municipality:
        mask &= frame["municipality_code"].to_numpy() == municipality
    if region:
        mask &= frame["region_code"].to_numpy() == region
    return mask


def _scope_name(municipality: str | None, region: str | None) -> str:
    if municipality:
        found = Municipality.objects.filter(code=municipality).first()
        if found is None:
            raise PlanningError(f"Det finns ingen kommun med kod {municipality!r}.")
        return found.name
    if region:
        found = Region.objects.filter(code=region).first()
        if found is None:
            raise PlanningError(f"Det finns ingen region med kod {region!r}.")
        return found.name
    return "Sverige"


def coverage_report(*, municipality: str | None = None, region: str | None = None,
                    radius_m: float = DEFAULT_RADIUS_M) -> dict:
    """Children 0–5 within and beyond ``radius_m`` of a family centre or similar service, for a kommun,
    a region or the whole country: totals, by vulnerability class, by distance band, and the Police's
    vulnerable areas with no unit within the radius."""
    radius_m = check_radius(radius_m)
    scope = _scope_name(municipality, region)
    demand, units = current_demand(), units_frame()
    table = area_coverage(demand, units, radius_m, classifications=COUNTING_CLASSES)
    scoped = table[_scope_mask(table, municipality, region)]
    children = float(scoped["children_0_5"].sum())
    covered = float(scoped["children_covered"].sum())
    by_class = scoped.groupby("vulnerability_class")[["children_0_5", "children_covered"]].sum()
    vulnerability = [
        {"class": name, "label": VULNERABILITY_LABELS[name],
         "children": float(by_class["children_0_5"].get(name, 0.0)),
         "uncovered": float(by_class["children_0_5"].get(name, 0.0) - by_class["children_covered"].get(name, 0.0))}
        for name in VULNERABILITY_CLASSES
    ]
    bands = distance_band_table(scoped)
    return {
        "scope": scope,
        "radius_m": radius_m,
        "modelled": is_modelled(demand),
        "children": children,
        "covered": covered,
        "uncovered": children - covered,
        "share_covered": covered / children if children else None,
        "uncovered_in_vulnerable_areas": sum(v["uncovered"] for v in vulnerability if v["class"] != "not_listed"),
        "vulnerability": vulnerability,
        "distance_bands": [
            {"band": label, "children": float(row.children_0_5), "share": None if np.isnan(row.share) else float(row.share)}
            for label, row in bands.iterrows()
        ],
        "areas_without_unit": areas_without_unit(units, radius_m, municipality=municipality, region=region),
        "units_counted": counting_units(municipality=municipality, region=region).count(),
    }


def counting_units(*, municipality: str | None = None, region: str | None = None):
    """The registry units the coverage counts (``COUNTING_CLASSES``, serving today, with coordinates)."""
    units = serving_units().filter(classification__in=COUNTING_CLASSES)
    if municipality:
        units = units.filter(municipality_id=municipality)
    if region:
        units = units.filter(municipality__region_id=region)
    return units


def coverage_by_municipality(*, radius_m: float = DEFAULT_RADIUS_M) -> dict:
    """Per kommun: children 0–5, how many live beyond the radius, and that share (0–1) — for the choropleth."""
    radius_m = check_radius(radius_m)
    demand = current_demand()
    table = area_coverage(demand, units_frame(), radius_m, classifications=COUNTING_CLASSES)
    sums = table.groupby("municipality_code")[["children_0_5", "children_covered"]].sum()
    rows = [
        {"code": code, "children": float(row.children_0_5), "uncovered": float(row.children_0_5 - row.children_covered),
         "share_uncovered": float((row.children_0_5 - row.children_covered) / row.children_0_5) if row.children_0_5 else None}
        for code, row in sums.iterrows()
    ]
    return {"radius_m": radius_m, "modelled": is_modelled(demand), "rows": rows}


def demand_points(*, municipality: str, radius_m: float = DEFAULT_RADIUS_M) -> dict:
    """The kommun's demand points as GeoJSON (WGS 84) with children 0–5 and the distance to the nearest unit."""
    radius_m = check_radius(radius_m)
    _scope_name(municipality, None)
    demand = current_demand()
    table = area_coverage(demand, units_frame(), radius_m, classifications=COUNTING_CLASSES)
    inside = (table["municipality_code"] == municipality).to_numpy()
    points, rows = demand[inside].to_crs("EPSG:4326"), table[inside]
    features = [
        {"type": "Feature", "id": area_id,
         "geometry": {"type": "Point", "coordinates": [round(point.x, 6), round(point.y, 6)]},
         "properties": {"children_0_5": round(float(children), 1), "covered": bool(covered),
                        "nearest_unit_m": None if np.isinf(distance) else round(float(distance)),
                        "vulnerable_category": category}}
        for area_id, point, children, covered, distance, category in zip(
            rows["area_id"], points.geometry, rows["children_0_5"], rows["covered"],
            rows["nearest_unit_distance_m"], points["vulnerable_category"])
    ]
    return {"type": "FeatureCollection", "features": features,
            "metadata": {"radius_m": radius_m, "modelled": is_modelled(demand)}}


def areas_without_unit(units: gpd.GeoDataFrame, radius_m: float, *, municipality=None, region=None) -> list[dict]:
    """The Police's areas (list of ``VULNERABLE_AREA_YEAR``) whose polygon has no counting unit within the radius."""
    areas = VulnerableArea.objects.filter(year=VULNERABLE_AREA_YEAR, geometry__isnull=False).select_related("municipality")
    if municipality:
        areas = areas.filter(municipality_id=municipality)
    if region:
        areas = areas.filter(municipality__region_id=region)
    areas = list(areas)
    if not areas:
        return []
    polygons = gpd.GeoSeries([shapely.geometry.shape(a.geometry) for a in areas], crs="EPSG:4326").to_crs("EPSG:3006")
    counting = units[units["classification"].isin(COUNTING_CLASSES)]
    if len(counting):
        unit_points = counting.to_crs("EPSG:3006").geometry
        tree = shapely.STRtree(unit_points.values)
        _, distances = tree.query_nearest(polygons.values, return_distance=True, all_matches=False)
    else:
        distances = np.full(len(areas), np.inf)
    return [
        {"name": area.name, "category": area.category, "category_label": area.get_category_display(),
         "municipality_code": area.municipality_id, "municipality_name": area.municipality.name,
         "nearest_unit_m": None if np.isinf(distance) else float(distance)}
        for area, distance in zip(areas, distances) if distance > radius_m
    ]


@lru_cache(maxsize=8)
def _scenario(radius_m: float, registry_state: tuple, demand_state: int) -> CoverageScenario:
    return CoverageScenario(current_demand(), units_frame(), radius_m, classifications=COUNTING_CLASSES)


def _registry_state() -> tuple:
    """Changes whenever a unit is saved, so cached scenarios never outlive the registry they were built on."""
    state = Unit.objects.aggregate(count=Count("pk"), last_pk=Max("pk"), last_change=Max("updated_at"))
    return tuple(state.values())


def _number(value) -> float | None:
    """A float for JSON: NaN (a share of no children) becomes None."""
    return None if pd.isna(value) else float(value)


@dataclass(frozen=True)
class ScenarioRequest:
    add: list[tuple[float, float]]
    close: list[int]
    radius_m: float = DEFAULT_RADIUS_M


def scenario_delta(request: ScenarioRequest, *, municipality: str | None = None, region: str | None = None) -> dict:
    """How coverage changes if units open at ``add`` (lon, lat in WGS 84) and the units ``close`` shut."""
    radius_m = check_radius(request.radius_m)
    _scope_name(municipality, region)
    if len(request.add) > MAX_SCENARIO_POINTS:
        raise PlanningError(f"Ett scenario kan ha högst {MAX_SCENARIO_POINTS} tänkta enheter.")
    for lon, lat in request.add:
        if not (10.5 <= lon <= 24.2 and 55.0 <= lat <= 69.2):
            raise PlanningError(f"Punkten ({lon:g}, {lat:g}) ligger inte i Sverige.")
    if not counting_units().exists():
        raise PlanningError("Registret har ännu ingen familjecentral eller liknande verksamhet i drift med "
                            "koordinater att räkna från.")
    scenario = _scenario(radius_m, _registry_state(), demand_version())
    counting = set(counting_units().filter(pk__in=request.close).values_list("pk", flat=True))
    unknown = [unit_id for unit_id in request.close if unit_id not in counting]
    if unknown:
        raise PlanningError(f"Enhet {unknown[0]} räknas inte i täckningen: den finns inte, saknar koordinater, "
                            "är inte i drift eller uppfyller inte definitionen.")
    added = gpd.GeoSeries(gpd.points_from_xy(*zip(*request.add)), crs="EPSG:4326") if request.add else None
    delta = scenario.delta(add=added, close=request.close)
    national = delta.national.iloc[0]

    def rows(frame, code=None):
        if code is not None:
            frame = frame.loc[[code]] if code in frame.index else frame.iloc[0:0]
        return [{"code": str(index), **{k: _number(v) for k, v in row.items()}} for index, row in frame.iterrows()]

    return {
        "radius_m": radius_m,
        "modelled": is_modelled(current_demand()),
        "national": {"code": "SE", **{k: _number(v) for k, v in national.items()}},
        "municipality": rows(delta.municipality, municipality) if municipality else
        [r for r in rows(delta.municipality) if r["children_covered_change"] != 0],
        "region": rows(delta.region, region) if region else [r for r in rows(delta.region) if r["children_covered_change"] != 0],
        "vulnerability": [r | {"label": VULNERABILITY_LABELS[r["code"]]} for r in rows(delta.vulnerability)],
        "distance_bands": rows(delta.distance_band),
        "changed_areas": delta.changed_areas,
    }


def candidate_sites(region: str) -> gpd.GeoDataFrame:
    """Candidate sites in a region: the demand points with the most children 0–5 (``CANDIDATES_PER_REGION``)."""
    demand = current_demand()
    in_region = demand[demand["region_code"] == region]
    top = in_region.nlargest(CANDIDATES_PER_REGION, "children_0_5")
    return gpd.GeoDataFrame({"site_id": top["area_id"].to_numpy(), "municipality_code": top["municipality_code"].to_numpy()},
                            geometry=top.geometry.to_numpy(), crs=demand.crs)


def propose_sites(*, region: str, new_sites: int, radius_m: float = DEFAULT_RADIUS_M, exact: bool = False) -> dict:
    """The best ``new_sites`` places for new units in a region (maximal covering, existing units fixed), with
    the children 0–5 each would newly reach; with ``exact`` also HiGHS's optimum and the heuristic's gap."""
    radius_m = check_radius(radius_m)
    if not 1 <= new_sites <= MAX_NEW_SITES:
        raise PlanningError(f"Antalet nya enheter måste vara mellan 1 och {MAX_NEW_SITES}.")
    region_name = _scope_name(None, region)
    demand = current_demand()
    demand = demand[demand["region_code"] == region]
    units = units_frame()
    existing = units[units["classification"].isin(COUNTING_CLASSES)]
    candidates = candidate_sites(region)
    if exact:
        comparison = compare_heuristic_with_exact(solve_mclp, demand, candidates, existing, new_sites, radius_m,
                                                  time_limit_s=EXACT_TIME_LIMIT_S)
        result, gap = comparison.heuristic, comparison.gap
        exact_objective, exact_proven_optimal = comparison.exact.objective, comparison.exact.proven_optimal
    else:
        result = solve_mclp(demand, candidates, existing, new_sites, radius_m)
        gap = exact_objective = exact_proven_optimal = None
    chosen = candidates.set_index("site_id").loc[list(result.site_ids)]
    reached = _children_newly_reached(demand, existing, chosen, radius_m)
    names = dict(Municipality.objects.values_list("code", "name"))
    points = chosen.geometry.to_crs("EPSG:4326")
    sites = [
        {"site_id": site_id, "municipality_code": row.municipality_code, "municipality_name": names.get(row.municipality_code),
         "longitude": float(points[site_id].x), "latitude": float(points[site_id].y),
         "children_newly_reached": float(reached.get(site_id, 0.0)),
         "weighted_demand": float(result.demand_by_site.get(site_id, 0.0))}
        for site_id, row in chosen.iterrows()
    ]
    return {
        "region": region, "region_name": region_name, "radius_m": radius_m,
        "modelled": is_modelled(current_demand()), "method": result.method, "objective": result.objective,
        "runtime_s": result.runtime_s, "exact_objective": exact_objective, "gap": gap,
        "exact_proven_optimal": exact_proven_optimal,
        "sites": sites, "children_newly_reached": float(sum(s["children_newly_reached"] for s in sites)),
    }


def _children_newly_reached(demand, existing, chosen, radius_m) -> pd.Series:
    """Children 0–5 in areas no existing unit reaches, counted once at their nearest chosen site within the radius."""
    demand_xy = metric_coordinates(demand, "demand")
    already = np.zeros(len(demand), dtype=bool)
    if len(existing):
        already = cKDTree(metric_coordinates(existing, "units")).query(demand_xy)[0] <= radius_m
    distance, position = cKDTree(metric_coordinates(chosen, "sites")).query(demand_xy)
    newly = ~already & (distance <= radius_m)
    children = demand["children_0_5"].to_numpy(dtype=float)
    return pd.Series(np.bincount(position[newly], weights=children[newly], minlength=len(chosen)),
                     index=chosen.index)


def priority_list(*, radius_m: float = DEFAULT_RADIUS_M, weights: PriorityWeights = PriorityWeights(),
                  region: str | None = None) -> dict:
    """Kommuner ranked by the priority index, each with its score's components and a Swedish explanation."""
    radius_m = check_radius(radius_m)
    _scope_name(None, region)
    demand, units = current_demand(), units_frame()
    counting = units[units["classification"].isin(COUNTING_CLASSES)]
    table = municipality_priority(demand, counting, radius_m=radius_m, weights=weights)
    if region:
        table = table[table["municipality_code"].str[:2] == region]
    names = dict(Municipality.objects.values_list("code", "name"))
    rows = [
        {key: (value.item() if hasattr(value, "item") else value) for key, value in row.items()}
        | {"municipality_name": names.get(row["municipality_code"])}
        for row in table.to_dict("records")
    ]
    return {"radius_m": radius_m, "modelled": is_modelled(demand), "weights": weights.__dict__, "rows": rows}
