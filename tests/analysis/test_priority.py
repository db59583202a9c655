"""The priority index: six named components (counts and rates), 0–100 points, explained in Swedish."""

import pytest

from fcatlas.analysis.priority import COMPONENTS, PriorityWeights, area_priority, municipality_priority

NBSP = "\u00a0"


def two_kommuner(layers):
    # 0180: 1 000 children in an especially vulnerable type-1 area and 234 in a type-3 area, no unit near.
    # 0181: 100 children of a type-1 area 1 km from a family centre, 50 of a type-4 area far away.
    demand = layers.demand(
        [(0, 0), (5_000, 0), (50_000, 0), (80_000, 0)],
        [1_000, 234, 100, 50],
        municipality_codes=["0180", "0180", "0181", "0181"],
        categories=["especially_vulnerable", None, None, None],
        area_types=[1, 3, 1, 4],
    )
    return demand, layers.units([(50_000, 1_000)])


def test_each_component_gives_its_weight_times_a_rate_or_a_relative_count(layers):
    table = municipality_priority(*two_kommuner(layers)).set_index("municipality_code")

    city, small = table.loc["0180"], table.loc["0181"]
    assert [city[f"{name}_points"] for name in COMPONENTS] == pytest.approx(
        [20.0, 20.0, 20.0, 15 * 1_000 / 1_234, 15.0, 10.0])
    # 0181: 50 of the largest count 1 234 beyond reach, a third of its children, two thirds in type 1–2, one unit.
    assert [small[f"{name}_points"] for name in COMPONENTS] == pytest.approx(
        [20 * 50 / 1_234, 20 / 3, 0.0, 15 * 2 / 3, 0.0, 0.0])
    assert city["priority"] == pytest.approx(85.0 + 15 * 1_000 / 1_234)
    assert table["rank"].to_dict() == {"0180": 1, "0181": 2}
    assert (city["uncovered_children_0_5"], city["challenged_uncovered_children_0_5"], city["existing_units"]) == (
        1_234.0, 1_000.0, 0)


def test_rates_let_a_small_kommun_outrank_a_city_on_share_alone(layers):
    # The city: 10 000 children, 2 000 beyond reach (20 %), with units. The small kommun: all 300 beyond reach.
    demand = layers.demand([(0, 0), (20_000, 0), (200_000, 0)], [8_000, 2_000, 300],
                           municipality_codes=["1480", "1480", "2584"], area_types=[3, 3, 3])
    units = layers.units([(0, 0)])

    table = municipality_priority(demand, units).set_index("municipality_code")

    # 1480: 20 (largest count) + 20 × 0,2 = 24; 2584: 20 × 300/2 000 + 20 (all) + 10 (no unit) = 33.
    assert table["priority"].to_dict() == pytest.approx({"1480": 24.0, "2584": 33.0})
    assert table["rank"].to_dict() == {"2584": 1, "1480": 2}


def test_the_explanation_names_the_components_that_decided_the_rank(layers):
    table = municipality_priority(*two_kommuner(layers)).set_index("municipality_code")

    city = table.loc["0180", "explanation"].replace(NBSP, " ")
    assert city.startswith("Avgörande: ")
    decisive, rest = city.split(" Därtill: ")
    assert "1 234 barn 0–5 år bor mer än 2 km från en familjecentral (20,0 p)" in decisive
    assert "100 % av barnen 0–5 år bor mer än 2 km från en familjecentral (20,0 p)" in decisive
    assert "1 000 barn i områden med socioekonomiska utmaningar (SCB:s områdestyp 1–2) bor mer än 2 km" in decisive
    assert "1 000 barn i Polisens utsatta områden bor mer än 2 km från en familjecentral (15,0 p)" in decisive
    assert "81 % av barnen bor i områden med socioekonomiska utmaningar (12,2 p)" in rest
    assert "ingen familjecentral eller liknande verksamhet i kommunen (10,0 p)" in rest


def test_every_weight_can_be_changed(layers):
    weights = PriorityWeights(uncovered_children=0, uncovered_share=50, challenged_uncovered_children=0,
                              challenged_share=0, police_uncovered_children=0, no_existing_units=0)

    table = municipality_priority(*two_kommuner(layers), weights=weights).set_index("municipality_code")

    assert table["priority"].to_dict() == pytest.approx({"0180": 50.0, "0181": 50 / 3})


@pytest.mark.parametrize("value", [-1, float("nan"), "tio"])
def test_a_weight_must_be_a_number_of_at_least_zero(value):
    with pytest.raises(ValueError, match="weight 'uncovered_share' must be a number ≥ 0"):
        PriorityWeights(uncovered_share=value)


def test_a_similar_service_counts_as_an_existing_unit_but_does_not_cover(layers):
    demand = layers.demand([(0, 0)], [40])
    units = layers.units([(100, 0)], classifications=["similar_service"])

    row = area_priority(demand, units).iloc[0]

    assert row["uncovered_children_0_5"] == 40.0
    assert row["existing_units"] == 1
    assert row["no_existing_units_points"] == 0.0


def test_area_rows_group_the_points_of_each_small_area(layers):
    demand = layers.demand([(0, 0), (300, 0), (3_000, 0)], [600, 400, 5], categories=["vulnerable", None, None],
                           area_types=[2, 2, 4])
    demand["small_area_code"] = ["0180R001", "0180R001", "0180R002"]

    table = area_priority(demand, layers.units([(3_000, 500)]), radius_m=1_500).set_index("small_area_code")

    assert table.loc["0180R001", ["children_0_5", "uncovered_children_0_5", "police_uncovered_children_0_5"]].tolist() == [
        1_000.0, 1_000.0, 600.0]
    assert table.loc["0180R001", "explanation"].replace(NBSP, " ").count("området har socioekonomiska utmaningar") == 1
    assert "ingen familjecentral eller liknande verksamhet inom 1,5 km" in table.loc["0180R001", "explanation"].replace(NBSP, " ")
    assert table.loc["0180R002", "priority"] == 0.0
    assert table.loc["0180R002", "explanation"].startswith("Inget talar för området")


def test_a_unit_counts_in_the_kommun_given_in_its_municipality_code_column(layers):
    demand = layers.demand([(0, 0), (50_000, 0)], [10, 10], municipality_codes=["0180", "0181"])
    units = layers.units([(0, 0)])

    by_position = municipality_priority(demand, units).set_index("municipality_code")["existing_units"]
    units["municipality_code"] = "0181"
    by_column = municipality_priority(demand, units).set_index("municipality_code")["existing_units"]

    assert by_position.to_dict() == {"0180": 1, "0181": 0}
    assert by_column.to_dict() == {"0180": 0, "0181": 1}
