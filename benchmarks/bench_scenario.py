"""Scenario deltas at the physical limit: ``CoverageScenario.delta`` for one added unit, 50 added units and one
closed unit, on the shipped SCB layer and on a 1 M-point grid over Sweden, against two references: the same
figures computed in the plainest NumPy (one radius query, the new distances of what it finds, one ``bincount``
per figure) and the least any delta can do (one KD-tree ball query and a sum).

Run: ``python benchmarks/bench_scenario.py`` (about a minute; ``--skip-grid`` leaves out the 1 M grid).
"""

from __future__ import annotations

import statistics
import sys
import time

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from bench_coverage import RADIUS_M, SEED, national_inputs
from bench_small_areas import shipped
from scipy.spatial import cKDTree

from fcatlas.analysis.coverage import DemandIndex
from fcatlas.analysis.scenario import GROUPS, CoverageScenario

REPEATS = 50
TARGET_RATIO = 3.0
GRID_POINTS = 1_000_000
SWEDEN_3006 = (265_000, 6_130_000, 920_000, 7_680_000)


def median_ms(function, arguments) -> float:
    times = []
    for argument in arguments:
        started = time.perf_counter()
        function(argument)
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1e3


class Reference:
    """The same figures as a delta, computed as plainly as NumPy allows from the same prepared inputs."""

    def __init__(self, index: DemandIndex, units_xy: np.ndarray, radius_m: float, edges: tuple[float, ...]):
        self.index, self.radius_m, self.edges = index, radius_m, np.asarray(edges, dtype=float)
        self.reach_m = max(radius_m, edges[-1])
        self.unit_tree = cKDTree(units_xy)
        self.nearest, self.nearest_unit = self.unit_tree.query(index.xy)

    def figures(self, found: np.ndarray, before: np.ndarray, after: np.ndarray) -> tuple[dict, np.ndarray]:
        children = self.index.children[found]
        gained = ((after <= self.radius_m).astype(float) - (before <= self.radius_m)) * children
        covered = {name: np.bincount(self.index.group_codes[name][found], weights=gained,
                                     minlength=len(self.index.group_labels[name])) for name in GROUPS}
        bands = (np.bincount(np.searchsorted(self.edges, after), weights=children, minlength=len(self.edges) + 1)
                 - np.bincount(np.searchsorted(self.edges, before), weights=children, minlength=len(self.edges) + 1))
        return covered, bands

    def add(self, sites_xy: np.ndarray):
        found = np.unique(np.concatenate([np.asarray(hits, dtype=np.intp) for hits in
                                          self.index.tree.query_ball_point(sites_xy, self.reach_m)]))
        before = self.nearest[found]
        after = np.minimum(before, cKDTree(sites_xy).query(self.index.xy[found])[0])
        return self.figures(found, before, after)

    def close(self, position: int):
        found = np.flatnonzero(self.nearest_unit == position)
        distance, which = self.unit_tree.query(self.index.xy[found], k=2)
        after = np.where(which[:, 0] == position, distance[:, 1], distance[:, 0])
        return self.figures(found, self.nearest[found], after)

    def least(self, sites_xy: np.ndarray) -> float:
        found = np.concatenate([np.asarray(hits, dtype=np.intp) for hits in
                                self.index.tree.query_ball_point(sites_xy, self.radius_m)])
        return float(self.index.children[found[self.nearest[found] > self.radius_m]].sum())


def rows_for(label: str, index: DemandIndex, units: gpd.GeoDataFrame, rng: np.random.Generator) -> list[dict]:
    scenario = CoverageScenario(index, units, RADIUS_M)
    reference = Reference(index, shapely.get_coordinates(units.geometry.values), RADIUS_M, scenario.band_edges_m)
    sites = index.xy[rng.choice(len(index), REPEATS, replace=False)]
    one_site = [sites[[i]] for i in range(REPEATS)]
    fifty = [index.xy[rng.choice(len(index), 50, replace=False)] for _ in range(10)]
    closed = rng.choice(len(units), REPEATS, replace=False)
    unit_ids = units["unit_id"].to_numpy()

    check = scenario.delta(add=fifty[0], close=[])
    covered, bands = reference.add(fifty[0])
    assert np.allclose(check._covered_after["municipality"] - scenario.baseline_covered["municipality"],
                       covered["municipality"]), "the reference does not give the delta's figures"
    assert np.allclose(check._bands_after - scenario.baseline_bands, bands)

    cases = [
        ("add one unit", lambda xy: scenario.delta(add=xy).children_covered_national, reference.add, one_site),
        ("add 50 units", lambda xy: scenario.delta(add=xy).children_covered_national, reference.add, fifty),
        ("close one unit", lambda p: scenario.delta(close=[unit_ids[p]]).children_covered_national,
         reference.close, closed),
    ]
    rows = []
    for case, ours_function, reference_function, arguments in cases:
        ours_function(arguments[0])  # warm-up
        ours = median_ms(ours_function, arguments)
        plain = median_ms(reference_function, arguments)
        least = median_ms(reference.least, arguments) if case.startswith("add") else None
        rows.append({"benchmark": f"delta, {label}: {case}", "ours": f"{ours:.3f} ms",
                     "peer": f"plain {plain:.3f} ms" + (f"; ball query {least:.3f} ms" if least else ""),
                     "ratio": f"{ours / plain:.1f}× plain" + (f", {ours / least:.0f}× ball query" if least else ""),
                     "target": f"≤ {TARGET_RATIO:g}× plain", "met": ours <= TARGET_RATIO * plain})
    return rows


def grid_demand(rng: np.random.Generator) -> gpd.GeoDataFrame:
    """1 M demand points on a regular grid over Sweden's extent (about one a km²), 290 kommuner and 21 regions
    as bands of the grid, seeded children."""
    west, south, east, north = SWEDEN_3006
    side = int(np.sqrt(GRID_POINTS))
    x, y = np.meshgrid(np.linspace(west, east, side), np.linspace(south, north, side))
    count = x.size
    return gpd.GeoDataFrame({
        "area_id": np.arange(count), "children_0_5": rng.integers(0, 40, count).astype(float),
        "municipality_code": pd.Series(np.arange(count) * 290 // count).map("{:04d}".format),
        "region_code": pd.Series(np.arange(count) * 21 // count).map("{:02d}".format),
        "vulnerable_category": None,
    }, geometry=shapely.points(x.ravel(), y.ravel()), crs="EPSG:3006")


def run(skip_grid: bool = False) -> list[dict]:
    rng = np.random.default_rng(SEED)
    layer, _ = shipped()
    _, units = national_inputs()
    units = units.to_crs(3006)
    family_centres = units[units["classification"] == "family_centre"]
    rows = rows_for(f"SCB layer ({len(layer.points):,} points)", DemandIndex(layer.points.to_crs(3006)),
                    family_centres, rng)
    if not skip_grid:
        rows += rows_for(f"grid ({GRID_POINTS:,} points)", DemandIndex(grid_demand(rng)), family_centres, rng)
    return rows


if __name__ == "__main__":
    from run_all import print_table

    print_table(run(skip_grid="--skip-grid" in sys.argv))
