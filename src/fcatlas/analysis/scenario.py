"""What-if coverage: "add a unit here / close this one" → the change in every coverage figure.

:class:`CoverageScenario` precomputes, once, each demand area's nearest unit and distance
(EPSG:3006 metres), a KD-tree of the units and integer group codes; a change is then answered
with array arithmetic and ``np.bincount`` (well under a millisecond of numerics nationally). The
figures are exactly those of :mod:`fcatlas.analysis.coverage` recomputed on the changed units.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from fcatlas.analysis.coverage import (
    DEFAULT_BAND_EDGES_M,
    DEMAND_COLUMNS,
    GROUPINGS,
    VULNERABILITY_CLASSES,
    band_labels,
    distance_band_index,
    metric_coordinates,
    require_columns,
    select_units,
    vulnerability_class,
)


@dataclass(frozen=True)
class ScenarioDelta:
    """Coverage before and after a change; each frame has ``*_before``, ``*_after``, ``*_change``.

    ``national``, ``municipality``, ``region`` and ``vulnerability`` carry children 0–5 covered
    within the radius and the covered share (0–1); ``distance_band`` carries children 0–5 and their
    share per band of distance to the nearest unit. ``changed_areas`` counts demand areas whose
    nearest-unit distance changed.
    """

    national: pd.DataFrame
    municipality: pd.DataFrame
    region: pd.DataFrame
    vulnerability: pd.DataFrame
    distance_band: pd.DataFrame
    changed_areas: int


class CoverageScenario:
    """Baseline coverage of ``demand`` by ``units`` within ``radius_m`` metres, ready for what-ifs.

    ``classifications`` restricts which units count (as in :func:`coverage.area_coverage`).
    """

    def __init__(
        self,
        demand: gpd.GeoDataFrame,
        units: gpd.GeoDataFrame,
        radius_m: float,
        classifications: Iterable[str] | None = None,
        band_edges_m: Sequence[float] = DEFAULT_BAND_EDGES_M,
    ) -> None:
        require_columns(demand, DEMAND_COLUMNS, "demand")
        units = select_units(units, classifications)
        if len(units) == 0:
            raise ValueError("a coverage scenario needs at least one unit to start from")
        if units["unit_id"].duplicated().any():
            raise ValueError("unit_id must be unique to close units by id")
        self.radius_m = float(radius_m)
        self.band_edges_m = tuple(band_edges_m)
        self._demand_xy = metric_coordinates(demand, "demand")
        self._children = demand["children_0_5"].to_numpy(dtype=float)
        self._unit_tree = cKDTree(metric_coordinates(units, "units"))
        self._unit_position = {unit_id: position for position, unit_id in enumerate(units["unit_id"])}
        self._nearest_distance, self._nearest_position = self._unit_tree.query(self._demand_xy)

        group_values = {
            "municipality": demand["municipality_code"].to_numpy(),
            "region": demand["region_code"].to_numpy(),
        }
        self._group_codes: dict[str, np.ndarray] = {}
        self._group_labels: dict[str, pd.Index] = {}
        for name, values in group_values.items():
            labels, codes = np.unique(values.astype(str), return_inverse=True)
            self._group_codes[name] = codes
            self._group_labels[name] = pd.Index(labels, name=GROUPINGS[name])
        classes = pd.Categorical(vulnerability_class(demand), categories=VULNERABILITY_CLASSES)
        self._group_codes["vulnerability"] = classes.codes.astype(np.intp)
        self._group_labels["vulnerability"] = pd.Index(VULNERABILITY_CLASSES, name=GROUPINGS["vulnerability"])
        self._group_codes["national"] = np.zeros(len(self._children), dtype=np.intp)
        self._group_labels["national"] = pd.Index(["SE"], name="country")
        self._group_children = {
            name: np.bincount(codes, weights=self._children, minlength=len(self._group_labels[name]))
            for name, codes in self._group_codes.items()
        }
        self._band_labels = pd.Index(band_labels(self.band_edges_m), name="distance_band")
        self._baseline_covered = self._covered_children(self._nearest_distance)
        self._baseline_bands = self._band_children(self._nearest_distance)

    def nearest_distance_after(
        self, add: gpd.GeoSeries | gpd.GeoDataFrame | None = None, close: Iterable = ()
    ) -> np.ndarray:
        """Each demand area's nearest-unit distance (m) once ``close`` (unit ids) shut and ``add`` open."""
        distance = self._nearest_distance
        closed = np.array([self._position_of(unit_id) for unit_id in close], dtype=np.intp)
        if len(closed):
            distance = distance.copy()
            affected = np.flatnonzero(np.isin(self._nearest_position, closed))
            if len(affected):
                neighbours = min(len(closed) + 1, self._unit_tree.n)
                candidate_distance, candidate_position = self._unit_tree.query(
                    self._demand_xy[affected], k=[*range(1, neighbours + 1)]
                )
                candidate_distance = np.where(np.isin(candidate_position, closed), np.inf, candidate_distance)
                distance[affected] = candidate_distance.min(axis=1)
        if add is not None and len(add):
            added_xy = metric_coordinates(add, "added units")
            to_added = np.hypot(
                self._demand_xy[:, 0, None] - added_xy[None, :, 0], self._demand_xy[:, 1, None] - added_xy[None, :, 1]
            ).min(axis=1)
            distance = np.minimum(distance, to_added)
        return distance

    def delta(self, add: gpd.GeoSeries | gpd.GeoDataFrame | None = None, close: Iterable = ()) -> ScenarioDelta:
        """Every coverage figure before and after opening units at ``add`` and closing ``close``.

        ``add`` is a GeoSeries or GeoDataFrame of points with a CRS; ``close`` holds unit ids.
        """
        distance = self.nearest_distance_after(add, close)
        covered = self._covered_children(distance)
        frames = {
            name: _before_after(
                self._group_labels[name],
                self._group_children[name],
                self._baseline_covered[name],
                covered[name],
            )
            for name in ("national", *GROUPINGS)
        }
        before_bands, after_bands = self._baseline_bands, self._band_children(distance)
        total = self._children.sum()
        bands = pd.DataFrame(
            {
                "children_0_5_before": before_bands,
                "children_0_5_after": after_bands,
                "children_0_5_change": after_bands - before_bands,
                "share_before": before_bands / total if total > 0 else np.nan,
                "share_after": after_bands / total if total > 0 else np.nan,
            },
            index=self._band_labels,
        )
        bands["share_change"] = bands["share_after"] - bands["share_before"]
        return ScenarioDelta(
            **frames,
            distance_band=bands,
            changed_areas=int(np.count_nonzero(distance != self._nearest_distance)),
        )

    def _position_of(self, unit_id) -> int:
        try:
            return self._unit_position[unit_id]
        except KeyError:
            raise ValueError(f"unit {unit_id!r} is not among this scenario's units") from None

    def _covered_children(self, distance: np.ndarray) -> dict[str, np.ndarray]:
        covered = np.where(distance <= self.radius_m, self._children, 0.0)
        return {
            name: np.bincount(codes, weights=covered, minlength=len(self._group_labels[name]))
            for name, codes in self._group_codes.items()
        }

    def _band_children(self, distance: np.ndarray) -> np.ndarray:
        band = distance_band_index(distance, self.band_edges_m)
        return np.bincount(band, weights=self._children, minlength=len(self._band_labels))


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
