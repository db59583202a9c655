import numpy as np
import pandas as pd
import pytest
import shapely
from access import Access, weights

from fcatlas.analysis.accessibility import (
    GaussianDecay,
    StepDecay,
    enhanced_two_step_fca,
    two_step_fca,
)


def hand_case(layers):
    # Demand A (0, 0) 100 children, B (2 000, 0) 300, C (20 000, 0) 50.
    # U0 at (1 500, 0) capacity 1, U1 at (2 500, 0) capacity 2.
    # Distances: A–U0 1 500 (= radius), B–U0 500, B–U1 500; A–U1 2 500 and C are out of reach.
    demand = layers.demand([(0, 0), (2_000, 0), (20_000, 0)], [100, 300, 50])
    units = layers.units([(1_500, 0), (2_500, 0)])
    units["capacity"] = [1.0, 2.0]
    return demand, units


def test_two_step_fca_divides_supply_by_the_demand_in_reach_and_sums_it_back(layers):
    demand, units = hand_case(layers)

    access = two_step_fca(demand, units, radius_m=1_500, supply_column="capacity")

    # R0 = 1 / (100 + 300) = 0.0025; R1 = 2 / 300.
    # A = R0 = 0.0025; B = R0 + R1 = 0.0025 + 0.00666… ; C = 0 (nothing in reach).
    assert access.tolist() == pytest.approx([0.0025, 0.0025 + 2 / 300, 0.0])


def test_enhanced_two_step_fca_weights_pairs_by_step_and_includes_the_step_edge(layers):
    demand, units = hand_case(layers)

    access = enhanced_two_step_fca(demand, units, StepDecay(((600, 1.0), (1_500, 0.25))), supply_column="capacity")

    # A–U0 at exactly 1 500 m weighs 0.25; B–U0 and B–U1 (500 m) weigh 1.
    # R0 = 1 / (0.25·100 + 300) = 1/325; R1 = 2/300.
    # A = 0.25/325 ≈ 0.000769231; B = 1/325 + 2/300 ≈ 0.009743590; C = 0.
    assert access.tolist() == pytest.approx([0.25 / 325, 1 / 325 + 2 / 300, 0.0])


def test_it_counts_one_unit_of_supply_per_unit_without_a_supply_column(layers):
    demand, units = hand_case(layers)

    access = two_step_fca(demand, units, radius_m=1_500)

    # R0 = 1/400, R1 = 1/300 → B = 1/400 + 1/300.
    assert access.iloc[1] == pytest.approx(1 / 400 + 1 / 300)


def test_step_decay_gives_zero_beyond_the_last_step():
    decay = StepDecay(((2_000, 0.68), (1_000, 1.0)))

    assert decay(np.array([0.0, 1_000.0, 1_000.5, 2_000.0, 2_000.5])).tolist() == [1.0, 1.0, 0.68, 0.68, 0.0]
    assert decay.reach_m == 2_000.0


def test_gaussian_decay_is_one_at_zero_and_exp_minus_a_half_at_sigma():
    decay = GaussianDecay(sigma_m=1_000)

    assert decay(np.array([0.0, 1_000.0])).tolist() == pytest.approx([1.0, np.exp(-0.5)])


def test_a_gaussian_decay_needs_a_radius(layers):
    demand, units = hand_case(layers)

    with pytest.raises(ValueError, match="finite radius_m"):
        enhanced_two_step_fca(demand, units, GaussianDecay(1_000))


def pysal_access(demand, units, **method_kwargs):
    """PySAL ``access`` on the same EPSG:3006 straight-line distances, as a NumPy array."""
    demand_xy = shapely.get_coordinates(demand.to_crs(3006).geometry.values)
    unit_xy = shapely.get_coordinates(units.to_crs(3006).geometry.values)
    distance = np.hypot(demand_xy[:, None, 0] - unit_xy[None, :, 0], demand_xy[:, None, 1] - unit_xy[None, :, 1])
    n, m = distance.shape
    model = Access(
        demand_df=pd.DataFrame({"children": demand["children_0_5"].to_numpy()}, index=pd.Index(np.arange(n), name="geoid")),
        demand_value="children",
        supply_df=pd.DataFrame({"capacity": units["capacity"].to_numpy()}, index=pd.Index(np.arange(m), name="geoid")),
        supply_value="capacity",
        cost_df=pd.DataFrame({"origin": np.repeat(np.arange(n), m), "dest": np.tile(np.arange(m), n), "cost": distance.ravel()}),
        cost_origin="origin",
        cost_dest="dest",
        cost_name="cost",
    )
    method = method_kwargs.pop("method")
    result = getattr(model, method)(name="peer", **method_kwargs)["peer_capacity"]
    # access leaves areas with no unit in reach as NaN; we report 0 there.
    return result.reindex(np.arange(n)).fillna(0.0).to_numpy()


def random_supply(layers, seed):
    demand, units = layers.random(seed, n_demand=150, n_units=20)
    demand = demand[demand["children_0_5"] > 0]
    units["capacity"] = np.random.default_rng(seed).integers(1, 6, len(units)).astype(float)
    return demand, units


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_two_step_fca_matches_pysal_access(layers, seed):
    demand, units = random_supply(layers, seed)

    ours = two_step_fca(demand.to_crs(4326), units.to_crs(4326), radius_m=6_000, supply_column="capacity")
    peer = pysal_access(demand, units, method="two_stage_fca", max_cost=6_000)

    assert np.abs(ours.to_numpy() - peer).max() <= 1e-9
    assert (peer > 0).sum() > len(peer) // 2  # the comparison is not vacuous


@pytest.mark.parametrize("seed", [4, 5])
def test_step_e2sfca_matches_pysal_access(layers, seed):
    demand, units = random_supply(layers, seed)
    steps = ((2_000, 1.0), (5_000, 0.68), (8_000, 0.22))

    ours = enhanced_two_step_fca(demand, units, StepDecay(steps), supply_column="capacity")
    peer = pysal_access(demand, units, method="enhanced_two_stage_fca", weight_fn=weights.step_fn(dict(steps)))

    assert np.abs(ours.to_numpy() - peer).max() <= 1e-9


@pytest.mark.parametrize("seed", [6, 7])
def test_gaussian_e2sfca_matches_pysal_access(layers, seed):
    demand, units = random_supply(layers, seed)

    ours = enhanced_two_step_fca(demand, units, GaussianDecay(3_000), radius_m=9_000, supply_column="capacity")
    peer = pysal_access(
        demand, units, method="enhanced_two_stage_fca", weight_fn=weights.gaussian(3_000), max_cost=9_000
    )

    assert np.abs(ours.to_numpy() - peer).max() <= 1e-9


def test_normalised_two_step_fca_matches_pysal_access(layers):
    demand, units = random_supply(layers, 8)

    ours = two_step_fca(demand, units, radius_m=6_000, supply_column="capacity", normalize=True)
    peer = pysal_access(demand, units, method="two_stage_fca", max_cost=6_000, normalize=True)

    assert np.abs(ours.to_numpy() - peer).max() <= 1e-9
    # Normalised scores average to 1 over the children.
    assert np.average(ours, weights=demand["children_0_5"]) == pytest.approx(1.0)
