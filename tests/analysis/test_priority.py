import pytest

from fcatlas.analysis.priority import (
    PriorityWeights,
    area_priority,
    municipality_priority,
)

NBSP = "\u00a0"


def two_kommuner(layers):
    # Kommun 0180: two especially vulnerable areas, 1 000 + 234 children, no unit anywhere near.
    # Kommun 0181: one area of SCB type 1 with 100 children, a family centre 1 km away.
    demand = layers.demand(
        [(0, 0), (5_000, 0), (50_000, 0)],
        [1_000, 234, 100],
        municipality_codes=["0180", "0180", "0181"],
        categories=["especially_vulnerable", "especially_vulnerable", None],
        area_types=[None, None, 1],
    )
    units = layers.units([(50_000, 1_000)])
    return demand, units


def test_it_explains_each_kommun_in_swedish(layers):
    table = municipality_priority(*two_kommuner(layers)).set_index("municipality_code")

    assert table.loc["0180", "explanation"].replace(NBSP, " ") == (
        "1 234 barn 0–5 år bor mer än 2 km från en familjecentral; 2 särskilt utsatta områden; inga befintliga enheter"
    )
    assert table.loc["0181", "explanation"].replace(NBSP, " ") == (
        "inga barn 0–5 år bor mer än 2 km från en familjecentral; "
        "1 område med stora socioekonomiska utmaningar; 1 befintlig enhet"
    )


def test_each_kommun_row_carries_every_components_points_and_their_sum(layers):
    table = municipality_priority(*two_kommuner(layers)).set_index("municipality_code")

    # 0180: 1 234 uncovered × 1 + 2 especially vulnerable × 500 + no units 300 = 2 534.
    row = table.loc["0180"]
    assert (row["uncovered_points"], row["vulnerability_points"], row["area_type_points"], row["existing_units_points"]) == (
        1_234.0, 1_000.0, 0.0, 300.0
    )
    assert row["priority"] == 2_534.0
    # 0181: only the type-1 area counts: 200.
    assert table.loc["0181", "priority"] == 200.0
    assert table["rank"].to_dict() == {"0180": 1, "0181": 2}


def test_every_weight_can_be_changed(layers):
    weights = PriorityWeights(uncovered_child=0.5, especially_vulnerable_area=10, area_type_1=0, no_existing_units=0)

    table = municipality_priority(*two_kommuner(layers), weights=weights).set_index("municipality_code")

    # 0180: 1 234 × 0.5 + 2 × 10 = 637; 0181: 0.
    assert table["priority"].to_dict() == {"0180": 637.0, "0181": 0.0}


def test_changing_the_vulnerability_weight_changes_the_ranking(layers):
    # Kommun X: 1 000 uncovered children; kommun Y: 100 uncovered children in 2 especially vulnerable areas.
    demand = layers.demand(
        [(0, 0), (40_000, 0), (45_000, 0)],
        [1_000, 50, 50],
        municipality_codes=["0180", "0181", "0181"],
        categories=[None, "especially_vulnerable", "especially_vulnerable"],
    )
    units = layers.units([(900_000, 0)])
    units["municipality_code"] = "2480"  # in neither kommun

    default = municipality_priority(demand, units)
    lighter = municipality_priority(demand, units, weights=PriorityWeights(especially_vulnerable_area=100))

    # Default: X = 1 000 + 300 = 1 300; Y = 100 + 2 × 500 + 300 = 1 400.
    # Lighter: Y = 100 + 2 × 100 + 300 = 600 < X.
    assert default["municipality_code"].tolist() == ["0181", "0180"]
    assert lighter["municipality_code"].tolist() == ["0180", "0181"]


def test_a_similar_service_counts_as_an_existing_unit_but_does_not_cover(layers):
    demand = layers.demand([(0, 0)], [40])
    units = layers.units([(100, 0)], classifications=["similar_service"])

    row = area_priority(demand, units).iloc[0]

    assert row["uncovered_children"] == 40.0
    assert row["existing_units"] == 1
    assert row["existing_units_points"] == 0.0
    assert row["explanation"].replace(NBSP, " ") == (
        "40 barn 0–5 år bor mer än 2 km från en familjecentral; 1 befintlig enhet inom 2 km"
    )


def test_area_rows_explain_their_own_flags(layers):
    demand = layers.demand([(0, 0), (3_000, 0)], [1_000, 5], categories=["risk", None], area_types=[2, 4])

    table = area_priority(demand, layers.units([(3_000, 500)]), radius_m=1_500).set_index("area_id")

    assert table.loc["A0", "explanation"].replace(NBSP, " ") == (
        "1 000 barn 0–5 år bor mer än 1,5 km från en familjecentral; riskområde; "
        "område med socioekonomiska utmaningar; inga befintliga enheter inom 1,5 km"
    )
    # A0: 1 000 + risk 300 + type 2 100 + no units 300 = 1 700; A1 is covered and has a unit: 0.
    assert table["priority"].to_dict() == {"A0": 1_700.0, "A1": 0.0}


def test_a_unit_counts_in_the_kommun_given_in_its_municipality_code_column(layers):
    demand = layers.demand([(0, 0), (50_000, 0)], [10, 10], municipality_codes=["0180", "0181"])
    units = layers.units([(0, 0)])

    by_position = municipality_priority(demand, units).set_index("municipality_code")["existing_units"]
    units["municipality_code"] = "0181"
    by_column = municipality_priority(demand, units).set_index("municipality_code")["existing_units"]

    assert by_position.to_dict() == {"0180": 1, "0181": 0}
    assert by_column.to_dict() == {"0180": 0, "0181": 1}
