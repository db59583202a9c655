"""Coverage, comparisons, scenarios, site choice and priority for the product: the registry and the demand
layer fed to ``fcatlas.analysis``. Results are plain dicts, ready for a template, the API or ``--json``.

What counts as reaching families: family centres and similar services (``COUNTING_CLASSES``) that serve
today (active or temporarily closed). Distances are straight-line metres in SWEREF 99 TM (EPSG:3006).
Every function takes the Police list year (``year``, default the newest list) that decides which
areas count as the Police's vulnerable areas.
"""

from dataclasses import dataclass
from functools import lru_cache

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from django.db.models import Count
from scipy.spatial import cKDTree

from fcatlas.analysis.coverage import (
    VULNERABILITY_CLASSES,
    distance_band_table,
    metric_coordinates,
    nearest_unit,
)
from fcatlas.analysis.police import DEFAULT_LIST_YEAR, LIST_YEARS, police_column
from fcatlas.analysis.priority import PriorityWeights, area_priority, municipality_priority
from fcatlas.analysis.scenario import CoverageScenario
from fcatlas.analysis.siting import compare_heuristic_with_exact, small_area_candidates, solve_mclp
from fcatlas.analysis.small_areas import small_area_of_points
from fcatlas.formatting import swedish_key
from fcatlas.geo import to_sweref
from fcatlas.reference.models import Municipality, Region, VulnerableArea
from fcatlas.registry.models import Unit
from fcatlas.registry.queries import registry_version

from .answers import versioned
from .inputs import current_index, current_layer, demand_source, demand_version, serving_units, units_frame

COUNTING_CLASSES = ("family_centre", "similar_service")
DEFAULT_RADIUS_M = 2_000
RADIUS_CHOICES_M = (1_000, 2_000, 3_000, 5_000, 10_000)
MAX_NEW_SITES = 25
MAX_SCENARIO_POINTS = 50
EXACT_TIME_LIMIT_S = 20.0

VULNERABILITY_LABELS = {
    "especially_vulnerable": "Särskilt utsatta områden",
    "risk": "Riskområden",
    "vulnerable": "Utsatta områden",
    "not_listed": "Övriga områden",
}
AREA_TYPE_LABELS = {
    1: "1 Stora socioekonomiska utmaningar",
    2: "2 Socioekonomiska utmaningar",
    3: "3 Blandad socioekonomisk struktur",
    4: "4 Goda socioekonomiska förutsättningar",
    5: "5 Mycket goda socioekonomiska förutsättningar",
}
CHALLENGED_AREA_TYPES = (1, 2)
POLICE_CATEGORY_LABELS = {"especially_vulnerable": "Särskilt utsatt område", "risk": "Riskområde",
                          "vulnerable": "Utsatt område"}


class PlanningError(ValueError):
    """A request the analysis cannot answer; the message says why in Swedish."""


def check_radius(radius_m: float) -> float:
    if not 100 <= radius_m <= 50_000:
        raise PlanningError(f"Radien måste vara mellan 100 och 50 000 meter, inte {radius_m:g}.")
    return float(radius_m)


def check_year(year: int) -> int:
    if year not in LIST_YEARS:
        raise PlanningError(f"Polisen har ingen lista för år {year}. Välj ett av åren "
                            f"{', '.join(map(str, LIST_YEARS))}.")
    return int(year)


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


@versioned
def _counting_frame() -> gpd.GeoDataFrame:
    units = units_frame()
    return units[units["classification"].isin(COUNTING_CLASSES)]


@versioned
def _national_nearest_distance_m(year: int) -> np.ndarray:
    return nearest_unit(current_index(year), _counting_frame())["nearest_unit_distance_m"].to_numpy()


def _nearest_distance_m(index, year: int) -> np.ndarray:
    """Per demand point of ``index`` (the whole country), the distance to the nearest counting unit (inf when there
    is none): one query per version of the data, which every kommun's and region's figures take their part of;
    afresh if the demand layer was replaced between the caller's reading of it and the cache's."""
    distance = _national_nearest_distance_m(year)
    if len(distance) != len(index):
        distance = nearest_unit(index, _counting_frame())["nearest_unit_distance_m"].to_numpy()
    return distance


@versioned
def coverage_report(*, municipality: str | None = None, region: str | None = None,
                    radius_m: float = DEFAULT_RADIUS_M, year: int = DEFAULT_LIST_YEAR) -> dict:
    """Children 0–5 within and beyond ``radius_m`` of a family centre or similar service, for a kommun,
    a region or the whole country: totals, by the Police's areas of ``year``, by SCB's area type, by
    distance band, and the Police's areas with no unit within the radius."""
    radius_m, year = check_radius(radius_m), check_year(year)
    scope = _scope_name(municipality, region)
    index = current_index(year)
    mask = _scope_mask(index.frame, municipality, region)
    demand = index.frame[mask]
    distance = _nearest_distance_m(index, year)[mask]
    children = index.children[mask]
    covered = np.where(distance <= radius_m, children, 0.0)
    classes = index.vulnerability[mask]
    vulnerability = [
        {"class": name, "label": VULNERABILITY_LABELS[name], "children": float(children[classes == name].sum()),
         "uncovered": float((children - covered)[classes == name].sum())}
        for name in VULNERABILITY_CLASSES if name != "risk" or year < 2025
    ]
    area_type = demand["area_type"].to_numpy(dtype=float, na_value=np.nan)
    area_types = [
        {"type": value, "label": label, "children": float(children[area_type == value].sum()),
         "uncovered": float((children - covered)[area_type == value].sum())}
        for value, label in AREA_TYPE_LABELS.items()
    ]
    total, reached = float(children.sum()), float(covered.sum())
    bands = distance_band_table(pd.DataFrame({"nearest_unit_distance_m": distance, "children_0_5": children}))
    challenged = np.isin(area_type, CHALLENGED_AREA_TYPES)
    return {
        "scope": scope,
        "radius_m": radius_m,
        "year": year,
        "source": demand_source(),
        "children": total,
        "covered": reached,
        "uncovered": total - reached,
        "share_covered": reached / total if total else None,
        "uncovered_in_vulnerable_areas": sum(v["uncovered"] for v in vulnerability if v["class"] != "not_listed"),
        "uncovered_in_challenged_areas": float((children - covered)[challenged].sum()),
        "vulnerability": vulnerability,
        "area_types": area_types,
        "distance_bands": [
            {"band": label, "children": float(row.children_0_5), "share": None if np.isnan(row.share) else float(row.share)}
            for label, row in bands.iterrows()
        ],
        "areas_without_unit": areas_without_unit(radius_m, year=year, municipality=municipality, region=region),
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


def _covered(radius_m: float, year: int) -> np.ndarray:
    """Children 0–5 of each demand point within the radius of a counting unit (0 beyond)."""
    index = current_index(year)
    return np.where(_nearest_distance_m(index, year) <= radius_m, index.children, 0.0)


@versioned
def coverage_by_municipality(*, radius_m: float = DEFAULT_RADIUS_M, year: int = DEFAULT_LIST_YEAR) -> dict:
    """Per kommun: children 0–5, how many live beyond the radius, and that share (0–1) — for the choropleth."""
    radius_m, year = check_radius(radius_m), check_year(year)
    index = current_index(year)
    children, covered = index.totals(index.children, "municipality"), index.totals(_covered(radius_m, year), "municipality")
    rows = [
        {"code": code, "children": float(total), "uncovered": float(total - reached),
         "share_uncovered": float((total - reached) / total) if total else None}
        for code, total, reached in zip(index.group_labels["municipality"], children, covered)
    ]
    return {"radius_m": radius_m, "year": year, "source": demand_source(), "rows": rows}


COMPARISON_LEVELS = {"region": ("region", Region), "municipality": ("municipality", Municipality)}


@versioned
def comparison_table(*, level: str = "region", region: str | None = None, radius_m: float = DEFAULT_RADIUS_M,
                     year: int = DEFAULT_LIST_YEAR) -> dict:
    """Regions or kommuner side by side: units, children 0–5, units per 10 000 children, and the share of
    children within the radius — of all, of those in SCB's area types 1–2, of those in the Police's areas."""
    radius_m, year = check_radius(radius_m), check_year(year)
    if level not in COMPARISON_LEVELS:
        raise PlanningError(f"Jämförelsen finns per region eller kommun, inte {level!r}.")
    group, model = COMPARISON_LEVELS[level]
    _scope_name(None, region)
    index = current_index(year)
    covered = _covered(radius_m, year)
    area_type = index.frame["area_type"].to_numpy(dtype=float, na_value=np.nan)
    challenged = np.isin(area_type, CHALLENGED_AREA_TYPES)
    listed = index.vulnerability != "not_listed"
    sums = {
        "children": index.totals(index.children, group),
        "covered": index.totals(covered, group),
        "challenged": index.totals(np.where(challenged, index.children, 0.0), group),
        "challenged_covered": index.totals(np.where(challenged, covered, 0.0), group),
        "police": index.totals(np.where(listed, index.children, 0.0), group),
        "police_covered": index.totals(np.where(listed, covered, 0.0), group),
    }
    position = {code: i for i, code in enumerate(index.group_labels[group])}
    key = "municipality__region_id" if level == "region" else "municipality_id"
    units = dict(counting_units().values_list(key).annotate(n=Count("pk")).order_by())
    places = model.objects.all() if level == "region" else Municipality.objects.filter(
        **({"region_id": region} if region else {}))

    def share(part: str, whole: str, i: int | None):
        return float(sums[part][i] / sums[whole][i]) if i is not None and sums[whole][i] > 0 else None

    rows = []
    for place in places:
        i = position.get(place.code)
        children = float(sums["children"][i]) if i is not None else 0.0
        count = units.get(place.code, 0)
        rows.append({
            "code": place.code, "name": place.name, "url": place.get_absolute_url(),
            "units": count, "children": children,
            "units_per_10000": count / children * 10_000 if children else None,
            "share_covered": share("covered", "children", i),
            "share_covered_challenged": share("challenged_covered", "challenged", i),
            "children_challenged": float(sums["challenged"][i]) if i is not None else 0.0,
            "share_covered_police": share("police_covered", "police", i),
            "children_police": float(sums["police"][i]) if i is not None else 0.0,
        })
    return {"level": level, "radius_m": radius_m, "year": year, "source": demand_source(), "rows": rows}


def _small_area_rows(mask_column: str, code: str, radius_m: float, year: int) -> tuple[pd.DataFrame, gpd.GeoDataFrame]:
    """Per small area in a kommun or region: children, beyond the radius, area type, the Police's category."""
    index = current_index(year)
    mask = index.frame[mask_column].to_numpy() == code
    covered = _covered(radius_m, year)[mask]
    points = index.frame[mask]
    sums = pd.DataFrame({"small_area_code": points["small_area_code"].to_numpy(), "children": index.children[mask],
                         "covered": covered}).groupby("small_area_code").sum()
    areas = current_layer().areas
    areas = areas[areas[mask_column].to_numpy() == code]
    table = areas.drop(columns="geometry").set_index("small_area_code").join(sums, how="left").fillna(
        {"children": 0.0, "covered": 0.0})
    table["uncovered"] = table["children"] - table["covered"]
    table["share_uncovered"] = table["uncovered"] / table["children"].where(table["children"] > 0)
    table["police_category"] = table[police_column(year)]
    return table.sort_values("name", key=lambda names: names.map(swedish_key)), areas


@versioned
def small_area_table(*, municipality: str | None = None, region: str | None = None,
                     radius_m: float = DEFAULT_RADIUS_M, year: int = DEFAULT_LIST_YEAR) -> dict:
    """The small areas (RegSO) of a kommun or region with children 0–5, those beyond the radius, SCB's
    area type and the Police's category of ``year``."""
    radius_m, year = check_radius(radius_m), check_year(year)
    if not (municipality or region):
        raise PlanningError("Välj en kommun eller en region.")
    _scope_name(municipality, region)
    table, _ = _small_area_rows("municipality_code" if municipality else "region_code", municipality or region,
                                radius_m, year)
    rows = [
        {"code": code, "name": row["name"], "municipality_code": row["municipality_code"],
         "population": float(row["population"]), "children": float(row["children"]),
         "uncovered": float(row["uncovered"]), "share_uncovered": _number(row["share_uncovered"]),
         "area_type": None if pd.isna(row["area_type"]) else int(row["area_type"]),
         "area_type_label": AREA_TYPE_LABELS.get(None if pd.isna(row["area_type"]) else int(row["area_type"])),
         "foreign_background_share": _number(row["foreign_background_share"]),
         "police_category": row["police_category"],
         "police_category_label": POLICE_CATEGORY_LABELS.get(row["police_category"])}
        for code, row in table.iterrows()
    ]
    return {"radius_m": radius_m, "year": year, "source": demand_source(), "rows": rows}


@versioned
def unit_area_types() -> dict[int, int | None]:
    """SCB's area type (1–5) of the small area each unit with coordinates lies in (``None`` outside every area)."""
    rows = list(Unit.objects.filter(latitude__isnull=False).values_list("pk", "longitude", "latitude"))
    if not rows:
        return {}
    areas = current_layer().areas
    codes = small_area_of_points(np.column_stack(to_sweref(np.array([r[1] for r in rows]),
                                                           np.array([r[2] for r in rows]))), areas)
    types = dict(zip(areas["small_area_code"], areas["area_type"]))
    return {pk: (None if code is None or pd.isna(types.get(code)) else int(types[code]))
            for (pk, _, _), code in zip(rows, codes)}


DISPLAY_DETAIL = {"municipality": (40.0, 5), "region": (300.0, 3)}
"""Simplification tolerance (m) and decimals of the small-area polygons drawn for a kommun and for a region:
below a pixel at the zoom each map opens at (about 80 m and 650 m a pixel)."""


@lru_cache(maxsize=4)
def _display_areas(version: int, scope: str) -> gpd.GeoSeries:
    """The small-area polygons simplified for a map (shared edges kept shared), in WGS 84."""
    tolerance_m, decimals = DISPLAY_DETAIL[scope]
    areas = current_layer().areas
    simplified = shapely.coverage_simplify(areas.geometry.to_numpy(), tolerance_m)
    shapes = gpd.GeoSeries(simplified, index=areas["small_area_code"].to_numpy(), crs=areas.crs).to_crs("EPSG:4326")
    return shapes.set_precision(10 ** -decimals)


@versioned
def small_areas_geojson(*, municipality: str | None = None, region: str | None = None,
                        radius_m: float = DEFAULT_RADIUS_M, year: int = DEFAULT_LIST_YEAR) -> dict:
    """The small areas of a kommun or region as GeoJSON (simplified for a map, WGS 84) with what the map
    colours and labels them by; the page's table has every figure of :func:`small_area_table`."""
    table = small_area_table(municipality=municipality, region=region, radius_m=radius_m, year=year)
    shapes = _display_areas(demand_version(), "municipality" if municipality else "region")
    features = [
        {"type": "Feature", "id": row["code"], "geometry": shapely.geometry.mapping(shapes[row["code"]]),
         "properties": {"name": row["name"], "children": round(row["children"]),
                        "share_uncovered": None if row["share_uncovered"] is None else round(row["share_uncovered"], 3),
                        "area_type": row["area_type"], "police_category": row["police_category"]}}
        for row in table["rows"]
    ]
    return {"type": "FeatureCollection", "features": features,
            "metadata": {"radius_m": table["radius_m"], "year": table["year"], "source": table["source"]["note"]}}


def area_shapes(codes) -> dict[str, dict]:
    """The simplified polygons (GeoJSON geometry, WGS 84) of the small areas ``codes``, as drawn on a region map."""
    shapes = _display_areas(demand_version(), "region")
    return {code: shapely.geometry.mapping(shapes[code]) for code in codes if code in shapes.index}


@versioned
def demand_points(*, municipality: str | None = None, region: str | None = None,
                  radius_m: float = DEFAULT_RADIUS_M, year: int = DEFAULT_LIST_YEAR,
                  uncovered_only: bool = False) -> dict:
    """The demand points of a kommun or region as GeoJSON (WGS 84) with children 0–5 and the distance to the
    nearest unit — where the children live, so that a planner knows where to click."""
    radius_m, year = check_radius(radius_m), check_year(year)
    if not (municipality or region):
        raise PlanningError("Välj en kommun eller en region.")
    _scope_name(municipality, region)
    index = current_index(year)
    inside = _scope_mask(index.frame, municipality, region)
    demand = index.frame[inside]
    distance = _nearest_distance_m(index, year)[inside]
    covered = distance <= radius_m
    keep = ~covered if uncovered_only else np.ones(len(demand), dtype=bool)
    points = demand[keep].to_crs("EPSG:4326")
    features = [
        {"type": "Feature", "id": area_id,
         "geometry": {"type": "Point", "coordinates": [round(point.x, 5), round(point.y, 5)]},
         "properties": {"children_0_5": round(float(children), 1), "covered": bool(is_covered),
                        "nearest_unit_m": None if np.isinf(d) else round(float(d)), "vulnerable_category": category}}
        for area_id, point, children, is_covered, d, category in zip(
            points["area_id"], points.geometry, points["children_0_5"], covered[keep], distance[keep],
            points["vulnerable_category"])
    ]
    return {"type": "FeatureCollection", "features": features,
            "metadata": {"radius_m": radius_m, "year": year, "source": demand_source()["note"]}}


def areas_without_unit(radius_m: float, *, year: int = DEFAULT_LIST_YEAR, municipality=None, region=None) -> list[dict]:
    """The Police's areas (list of ``year``) whose polygon has no counting unit within the radius."""
    areas = VulnerableArea.objects.filter(year=year, geometry__isnull=False).select_related("municipality")
    if municipality:
        areas = areas.filter(municipality_id=municipality)
    if region:
        areas = areas.filter(municipality__region_id=region)
    areas = list(areas.defer("municipality__geometry"))
    if not areas:
        return []
    polygons = _area_polygons(year, tuple(area.pk for area in areas))
    counting = _counting_frame()
    if len(counting):
        tree = shapely.STRtree(counting.to_crs("EPSG:3006").geometry.values)
        _, distances = tree.query_nearest(polygons, return_distance=True, all_matches=False)
    else:
        distances = np.full(len(areas), np.inf)
    return [
        {"name": area.name, "category": area.category, "category_label": area.get_category_display(),
         "municipality_code": area.municipality_id, "municipality_name": area.municipality.name,
         "nearest_unit_m": None if np.isinf(distance) else float(distance)}
        for area, distance in zip(areas, distances) if distance > radius_m
    ]


@lru_cache(maxsize=64)
def _area_polygons(year: int, area_ids: tuple) -> np.ndarray:
    """The Police polygons in EPSG:3006, decoded once per set of areas (they change only with the reference data)."""
    geometries = dict(VulnerableArea.objects.filter(pk__in=area_ids).values_list("pk", "geometry"))
    shapes = [shapely.geometry.shape(geometries[pk]) for pk in area_ids]
    return gpd.GeoSeries(shapes, crs="EPSG:4326").to_crs("EPSG:3006").to_numpy()


@lru_cache(maxsize=8)
def _scenario(radius_m: float, registry_state: tuple, demand_state: int, year: int) -> CoverageScenario:
    return CoverageScenario(current_index(year), units_frame(), radius_m, classifications=COUNTING_CLASSES)


def _number(value) -> float | None:
    """A float for JSON: NaN (a share of no children) becomes None."""
    return None if pd.isna(value) else float(value)


@dataclass(frozen=True)
class ScenarioRequest:
    add: list[tuple[float, float]]
    close: list[int]
    radius_m: float = DEFAULT_RADIUS_M


def scenario_delta(request: ScenarioRequest, *, municipality: str | None = None, region: str | None = None,
                   year: int = DEFAULT_LIST_YEAR) -> dict:
    """How coverage changes if units open at ``add`` (lon, lat in WGS 84) and the units ``close`` shut."""
    radius_m, year = check_radius(request.radius_m), check_year(year)
    _scope_name(municipality, region)
    if len(request.add) > MAX_SCENARIO_POINTS:
        raise PlanningError(f"Ett scenario kan ha högst {MAX_SCENARIO_POINTS} tänkta enheter.")
    for lon, lat in request.add:
        if not (10.5 <= lon <= 24.2 and 55.0 <= lat <= 69.2):
            raise PlanningError(f"Punkten ({lon:g}, {lat:g}) ligger inte i Sverige.")
    if not counting_units().exists():
        raise PlanningError("Registret har ännu ingen familjecentral eller liknande verksamhet i drift med "
                            "koordinater att räkna från.")
    scenario = _scenario(radius_m, registry_version(), demand_version(), year)
    counting = set(counting_units().filter(pk__in=request.close).values_list("pk", flat=True))
    unknown = [unit_id for unit_id in request.close if unit_id not in counting]
    if unknown:
        raise PlanningError(f"Enhet {unknown[0]} räknas inte i täckningen: den finns inte, saknar koordinater, "
                            "är inte i drift eller uppfyller inte definitionen.")
    added = gpd.GeoSeries(gpd.points_from_xy(*zip(*request.add)), crs="EPSG:4326") if request.add else None
    delta = scenario.delta(add=added, close=request.close)

    def rows(frame):
        return [{"code": str(code), **{k: _number(v) for k, v in row.items()}} for code, row in frame.iterrows()]

    def one(frame, code):
        return rows(frame.loc[[code]] if code in frame.index else frame.iloc[0:0])

    return {
        "radius_m": radius_m,
        "year": year,
        "source": demand_source()["note"],
        "national": rows(delta.national)[0] | {"code": "SE"},
        "municipality": one(delta.municipality, municipality) if municipality else rows(delta.changed("municipality")),
        "region": one(delta.region, region) if region else rows(delta.changed("region")),
        "vulnerability": [r | {"label": VULNERABILITY_LABELS[r["code"]]} for r in rows(delta.vulnerability)
                          if r["code"] != "risk" or year < 2025],
        "distance_bands": rows(delta.distance_band),
        "changed_areas": delta.changed_areas,
    }


def propose_sites(*, region: str, new_sites: int, radius_m: float = DEFAULT_RADIUS_M, exact: bool = False,
                  year: int = DEFAULT_LIST_YEAR) -> dict:
    """The best ``new_sites`` places for new units in a region (maximal covering, existing units fixed): one
    candidate per small area (RegSO), demand weighted by children 0–5, SCB area type and the Police's areas
    of ``year``; with ``exact`` also HiGHS's optimum and the heuristic's gap."""
    radius_m, year = check_radius(radius_m), check_year(year)
    if not 1 <= new_sites <= MAX_NEW_SITES:
        raise PlanningError(f"Antalet nya enheter måste vara mellan 1 och {MAX_NEW_SITES}.")
    region_name = _scope_name(None, region)
    demand = current_index(year).frame
    demand = demand[demand["region_code"] == region]
    existing = _counting_frame()
    candidates = small_area_candidates(demand)
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
    area_names = current_layer().areas.set_index("small_area_code")["name"]
    points = chosen.geometry.to_crs("EPSG:4326")
    sites = [
        {"site_id": site_id, "small_area_name": area_names.get(site_id), "municipality_code": row.municipality_code,
         "municipality_name": names.get(row.municipality_code),
         "longitude": float(points[site_id].x), "latitude": float(points[site_id].y),
         "children_newly_reached": float(reached.get(site_id, 0.0)),
         "weighted_demand": float(result.demand_by_site.get(site_id, 0.0))}
        for site_id, row in chosen.iterrows()
    ]
    return {
        "region": region, "region_name": region_name, "radius_m": radius_m, "year": year,
        "source": demand_source()["note"], "method": result.method, "objective": result.objective,
        "runtime_s": result.runtime_s, "exact_objective": exact_objective, "gap": gap,
        "exact_proven_optimal": exact_proven_optimal, "candidates": len(candidates),
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


PRIORITY_LEVELS = ("municipality", "area")


@versioned
def priority_list(*, radius_m: float = DEFAULT_RADIUS_M, weights: PriorityWeights = PriorityWeights(),
                  region: str | None = None, year: int = DEFAULT_LIST_YEAR, level: str = "municipality") -> dict:
    """Kommuner (or small areas) ranked by the priority index, each with its components and a Swedish
    explanation. The rank is national; ``region`` only filters the rows shown."""
    radius_m, year = check_radius(radius_m), check_year(year)
    if level not in PRIORITY_LEVELS:
        raise PlanningError(f"Prioriteringen finns per kommun eller område, inte {level!r}.")
    _scope_name(None, region)
    index = current_index(year)
    units = units_frame()
    counting = units[units["classification"].isin(COUNTING_CLASSES)]
    rank = municipality_priority if level == "municipality" else area_priority
    table = rank(index, counting, radius_m=radius_m, weights=weights)
    if region:
        table = table[table["municipality_code"].str[:2] == region]
    names = dict(Municipality.objects.values_list("code", "name"))
    extra = {}
    if level == "area":
        areas = current_layer().areas.set_index("small_area_code")
        extra = {"name": areas["name"], "area_type": areas["area_type"], "police_category": areas[police_column(year)]}
    rows = []
    for row in table.to_dict("records"):
        row = {key: (value.item() if hasattr(value, "item") else value) for key, value in row.items()}
        row["municipality_name"] = names.get(row["municipality_code"])
        if level == "area":
            code = row["small_area_code"]
            area_type = extra["area_type"].get(code)
            row |= {"name": extra["name"].get(code), "police_category": extra["police_category"].get(code),
                    "area_type": None if pd.isna(area_type) else int(area_type)}
        rows.append(row)
    return {"radius_m": radius_m, "year": year, "level": level, "source": demand_source()["note"],
            "weights": weights.__dict__, "rows": rows}
