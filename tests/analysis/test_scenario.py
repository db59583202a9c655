import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from fcatlas.analysis.coverage import area_coverage, coverage_summary, distance_band_table
from fcatlas.analysis.scenario import CoverageScenario

RADIUS_M = 4_000


def points(layers, offsets_m, crs="EPSG:3006"):
    return gpd.GeoSeries(shapely.points(np.asarray(offsets_m, dtype=float) + layers.origin), crs="EPSG:3006").to_crs(crs)


def assert_after_equals_recomputed(delta, demand, units_after, classifications=None):
    table = area_coverage(demand, units_after, RADIUS_M, classifications)
    summary = coverage_summary(table)
    for name in ("national", "municipality", "region", "vulnerability"):
        got, expected = getattr(delta, name), summary[name]
        pd.testing.assert_index_equal(got.index, expected.index)
        np.testing.assert_allclose(got["children_covered_after"], expected["children_covered"], rtol=1e-12)
        np.testing.assert_allclose(got["share_covered_after"], expected["share_covered"], rtol=1e-12)
    bands = distance_band_table(table)
    pd.testing.assert_index_equal(delta.distance_band.index, bands.index)
    np.testing.assert_allclose(delta.distance_band["children_0_5_after"], bands["children_0_5"], rtol=1e-12)
    np.testing.assert_allclose(delta.distance_band["share_after"], bands["share"], rtol=1e-12)


def test_closing_the_only_nearby_unit_uncovers_its_children(layers):
    demand = layers.demand([(0, 0), (10_000, 0)], [120, 80])
    units = layers.units([(1_000, 0), (10_000, 3_000)])
    scenario = CoverageScenario(demand, units, radius_m=RADIUS_M)

    delta = scenario.delta(close=["U0"])

    # A0 falls back to U1 at √(10 000² + 3 000²) ≈ 10 440 m: 120 children lose coverage.
    national = delta.national.loc["SE"]
    assert national["children_covered_before"] == 200.0
    assert national["children_covered_change"] == -120.0
    assert national["share_covered_change"] == pytest.approx(-0.6)
    assert delta.distance_band["children_0_5_change"].to_dict() == {
        "0–1 km": -120.0, "1–2 km": 0.0, "2–5 km": 0.0, "5–10 km": 0.0, ">10 km": 120.0
    }
    assert delta.changed_areas == 1


def test_adding_a_unit_given_in_wgs84_covers_the_children_near_it(layers):
    demand = layers.demand([(0, 0), (10_000, 0)], [120, 80], municipality_codes=["0180", "0181"])
    scenario = CoverageScenario(demand, layers.units([(0, 500)]), radius_m=RADIUS_M)

    delta = scenario.delta(add=points(layers, [(12_000, 0)], crs="EPSG:4326"))

    # A1 goes from ≈ 10 012 m to 2 000 m away: 80 children in kommun 0181 become covered.
    assert delta.municipality["children_covered_change"].to_dict() == pytest.approx({"0180": 0.0, "0181": 80.0})
    assert delta.national.loc["SE", "share_covered_after"] == pytest.approx(1.0)


@pytest.mark.parametrize("seed", [11, 12, 13])
def test_adding_a_unit_gives_the_same_figures_as_recomputing_coverage(layers, seed):
    demand, units = layers.random(seed)
    scenario = CoverageScenario(demand, units, radius_m=RADIUS_M)
    new_site = points(layers, [(20_000, 20_000)])

    delta = scenario.delta(add=new_site)

    added = gpd.GeoDataFrame({"unit_id": ["new"], "classification": ["family_centre"]}, geometry=new_site)
    assert_after_equals_recomputed(delta, demand, pd.concat([units, added], ignore_index=True))
    assert delta.national["children_covered_change"].iloc[0] >= 0


@pytest.mark.parametrize("seed", [21, 22, 23])
def test_closing_units_gives_the_same_figures_as_recomputing_coverage(layers, seed):
    demand, units = layers.random(seed, n_units=8)
    scenario = CoverageScenario(demand, units, radius_m=RADIUS_M)
    closed = list(units["unit_id"].iloc[[0, 3, 5]])

    delta = scenario.delta(close=closed)

    assert_after_equals_recomputed(delta, demand, units[~units["unit_id"].isin(closed)])
    assert delta.changed_areas > 0


def test_closing_and_adding_together_gives_the_same_figures_as_recomputing_coverage(layers):
    demand, units = layers.random(31)
    family_centres = units[units["classification"] == "family_centre"]
    scenario = CoverageScenario(demand, units, radius_m=RADIUS_M, classifications=["family_centre"])
    closed = family_centres["unit_id"].iloc[0]
    new_sites = points(layers, [(5_000, 5_000), (30_000, 10_000)])

    delta = scenario.delta(add=new_sites, close=[closed])

    added = gpd.GeoDataFrame({"unit_id": ["n1", "n2"], "classification": "family_centre"}, geometry=new_sites)
    after = pd.concat([family_centres[family_centres["unit_id"] != closed], added], ignore_index=True)
    assert_after_equals_recomputed(delta, demand, after, ["family_centre"])


def test_closing_every_unit_leaves_all_children_uncovered(layers):
    demand, units = layers.random(41, n_units=3)
    scenario = CoverageScenario(demand, units, radius_m=RADIUS_M)

    delta = scenario.delta(close=units["unit_id"])

    assert delta.national.loc["SE", "children_covered_after"] == 0.0
    assert delta.distance_band.loc[">10 km", "share_after"] == pytest.approx(1.0)


def test_an_empty_change_changes_nothing(layers):
    demand, units = layers.random(51)

    delta = CoverageScenario(demand, units, radius_m=RADIUS_M).delta()

    assert (delta.municipality["children_covered_change"] == 0).all()
    assert delta.changed_areas == 0


def test_it_refuses_to_close_a_unit_it_does_not_know(layers):
    demand, units = layers.random(61)
    scenario = CoverageScenario(demand, units, radius_m=RADIUS_M)

    with pytest.raises(ValueError, match="'nope' is not among"):
        scenario.delta(close=["nope"])


@pytest.mark.parametrize("added", [1, 5, 40])  # 40 added units go through a tree, fewer are measured directly
def test_added_units_as_metres_give_the_same_figures_as_recomputing_coverage(layers, added):
    demand, units = layers.random(31)
    scenario = CoverageScenario(demand, units, radius_m=RADIUS_M)
    offsets = np.random.default_rng(added).uniform(0, 40_000, size=(added, 2))
    sites = points(layers, offsets)

    delta = scenario.delta(add=offsets + layers.origin, close=[units["unit_id"].iloc[0]])

    opened = gpd.GeoDataFrame({"unit_id": [f"new{i}" for i in range(added)],
                               "classification": ["family_centre"] * added}, geometry=sites)
    after = pd.concat([units.iloc[1:], opened], ignore_index=True)
    assert_after_equals_recomputed(delta, demand, after)
    before, covered = delta.children_covered_national
    assert (before, covered) == (delta.national["children_covered_before"].iloc[0],
                                 delta.national["children_covered_after"].iloc[0])


@pytest.mark.parametrize("bad", [np.zeros((2, 3)), np.array([[0.0, np.nan]]), np.zeros(2)])
def test_added_units_as_an_array_must_be_pairs_of_metres(layers, bad):
    demand, units = layers.random(31)
    with pytest.raises(ValueError, match="must be \\(n, 2\\) finite EPSG:3006 metres"):
        CoverageScenario(demand, units, radius_m=RADIUS_M).delta(add=bad)
