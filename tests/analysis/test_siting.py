import itertools

import geopandas as gpd
import numpy as np
import pulp
import pytest
import shapely
from spopt.locate import MCLP

from fcatlas.analysis.siting import (
    compare_heuristic_with_exact,
    demand_weights,
    solve_mclp,
    solve_p_median,
)


def candidate_layer(layers, offsets_m):
    offsets_m = np.asarray(offsets_m, dtype=float).reshape(-1, 2)
    return gpd.GeoDataFrame(
        {"site_id": [f"C{i}" for i in range(len(offsets_m))]},
        geometry=shapely.points(offsets_m + layers.origin),
        crs="EPSG:3006",
    )


def line_instance(layers):
    # Radius 1 000 m. Weights: A0 110, A1 50, A2 96 children × 1.25 (vulnerable) = 120, A3 30.
    # The existing unit covers A3. C0 covers A0; C1 covers A0 and A1 (both at exactly 1 000 m);
    # C2 covers A1 and A2; C3 covers only A3.
    demand = layers.demand(
        [(0, 0), (2_000, 0), (4_000, 0), (10_000, 0)], [110, 50, 96, 30], categories=[None, None, "vulnerable", None]
    )
    existing = layers.units([(10_000, 500)])
    candidates = candidate_layer(layers, [(0, 0), (1_000, 0), (3_000, 0), (10_000, 0)])
    return demand, candidates, existing


def random_instance(layers, seed, n_candidates=12):
    demand, units = layers.random(seed, n_demand=80, n_units=3)
    rng = np.random.default_rng(seed)
    candidates = candidate_layer(layers, rng.uniform(0, 40_000, (n_candidates, 2)))
    return demand, candidates, units


def brute_force_p_median(demand, candidates, existing, p):
    weight = demand_weights(demand).to_numpy()
    demand_xy = shapely.get_coordinates(demand.geometry.values)
    site_xy = shapely.get_coordinates(candidates.geometry.values)
    to_site = np.hypot(*(demand_xy[:, None, :] - site_xy[None, :, :]).transpose(2, 0, 1))
    to_existing = np.full(len(demand), np.inf)
    if existing is not None:
        existing_xy = shapely.get_coordinates(existing.geometry.values)
        to_existing = np.hypot(*(demand_xy[:, None, :] - existing_xy[None, :, :]).transpose(2, 0, 1)).min(axis=1)
    return min(
        weight @ np.minimum(to_existing, to_site[:, list(chosen)].min(axis=1))
        for chosen in itertools.combinations(range(len(candidates)), p)
    )


def test_demand_weight_is_children_times_the_vulnerability_multiplier(layers):
    demand = layers.demand([(0, 0)] * 4, [10, 10, 10, 10], categories=["especially_vulnerable", "risk", "vulnerable", None])

    assert demand_weights(demand).tolist() == [20.0, 15.0, 12.5, 10.0]
    assert demand_weights(demand, {"risk": 3.0}).tolist() == [10.0, 30.0, 10.0, 10.0]


@pytest.mark.parametrize("method", ["greedy", "highs"])
def test_mclp_picks_the_site_covering_the_most_weighted_demand(layers, method):
    demand, candidates, existing = line_instance(layers)

    result = solve_mclp(demand, candidates, existing, p=1, radius_m=1_000, method=method)

    # C2 newly covers A1 + A2 = 50 + 120 = 170; with the existing unit's 30 the objective is 200.
    assert result.site_ids == ("C2",)
    assert result.objective == 200.0
    assert result.demand_by_site.to_dict() == {"C2": 170.0}


@pytest.mark.parametrize("method", ["greedy", "highs"])
def test_mclp_does_not_count_demand_the_existing_units_already_cover(layers, method):
    demand, candidates, existing = line_instance(layers)

    result = solve_mclp(demand, candidates, existing, p=2, radius_m=1_000, method=method)

    # Best pair covers A0, A1, A2: 110 + 50 + 120 = 280, plus 30 existing = 310. C3 adds nothing.
    assert result.objective == 310.0
    assert "C3" not in result.site_ids
    assert sum(result.demand_by_site) == 280.0


def test_greedy_mclp_swaps_its_way_out_of_the_greedy_trap(layers):
    # Radius 1 000 m. M covers a and b (6 + 6 = 12), L covers c and a (5 + 6), R covers b and d (6 + 5).
    # Plain greedy takes M, then L: 17. Swapping M for R gives L + R = 22, the optimum.
    demand = layers.demand([(0, 0), (1_500, 0), (-1_500, 0), (3_000, 0)], [6, 6, 5, 5])
    candidates = candidate_layer(layers, [(750, 0), (-750, 0), (2_250, 0)])

    result = solve_mclp(demand, candidates, None, p=2, radius_m=1_000, method="greedy")

    assert sorted(result.site_ids) == ["C1", "C2"]
    assert result.objective == 22.0


def test_greedy_p_median_swaps_its_way_out_of_the_greedy_trap(layers):
    # Demand 10 at 0 m, 1 at 5 000 m, 10 at 10 000 m; candidates at 5 000, 0 and 10 000 m.
    # Plain greedy takes the middle (cost 100 000), then an end: 50 000. Swapping the middle for
    # the other end gives 1 × 5 000 = 5 000, the optimum.
    demand = layers.demand([(0, 0), (5_000, 0), (10_000, 0)], [10, 1, 10])
    candidates = candidate_layer(layers, [(5_000, 0), (0, 0), (10_000, 0)])

    result = solve_p_median(demand, candidates, None, p=2, method="greedy")

    assert sorted(result.site_ids) == ["C1", "C2"]
    assert result.objective == pytest.approx(5_000.0)


def test_mclp_without_existing_units_counts_only_the_new_sites(layers):
    demand, candidates, _ = line_instance(layers)

    result = solve_mclp(demand, candidates, None, p=1, radius_m=1_000, method="highs")

    assert result.objective == 170.0


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # PuLP 3 announcing its 4.0 API
@pytest.mark.parametrize("seed", [1, 2])
def test_exact_mclp_matches_spopt_with_cbc(layers, seed):
    demand, candidates, existing = random_instance(layers, seed, n_candidates=15)
    p, radius_m = 3, 5_000

    ours = solve_mclp(demand, candidates, existing, p=p, radius_m=radius_m, method="highs")

    demand_xy = shapely.get_coordinates(demand.geometry.values)
    facility_xy = np.vstack([shapely.get_coordinates(g.geometry.values) for g in (candidates, existing)])
    cost = np.hypot(*(demand_xy[:, None, :] - facility_xy[None, :, :]).transpose(2, 0, 1))
    predefined = np.r_[np.zeros(len(candidates)), np.ones(len(existing))].astype(int)
    peer = MCLP.from_cost_matrix(
        cost, demand_weights(demand).to_numpy(), radius_m, p + len(existing), predefined_facilities_arr=predefined
    ).solve(pulp.PULP_CBC_CMD(msg=False))

    assert ours.proven_optimal
    assert ours.objective == pytest.approx(pulp.value(peer.problem.objective), rel=1e-9)


@pytest.mark.parametrize("seed", [3, 4, 5, 6])
def test_greedy_mclp_is_close_to_the_exact_optimum(layers, seed):
    demand, candidates, existing = random_instance(layers, seed)

    comparison = compare_heuristic_with_exact(solve_mclp, demand, candidates, existing, 3, 4_000)

    assert comparison.exact.proven_optimal
    assert comparison.heuristic.objective <= comparison.exact.objective + 1e-9
    expected_gap = (comparison.exact.objective - comparison.heuristic.objective) / comparison.exact.objective
    assert comparison.gap == pytest.approx(expected_gap, abs=1e-15)
    assert 0 <= comparison.gap <= 0.05


def test_p_median_picks_the_site_that_shortens_the_heaviest_trip(layers):
    # Existing unit at A0. C0 is 1 000 m from A1 (weight 20), C1 5 000 m.
    demand = layers.demand([(0, 0), (10_000, 0)], [10, 20])
    existing = layers.units([(0, 0)])
    candidates = candidate_layer(layers, [(9_000, 0), (5_000, 0)])

    for method in ("greedy", "highs"):
        result = solve_p_median(demand, candidates, existing, p=1, method=method)
        # 10 × 0 m + 20 × 1 000 m = 20 000 weight·m; A1 is now served by C0.
        assert result.site_ids == ("C0",)
        assert result.objective == pytest.approx(20_000.0)
        assert result.demand_by_site.to_dict() == {"C0": 20.0}


@pytest.mark.parametrize(("seed", "with_existing"), [(7, True), (8, True), (9, False), (10, False)])
def test_exact_p_median_matches_brute_force_and_bounds_the_greedy(layers, seed, with_existing):
    demand, candidates, existing = random_instance(layers, seed, n_candidates=10)
    existing = existing if with_existing else None

    comparison = compare_heuristic_with_exact(solve_p_median, demand, candidates, existing, 3)

    assert comparison.exact.objective == pytest.approx(brute_force_p_median(demand, candidates, existing, 3), rel=1e-9)
    assert comparison.heuristic.objective >= comparison.exact.objective * (1 - 1e-12)
    assert 0 <= comparison.gap <= 0.05


def test_it_rejects_more_sites_than_candidates(layers):
    demand, candidates, existing = line_instance(layers)

    with pytest.raises(ValueError, match="p must be between 1 and the number of candidates"):
        solve_mclp(demand, candidates, existing, p=5, radius_m=1_000)


def test_it_needs_a_site_id_on_the_candidates(layers):
    demand, candidates, existing = line_instance(layers)

    with pytest.raises(ValueError, match="'site_id'"):
        solve_p_median(demand, candidates.drop(columns="site_id"), existing, p=1)
