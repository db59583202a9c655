"""Distance to the nearest unit and the share of children 0–5 covered within a radius.

All distances are straight-line metres in SWEREF 99 TM (EPSG:3006). Frames in any other CRS
(usually WGS 84, EPSG:4326) are reprojected first; frames without a CRS are refused. Polygon
demand areas are represented by their ``representative_point()`` taken in EPSG:3006 (always
inside the polygon, unlike the centroid); point demand is used as is.

The module also holds the frame checks shared by the other analysis modules.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy.spatial import cKDTree

METRIC_CRS = "EPSG:3006"

CLASSIFICATIONS = ("family_centre", "similar_service", "not_qualifying")
VULNERABLE_CATEGORIES = ("especially_vulnerable", "risk", "vulnerable")
NOT_LISTED = "not_listed"
"""Vulnerability class of a demand area that is not on the Police's list."""
VULNERABILITY_CLASSES = (*VULNERABLE_CATEGORIES, NOT_LISTED)

DEMAND_COLUMNS = ("area_id", "municipality_code", "region_code", "children_0_5", "vulnerable_category")
UNIT_COLUMNS = ("unit_id",)

DEFAULT_BAND_EDGES_M = (1_000.0, 2_000.0, 5_000.0, 10_000.0)
"""Upper edges of the distance bands 0–1, 1–2, 2–5, 5–10 km; a last open band (>10 km) follows."""

GROUPINGS = {
    "municipality": "municipality_code",
    "region": "region_code",
    "vulnerability": "vulnerability_class",
}
"""Name of each sub-national coverage figure → the area-table column it is grouped by."""


def require_columns(frame: pd.DataFrame, columns: Iterable[str], frame_name: str) -> None:
    """Raise ``ValueError`` naming the first column of ``columns`` that ``frame`` lacks."""
    for column in columns:
        if column not in frame.columns:
            raise ValueError(f"{frame_name} frame is missing the required column {column!r}")


def metric_coordinates(frame: gpd.GeoDataFrame | gpd.GeoSeries, frame_name: str) -> np.ndarray:
    """(n, 2) array of x, y in EPSG:3006 metres; polygons give their representative point."""
    geometry = frame.geometry if isinstance(frame, gpd.GeoDataFrame) else frame
    if geometry.crs is None:
        raise ValueError(
            f"{frame_name} frame has no CRS; set one (e.g. EPSG:4326 or EPSG:3006) before analysis"
        )
    shapes = np.asarray(geometry.to_crs(METRIC_CRS).values)
    if (shapely.is_missing(shapes) | shapely.is_empty(shapes)).any():
        raise ValueError(f"{frame_name} frame has missing or empty geometries")
    if not (shapely.get_type_id(shapes) == shapely.GeometryType.POINT).all():
        shapes = shapely.point_on_surface(shapes)  # = GeoSeries.representative_point()
    return shapely.get_coordinates(shapes)


def select_units(units: gpd.GeoDataFrame, classifications: Iterable[str] | None) -> gpd.GeoDataFrame:
    """The units whose ``classification`` is in ``classifications`` (all units when None)."""
    require_columns(units, UNIT_COLUMNS, "units")
    if classifications is None:
        return units
    classifications = tuple(classifications)
    unknown = set(classifications) - set(CLASSIFICATIONS)
    if unknown:
        raise ValueError(f"unknown unit classification(s) {sorted(unknown)}; use {CLASSIFICATIONS}")
    require_columns(units, ("classification",), "units")
    return units[units["classification"].isin(classifications)]


def vulnerability_class(demand: pd.DataFrame) -> pd.Series:
    """The Police category of each area, ``not_listed`` where it has none."""
    category = demand["vulnerable_category"].astype(object).where(demand["vulnerable_category"].notna())
    unknown = set(category.dropna()) - set(VULNERABLE_CATEGORIES)
    if unknown:
        raise ValueError(f"unknown vulnerable_category value(s) {sorted(unknown)}; use {VULNERABLE_CATEGORIES}")
    return category.fillna(NOT_LISTED).astype(str)


class DemandIndex:
    """Demand prepared once for many coverage questions: EPSG:3006 coordinates, children 0–5, the group
    codes of every :data:`GROUPINGS` figure and a KD-tree of the demand points.

    Build it once per demand layer (it costs a few milliseconds) and pass it wherever a function takes
    ``demand``: the answers are the same as from the frame, without re-reading the frame each time.
    """

    def __init__(self, demand: gpd.GeoDataFrame):
        require_columns(demand, DEMAND_COLUMNS, "demand")
        self.frame = demand
        self.xy = metric_coordinates(demand, "demand")
        self.children = demand["children_0_5"].to_numpy(dtype=float)
        self.area_ids = demand["area_id"].to_numpy()
        self.index = demand.index
        columns = {"municipality": demand["municipality_code"].to_numpy(),
                   "region": demand["region_code"].to_numpy()}
        self.group_codes: dict[str, np.ndarray] = {}
        self.group_labels: dict[str, pd.Index] = {}
        for name, values in columns.items():
            labels, codes = np.unique(values.astype(str), return_inverse=True)
            self.group_codes[name], self.group_labels[name] = codes, pd.Index(labels, name=GROUPINGS[name])
        classes = pd.Categorical(vulnerability_class(demand), categories=VULNERABILITY_CLASSES)
        self.vulnerability = np.asarray(classes.astype(str))
        self.group_codes["vulnerability"] = classes.codes.astype(np.intp)
        self.group_labels["vulnerability"] = pd.Index(VULNERABILITY_CLASSES, name=GROUPINGS["vulnerability"])
        self.group_codes["national"] = np.zeros(len(self.children), dtype=np.intp)
        self.group_labels["national"] = pd.Index(["SE"], name="country")
        self.tree = cKDTree(self.xy)

    def __len__(self) -> int:
        return len(self.children)

    def within(self, points_xy: np.ndarray, radius_m: float) -> np.ndarray:
        """Whether each demand point lies within ``radius_m`` metres of any of ``points_xy`` (EPSG:3006)."""
        mask = np.zeros(len(self), dtype=bool)
        if len(points_xy):
            found = self.tree.query_ball_point(np.asarray(points_xy, dtype=float).reshape(-1, 2), radius_m,
                                               return_sorted=False)
            hits = [np.asarray(indices, dtype=np.intp) for indices in found if len(indices)]
            if hits:
                mask[np.concatenate(hits)] = True
        return mask

    def totals(self, values: np.ndarray, group: str) -> np.ndarray:
        """``values`` (one per demand point) summed per group of ``group`` (a :data:`GROUPINGS` key or ``national``)."""
        return np.bincount(self.group_codes[group], weights=values, minlength=len(self.group_labels[group]))


def demand_index(demand: gpd.GeoDataFrame | DemandIndex) -> DemandIndex:
    return demand if isinstance(demand, DemandIndex) else DemandIndex(demand)


def nearest_unit(
    demand: gpd.GeoDataFrame | DemandIndex,
    units: gpd.GeoDataFrame,
    classifications: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Per demand area, the nearest unit's id and its distance in metres (inf when there is none).

    ``classifications`` restricts the units considered, e.g. ``("family_centre",)``.
    """
    index = demand_index(demand)
    units = select_units(units, classifications)
    if len(units) == 0:
        return pd.DataFrame(
            {"nearest_unit_id": pd.Series([None] * len(index), dtype=object), "nearest_unit_distance_m": np.inf},
            index=index.index,
        )
    distance, position = cKDTree(metric_coordinates(units, "units")).query(index.xy)
    return pd.DataFrame(
        {"nearest_unit_id": units["unit_id"].to_numpy()[position], "nearest_unit_distance_m": distance},
        index=index.index,
    )


def area_coverage(
    demand: gpd.GeoDataFrame | DemandIndex,
    units: gpd.GeoDataFrame,
    radius_m: float,
    classifications: Iterable[str] | None = None,
) -> pd.DataFrame:
    """One row per demand area: nearest unit and distance (m), and its children 0–5 covered.

    An area is covered when its nearest unit is at most ``radius_m`` metres away (distance ==
    radius counts as covered); all of its children then count as covered, otherwise none.
    """
    index = demand_index(demand)
    nearest = nearest_unit(index, units, classifications)
    covered = nearest["nearest_unit_distance_m"].to_numpy() <= radius_m
    return pd.DataFrame(
        {
            "area_id": index.area_ids,
            "municipality_code": index.frame["municipality_code"].to_numpy(),
            "region_code": index.frame["region_code"].to_numpy(),
            "vulnerability_class": index.vulnerability,
            "children_0_5": index.children,
            "nearest_unit_id": nearest["nearest_unit_id"].to_numpy(),
            "nearest_unit_distance_m": nearest["nearest_unit_distance_m"].to_numpy(),
            "covered": covered,
            "children_covered": np.where(covered, index.children, 0.0),
        },
        index=index.index,
    )


def covered_children(
    demand: gpd.GeoDataFrame | DemandIndex,
    units: gpd.GeoDataFrame,
    radius_m: float,
    classifications: Iterable[str] | None = None,
) -> np.ndarray:
    """Children 0–5 of each demand area that live within ``radius_m`` metres of a unit (0 beyond).

    The same figure as :func:`area_coverage`'s ``children_covered``, found by radius queries on the demand
    tree instead of a nearest-unit search: about ten times faster nationally."""
    index = demand_index(demand)
    units = select_units(units, classifications)
    xy = metric_coordinates(units, "units") if len(units) else np.empty((0, 2))
    return np.where(index.within(xy, radius_m), index.children, 0.0)


def national_coverage(
    demand: gpd.GeoDataFrame | DemandIndex,
    units: gpd.GeoDataFrame,
    radius_m: float,
    classifications: Iterable[str] | None = None,
) -> dict[str, pd.DataFrame]:
    """:func:`coverage_summary`'s figures (children 0–5 and covered, nationally and per kommun, region and
    vulnerability class) from :func:`covered_children`."""
    index = demand_index(demand)
    covered = covered_children(index, units, radius_m, classifications)
    summary = {}
    for name in ("national", *GROUPINGS):
        children, reached = index.totals(index.children, name), index.totals(covered, name)
        frame = pd.DataFrame({"children_0_5": children, "children_covered": reached}, index=index.group_labels[name])
        frame["share_covered"] = frame["children_covered"] / frame["children_0_5"].where(frame["children_0_5"] > 0)
        summary[name] = frame
    return summary


def coverage_shares(area_table: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """Children 0–5 in total and covered, and the covered share (0–1), per ``by`` group.

    ``by`` is a column of :func:`area_coverage`'s table (``municipality_code``, ``region_code``,
    ``vulnerability_class``); ``None`` gives a single national row indexed ``"SE"``. Vulnerability
    classes are always all listed, in :data:`VULNERABILITY_CLASSES` order.
    """
    columns = ["children_0_5", "children_covered"]
    if by is None:
        totals = area_table[columns].sum().to_frame("SE").T
        totals.index.name = "country"
    else:
        # factorize + bincount: several times faster than a groupby on text codes (national figures, 20k+ areas)
        codes, labels = pd.factorize(area_table[by], sort=True)
        totals = pd.DataFrame(
            {column: np.bincount(codes, weights=area_table[column].to_numpy(dtype=float), minlength=len(labels))
             for column in columns},
            index=pd.Index(labels, name=by),
        )
        if by == "vulnerability_class":
            totals = totals.reindex(list(VULNERABILITY_CLASSES), fill_value=0.0)
    totals["share_covered"] = totals["children_covered"] / totals["children_0_5"].where(totals["children_0_5"] > 0)
    return totals


def coverage_summary(area_table: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """:func:`coverage_shares` nationally and per kommun, region and vulnerability class."""
    summary = {"national": coverage_shares(area_table)}
    for name, column in GROUPINGS.items():
        summary[name] = coverage_shares(area_table, by=column)
    return summary


def band_labels(band_edges_m: Sequence[float] = DEFAULT_BAND_EDGES_M) -> list[str]:
    """Swedish labels of the bands the edges (m) make, e.g. ``["0–1 km", …, ">10 km"]``."""
    kilometres = [f"{edge / 1000:g}".replace(".", ",") for edge in band_edges_m]
    lower = ["0", *kilometres[:-1]]
    return [f"{low}–{high} km" for low, high in zip(lower, kilometres)] + [f">{kilometres[-1]} km"]


def distance_band_index(distance_m: np.ndarray, band_edges_m: Sequence[float] = DEFAULT_BAND_EDGES_M) -> np.ndarray:
    """Band number of each distance; a distance equal to an edge falls in the band below it."""
    edges = np.asarray(band_edges_m, dtype=float)
    if edges.ndim != 1 or len(edges) == 0 or edges[0] <= 0 or np.any(np.diff(edges) <= 0):
        raise ValueError("band_edges_m must be positive and strictly increasing, e.g. (1000, 2000, 5000)")
    return np.searchsorted(edges, distance_m, side="left")


def distance_band_table(
    area_table: pd.DataFrame, band_edges_m: Sequence[float] = DEFAULT_BAND_EDGES_M
) -> pd.DataFrame:
    """Children 0–5 per band of distance to the nearest unit, and their share of all children."""
    labels = band_labels(band_edges_m)
    band = distance_band_index(area_table["nearest_unit_distance_m"].to_numpy(), band_edges_m)
    children = np.bincount(band, weights=area_table["children_0_5"].to_numpy(dtype=float), minlength=len(labels))
    total = children.sum()
    return pd.DataFrame(
        {"children_0_5": children, "share": children / total if total > 0 else np.nan},
        index=pd.Index(labels, name="distance_band"),
    )
