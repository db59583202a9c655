"""What-if coverage: "add a unit here / close this one" → the change in every coverage figure.

:class:`CoverageScenario` precomputes, once, each demand area's nearest unit and distance (EPSG:3006
metres), the areas each unit is nearest to, and the baseline figures. A change then touches only the
areas it can affect: those whose nearest unit closes, and those within reach of an added unit (the
radius or the last distance band edge, whichever is larger — farther away neither coverage nor the
distance band can change). The figures are exactly those of :mod:`fcatlas.analysis.coverage`
recomputed on the changed units.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cached_property

import geopandas as gpd
import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from fcatlas.analysis.coverage import (
    DEFAULT_BAND_EDGES_M,
    GROUPINGS,
    DemandIndex,
    band_labels,
    demand_index,
    distance_band_index,
    metric_coordinates,
    select_units,
)

GROUPS = ("national", *GROUPINGS)
DIRECT_DISTANCE_MAX_ADDED = 16
"""Up to this many added units, their distances to the nearby demand are computed directly; more get a tree."""


class ScenarioDelta:
    """Coverage before and after a change; each frame has ``*_before``, ``*_after``, ``*_change``.

    ``national``, ``municipality``, ``region`` and ``vulnerability`` carry children 0–5 covered within
    the radius and the covered share (0–1); ``distance_band`` carries children 0–5 and their share per
    band of distance to the nearest unit. ``changed_areas`` counts demand areas whose coverage or
    distance band changed. Frames are built when first read.
    """

    def __init__(self, scenario: CoverageScenario, covered_after: dict[str, np.ndarray],
                 bands_after: np.ndarray, changed_areas: int):
        self._scenario = scenario
        self._covered_after = covered_after
        self._bands_after = bands_after
        self.changed_areas = changed_areas

    def _frame(self, name: str) -> pd.DataFrame:
        scenario = self._scenario
        return _before_after(scenario.index.group_labels[name], scenario.group_children[name],
                             scenario.baseline_covered[name], self._covered_after[name])

    @property
    def children_covered_national(self) -> tuple[float, float]:
        """Children 0–5 within the radius nationally, before and after: the headline figure, without a frame."""
        return float(self._scenario.baseline_covered["national"][0]), float(self._covered_after["national"][0])

    @cached_property
    def national(self) -> pd.DataFrame:
        return self._frame("national")

    @cached_property
    def municipality(self) -> pd.DataFrame:
        return self._frame("municipality")

    @cached_property
    def region(self) -> pd.DataFrame:
        return self._frame("region")

    @cached_property
    def vulnerability(self) -> pd.DataFrame:
        return self._frame("vulnerability")

    def changed(self, name: str) -> pd.DataFrame:
        """Only the rows of one figure whose covered children changed (cheap for 290 kommuner)."""
        scenario = self._scenario
        moved = np.flatnonzero(self._covered_after[name] != scenario.baseline_covered[name])
        return _before_after(scenario.index.group_labels[name][moved], scenario.group_children[name][moved],
                             scenario.baseline_covered[name][moved], self._covered_after[name][moved])

    @cached_property
    def distance_band(self) -> pd.DataFrame:
        scenario = self._scenario
        before, after = scenario.baseline_bands, self._bands_after
        total = scenario.index.children.sum()
        bands = pd.DataFrame(
            {
                "children_0_5_before": before,
                "children_0_5_after": after,
                "children_0_5_change": after - before,
                "share_before": before / total if total > 0 else np.nan,
                "share_after": after / total if total > 0 else np.nan,
            },
            index=scenario.band_labels,
        )
        bands["share_change"] = bands["share_after"] - bands["share_before"]
        return bands


class CoverageScenario:
    """Baseline coverage of ``demand`` by ``units`` within ``radius_m`` metres, ready for what-ifs.

    ``demand`` is a frame or a prepared :class:`~fcatlas.analysis.coverage.DemandIndex`;
    ``classifications`` restricts which units count (as in :func:`coverage.area_coverage`).
    """

    def __init__(
        self,
        demand: gpd.GeoDataFrame | DemandIndex,
        units: gpd.GeoDataFrame,
        radius_m: float,
        classifications: Iterable[str] | None = None,
        band_edges_m: Sequence[float] = DEFAULT_BAND_EDGES_M,
    ) -> None:
        self.index = demand_index(demand)
        units = select_units(units, classifications)
        if len(units) == 0:
            raise ValueError("a coverage scenario needs at least one unit to start from")
        if units["unit_id"].duplicated().any():
            raise ValueError("unit_id must be unique to close units by id")
        self.radius_m = float(radius_m)
        self.band_edges_m = tuple(band_edges_m)
        self.reach_m = max(self.radius_m, self.band_edges_m[-1])
        self._unit_tree = cKDTree(metric_coordinates(units, "units"))
        self._unit_position = {unit_id: position for position, unit_id in enumerate(units["unit_id"])}
        self._nearest_distance, self._nearest_position = self._unit_tree.query(self.index.xy)
        order = np.argsort(self._nearest_position, kind="stable")
        starts = np.searchsorted(self._nearest_position[order], np.arange(len(units) + 1))
        self._members = [order[starts[i]:starts[i + 1]] for i in range(len(units))]

        self.group_children = {name: self.index.totals(self.index.children, name) for name in GROUPS}
        self.band_labels = pd.Index(band_labels(self.band_edges_m), name="distance_band")
        self._covered = self._nearest_distance <= self.radius_m
        self._band = distance_band_index(self._nearest_distance, self.band_edges_m)
        self._edges = np.asarray(self.band_edges_m, dtype=float)
        covered_children = np.where(self._covered, self.index.children, 0.0)
        self.baseline_covered = {name: self.index.totals(covered_children, name) for name in GROUPS}
        self.baseline_bands = np.bincount(self._band, weights=self.index.children, minlength=len(self.band_labels))

    def delta(self, add: gpd.GeoSeries | gpd.GeoDataFrame | np.ndarray | None = None,
              close: Iterable = ()) -> ScenarioDelta:
        """Every coverage figure before and after opening units at ``add`` and closing ``close``.

        ``add`` is a GeoSeries or GeoDataFrame of points with a CRS, or an (n, 2) array of EPSG:3006 metres;
        ``close`` holds unit ids. Only the demand within reach of an added unit, and the areas whose nearest unit
        closes, are looked at: one radius query on the prebuilt demand tree per added unit.
        """
        affected, distance = self._closing(self._closed_positions(close))
        added_xy = self._added_xy(add)
        if len(added_xy):
            found = self.index.tree.query_ball_point(added_xy, self.reach_m, return_sorted=False)
            near = np.concatenate([np.asarray(indices, dtype=np.intp) for indices in found])
            if len(affected) == 0 and len(added_xy) == 1:
                candidates, current = near, self._nearest_distance[near]  # one query: no area twice
            else:
                candidates = np.union1d(near, affected)
                current = self._nearest_distance[candidates]
                current[np.searchsorted(candidates, affected)] = distance
            if len(added_xy) <= DIRECT_DISTANCE_MAX_ADDED:
                offsets = self.index.xy[candidates, None, :] - added_xy[None, :, :]
                to_added = np.sqrt(np.einsum("ijk,ijk->ij", offsets, offsets)).min(axis=1)
            else:
                to_added = cKDTree(added_xy).query(self.index.xy[candidates])[0]
            affected, distance = candidates, np.minimum(current, to_added)

        covered = distance <= self.radius_m
        band = np.searchsorted(self._edges, distance, side="left")  # = distance_band_index, edges checked once
        moved = (covered != self._covered[affected]) | (band != self._band[affected])
        affected, covered, band = affected[moved], covered[moved], band[moved]
        children = self.index.children[affected]
        gained = (covered.astype(float) - self._covered[affected]) * children
        covered_after = {}
        for name in GROUPS:
            after = self.baseline_covered[name].copy()
            np.add.at(after, self.index.group_codes[name][affected], gained)
            covered_after[name] = after
        bands_after = self.baseline_bands.copy()
        np.add.at(bands_after, band, children)
        np.subtract.at(bands_after, self._band[affected], children)
        return ScenarioDelta(self, covered_after, bands_after, int(len(affected)))

    @staticmethod
    def _added_xy(add) -> np.ndarray:
        if add is None:
            return np.empty((0, 2))
        if isinstance(add, np.ndarray):
            added = np.asarray(add, dtype=float)
            if added.ndim != 2 or added.shape[1] != 2 or not np.isfinite(added).all():
                raise ValueError(f"added units as an array must be (n, 2) finite EPSG:3006 metres, not shape "
                                 f"{added.shape}")
            return added
        return metric_coordinates(add, "added units") if len(add) else np.empty((0, 2))

    def _closed_positions(self, close: Iterable) -> np.ndarray:
        return np.array([self._position_of(unit_id) for unit_id in close], dtype=np.intp)

    def _closing(self, closed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The areas whose nearest unit closes (sorted) and their distance to the nearest remaining unit."""
        if len(closed) == 0:
            return np.empty(0, dtype=np.intp), np.empty(0)
        affected = np.sort(np.concatenate([self._members[position] for position in closed]))
        if len(affected) == 0:
            return affected, np.empty(0)
        neighbours = min(len(closed) + 1, self._unit_tree.n)
        distance, position = self._unit_tree.query(self.index.xy[affected], k=[*range(1, neighbours + 1)])
        distance = np.where(np.isin(position, closed), np.inf, distance)
        return affected, distance.min(axis=1)

    def _position_of(self, unit_id) -> int:
        try:
            return self._unit_position[unit_id]
        except KeyError:
            raise ValueError(f"unit {unit_id!r} is not among this scenario's units") from None


def _before_after(labels: pd.Index, children: np.ndarray, before: np.ndarray, after: np.ndarray) -> pd.DataFrame:
    with np.errstate(divide="ignore", invalid="ignore"):
        share_before = np.where(children > 0, before / children, np.nan)
        share_after = np.where(children > 0, after / children, np.nan)
    return pd.DataFrame(
        {
            "children_0_5": children,
            "children_covered_before": before,
            "children_covered_after": after,
            "children_covered_change": after - before,
            "share_covered_before": share_before,
            "share_covered_after": share_after,
            "share_covered_change": share_after - share_before,
        },
        index=labels,
    )
