"""Our MCLP against spopt's MCLP (PuLP + CBC) on identical national inputs: time and objective ratios.

500 seeded candidate sites at tätort points, p = 20 new sites, radius 5 km, the family centres
among the benchmark units fixed open (spopt: ``predefined_facilities_arr``, p + existing
facilities). spopt is timed from the dense cost matrix (SciPy ``cdist``) through model building
and CBC, without its optional result tables; ours from the frames. Run: ``python benchmarks/bench_siting.py``.
"""

from __future__ import annotations

import time

import geopandas as gpd
import numpy as np
import pandas as pd
import pulp
import shapely
from bench_coverage import DATA_DIR, SEED, median_seconds, national_inputs
from scipy.spatial.distance import cdist
from spopt.locate import MCLP

from fcatlas.analysis.siting import demand_weights, solve_mclp

N_CANDIDATES = 500
P = 20
RADIUS_M = 5_000.0


def candidate_sites(seed: int = SEED) -> gpd.GeoDataFrame:
    tatorter = pd.read_csv(DATA_DIR / "tatorter_2020.csv")
    chosen = np.random.default_rng(seed + 1).choice(len(tatorter), N_CANDIDATES, replace=False)
    return gpd.GeoDataFrame(
        {"site_id": tatorter["tatort_kod"].to_numpy()[chosen]},
        geometry=gpd.points_from_xy(tatorter["x_sweref99tm"].to_numpy()[chosen], tatorter["y_sweref99tm"].to_numpy()[chosen]),
        crs="EPSG:3006",
    ).to_crs("EPSG:4326")


def spopt_mclp(demand, candidates, existing) -> float:
    demand_xy = shapely.get_coordinates(demand.to_crs(3006).geometry.values)
    facility_xy = np.vstack([shapely.get_coordinates(frame.to_crs(3006).geometry.values) for frame in (candidates, existing)])
    predefined = np.r_[np.zeros(len(candidates)), np.ones(len(existing))].astype(int)
    model = MCLP.from_cost_matrix(
        cdist(demand_xy, facility_xy),
        demand_weights(demand).to_numpy(),
        RADIUS_M,
        P + len(existing),
        predefined_facilities_arr=predefined,
    )
    model.solve(pulp.PULP_CBC_CMD(msg=False), results=False)
    return pulp.value(model.problem.objective)


def run() -> list[dict]:
    demand, units = national_inputs()
    existing = units[units["classification"] == "family_centre"]
    candidates = candidate_sites()

    started = time.perf_counter()
    peer_objective = spopt_mclp(demand, candidates, existing)
    peer_s = time.perf_counter() - started

    rows = []
    for method, label in (("greedy", "lazy greedy + swap"), ("highs", "exact, HiGHS")):
        ours_s = median_seconds(
            lambda: solve_mclp(demand, candidates, existing, P, RADIUS_M, method=method), repeats=5
        )
        objective = solve_mclp(demand, candidates, existing, P, RADIUS_M, method=method).objective
        objective_ratio = objective / peer_objective
        speedup = peer_s / ours_s
        rows.append(
            {
                "benchmark": (
                    f"MCLP {label} vs spopt/CBC ({len(demand):,} areas, {N_CANDIDATES} candidates, p={P}; "
                    f"objective {objective_ratio:.2%} of spopt's)"
                ),
                "ours": f"{ours_s * 1e3:.0f} ms",
                "peer": f"{peer_s:.1f} s",
                "ratio": f"{speedup:.0f}× faster",
                "target": "≥ 20×, objective ≥ 99.5 %",
                "met": bool(speedup >= 20 and objective_ratio >= 0.995),
            }
        )
    return rows


if __name__ == "__main__":
    from run_all import print_table

    print_table(run())
