"""National coverage time and scenario-delta time, on a demand layer built from real SCB localities.

Also holds :func:`national_inputs`, the shared benchmark inputs. Run: ``python benchmarks/bench_coverage.py``.
"""

from __future__ import annotations

import statistics
import time
from functools import cache
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from fcatlas.analysis.coverage import area_coverage, coverage_summary, distance_band_table
from fcatlas.analysis.scenario import CoverageScenario

DATA_DIR = Path(__file__).resolve().parents[1] / "data" / "pop"
SEED = 2025
CHILD_SHARE = 0.065
"""Children 0–5 as a share of population: a benchmark-only approximation."""
N_UNITS = 246
RADIUS_M = 2_000.0


@cache
def national_inputs(seed: int = SEED) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """(demand, units) in WGS 84: all 2 017 tätorter 2020 and 3 135 småorter 2015 as demand points,
    and 246 seeded-random units at tätort points (population-weighted)."""
    rng = np.random.default_rng(seed)
    tatorter = pd.read_csv(DATA_DIR / "tatorter_2020.csv", dtype={"kommun_kod": str, "lan_kod": str})
    smaorter = pd.read_csv(DATA_DIR / "smaorter_2015.csv", dtype={"kommun_kod": str, "lan_kod": str})
    places = pd.concat(
        [tatorter.assign(area_id=tatorter["tatort_kod"]), smaorter.assign(area_id=smaorter["smaort_kod"])],
        ignore_index=True,
    )
    # A few seeded large-town points stand in for the Police's vulnerable areas.
    category = np.full(len(places), None, dtype=object)
    large = np.flatnonzero(places["folkmangd"].to_numpy() > 20_000)
    flagged = rng.choice(large, size=min(60, len(large)), replace=False)
    category[flagged] = rng.choice(["especially_vulnerable", "risk", "vulnerable"], size=len(flagged))
    demand = gpd.GeoDataFrame(
        {
            "area_id": places["area_id"].astype(str),
            "municipality_code": places["kommun_kod"].str.zfill(4),
            "region_code": places["lan_kod"].str.zfill(2),
            "population": places["folkmangd"].astype(float),
            "children_0_5": places["folkmangd"].astype(float) * CHILD_SHARE,
            "vulnerable_category": category,
            "area_type": pd.array([pd.NA] * len(places), dtype="Int64"),
        },
        geometry=gpd.points_from_xy(places["x_sweref99tm"], places["y_sweref99tm"]),
        crs="EPSG:3006",
    ).to_crs("EPSG:4326")
    weights = tatorter["folkmangd"].to_numpy(dtype=float)
    at = rng.choice(len(tatorter), size=N_UNITS, replace=False, p=weights / weights.sum())
    units = gpd.GeoDataFrame(
        {
            "unit_id": [f"U{i:03d}" for i in range(N_UNITS)],
            "classification": rng.choice(["family_centre", "similar_service", "not_qualifying"], N_UNITS, p=[0.8, 0.15, 0.05]),
        },
        geometry=gpd.points_from_xy(tatorter["x_sweref99tm"].to_numpy()[at], tatorter["y_sweref99tm"].to_numpy()[at]),
        crs="EPSG:3006",
    ).to_crs("EPSG:4326")
    return demand, units


def median_seconds(function, repeats: int) -> float:
    """Median wall time of ``repeats`` calls, after one warm-up call."""
    function()
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def national_coverage(demand, units):
    table = area_coverage(demand, units, RADIUS_M, classifications=("family_centre",))
    return coverage_summary(table), distance_band_table(table)


def run() -> list[dict]:
    demand, units = national_inputs()
    return coverage_rows(demand, units, "SCB localities")


def coverage_rows(demand: gpd.GeoDataFrame, units: gpd.GeoDataFrame, layer: str) -> list[dict]:
    """National coverage and scenario-delta times on one demand layer."""
    coverage_s = median_seconds(lambda: national_coverage(demand, units), repeats=20)

    scenario = CoverageScenario(demand, units, RADIUS_M, classifications=("family_centre",))
    rng = np.random.default_rng(SEED)
    sites = demand.geometry.iloc[rng.choice(len(demand), 50, replace=False)]
    family_centres = units.loc[units["classification"] == "family_centre", "unit_id"].to_numpy()
    closures = rng.choice(family_centres, 50, replace=False)
    add_times, close_times = [], []
    scenario.delta(add=sites.iloc[[0]])  # warm-up
    for position, unit_id in enumerate(closures):
        started = time.perf_counter()
        scenario.delta(add=sites.iloc[[position]])
        add_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        scenario.delta(close=[unit_id])
        close_times.append(time.perf_counter() - started)
    rows = [
        {
            "benchmark": f"national coverage, {layer} ({len(demand):,} areas, {len(units)} units)",
            "ours": f"{coverage_s * 1e3:.1f} ms",
            "peer": "—",
            "ratio": "—",
            "target": "≤ 50 ms",
            "met": coverage_s <= 0.050,
        }
    ]
    for label, times in (("add a unit", add_times), ("close a unit", close_times)):
        delta_s = statistics.median(times)
        rows.append(
            {
                "benchmark": f"scenario delta, {layer}: {label} (median of 50; peer = recompute)",
                "ours": f"{delta_s * 1e3:.2f} ms",
                "peer": f"{coverage_s * 1e3:.1f} ms",
                "ratio": f"{coverage_s / delta_s:.0f}× faster",
                "target": "≤ 20 ms",
                "met": delta_s <= 0.020,
            }
        )
    return rows


if __name__ == "__main__":
    from run_all import print_table

    print_table(run())
