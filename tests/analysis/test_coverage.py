import numpy as np
import pandas as pd
import pytest
import shapely

from fcatlas.analysis.coverage import (
    area_coverage,
    band_labels,
    coverage_shares,
    coverage_summary,
    distance_band_table,
    nearest_unit,
)


def test_it_measures_the_straight_line_distance_to_the_nearest_unit_in_metres(layers):
    demand = layers.demand([(0, 0), (10_000, 0)], [10, 20])
    units = layers.units([(3_000, 4_000), (10_000, 500)])

    nearest = nearest_unit(demand, units)

    # A0 → U0: √(3000² + 4000²) = 5000 m; A1 → U1: 500 m.
    assert nearest["nearest_unit_distance_m"].tolist() == pytest.approx([5_000.0, 500.0])
    assert nearest["nearest_unit_id"].tolist() == ["U0", "U1"]


def test_it_reprojects_wgs84_frames_to_sweref99tm_before_measuring(layers):
    demand = layers.demand([(0, 0)], [10])
    units = layers.units([(3_000, 4_000)]).to_crs("EPSG:4326")

    distance = nearest_unit(demand.to_crs("EPSG:4326"), units)["nearest_unit_distance_m"].iloc[0]

    assert distance == pytest.approx(5_000.0, abs=1e-3)


def test_it_refuses_a_frame_without_a_crs(layers):
    demand = layers.demand([(0, 0)], [10]).set_crs(None, allow_override=True)

    with pytest.raises(ValueError, match="demand frame has no CRS"):
        nearest_unit(demand, layers.units([(0, 0)]))


def test_it_names_the_missing_column(layers):
    demand = layers.demand([(0, 0)], [10]).drop(columns="children_0_5")

    with pytest.raises(ValueError, match="'children_0_5'"):
        area_coverage(demand, layers.units([(0, 0)]), radius_m=1_000)


def test_it_only_considers_units_of_the_requested_classifications(layers):
    demand = layers.demand([(0, 0)], [10])
    units = layers.units([(100, 0), (900, 0)], classifications=["similar_service", "family_centre"])

    nearest = nearest_unit(demand, units, classifications=["family_centre"])

    assert nearest["nearest_unit_id"].tolist() == ["U1"]
    assert nearest["nearest_unit_distance_m"].tolist() == pytest.approx([900.0])


def test_it_rejects_an_unknown_classification(layers):
    with pytest.raises(ValueError, match="unknown unit classification"):
        nearest_unit(layers.demand([(0, 0)], [1]), layers.units([(0, 0)]), classifications=["familjecentral"])


def test_it_counts_children_beyond_the_radius_as_uncovered(layers):
    # Distances to the single unit: 1 000 m (exactly the radius: covered), 1 001 m, 3 000 m.
    demand = layers.demand([(1_000, 0), (0, 1_001), (-3_000, 0)], [40, 50, 60])
    table = area_coverage(demand, layers.units([(0, 0)]), radius_m=1_000)

    assert table["covered"].tolist() == [True, False, False]
    assert table["children_covered"].tolist() == [40.0, 0.0, 0.0]
    # 40 of 150 children covered.
    assert coverage_shares(table)["share_covered"].iloc[0] == pytest.approx(40 / 150)


def test_it_reports_areas_as_infinitely_far_when_no_unit_qualifies(layers):
    demand = layers.demand([(0, 0)], [10])
    units = layers.units([(0, 0)], classifications=["not_qualifying"])

    table = area_coverage(demand, units, radius_m=5_000, classifications=["family_centre"])

    assert table["nearest_unit_distance_m"].tolist() == [np.inf]
    assert table["children_covered"].tolist() == [0.0]


def test_it_represents_polygon_demand_by_a_point_inside_the_polygon(layers):
    x0, y0 = layers.origin
    # A C-shaped area whose centroid falls in the empty middle, outside the polygon.
    c_shape = shapely.Polygon(
        [(x0, y0), (x0 + 3_000, y0), (x0 + 3_000, y0 + 500), (x0 + 500, y0 + 500),
         (x0 + 500, y0 + 2_500), (x0 + 3_000, y0 + 2_500), (x0 + 3_000, y0 + 3_000), (x0, y0 + 3_000)]
    )
    demand = layers.demand([(0, 0)], [10]).set_geometry([c_shape], crs="EPSG:3006")
    units = layers.units([(10_000, 10_000)])

    distance = nearest_unit(demand, units)["nearest_unit_distance_m"].iloc[0]

    point = c_shape.representative_point()
    assert c_shape.contains(point)
    assert distance == pytest.approx(point.distance(units.geometry.iloc[0]))


def test_it_aggregates_coverage_shares_per_kommun_region_and_vulnerability_class(layers):
    demand = layers.demand(
        [(0, 0), (5_000, 0), (0, 0), (9_000, 0)],
        [100, 300, 50, 50],
        municipality_codes=["0180", "0180", "0181", "1280"],
        region_codes=["01", "01", "01", "12"],
        categories=["risk", None, "risk", None],
    )
    table = area_coverage(demand, layers.units([(0, 0)]), radius_m=2_000)
    summary = coverage_summary(table)

    # Covered: A0 (100) and A2 (50), total 500 → 150 / 500 nationally.
    assert summary["national"].loc["SE", "share_covered"] == pytest.approx(0.3)
    # Kommun 0180: 100 / 400; 0181: 50 / 50; 1280: 0 / 50.
    assert summary["municipality"]["share_covered"].to_dict() == pytest.approx({"0180": 0.25, "0181": 1.0, "1280": 0.0})
    # Region 01: 150 / 450; region 12: 0 / 50.
    assert summary["region"]["children_covered"].to_dict() == {"01": 150.0, "12": 0.0}
    assert summary["region"]["share_covered"]["01"] == pytest.approx(1 / 3)
    # Risk areas: 150 / 150; unlisted: 0 / 350; classes without areas: no share.
    vulnerability = summary["vulnerability"]
    assert vulnerability.index.tolist() == ["especially_vulnerable", "risk", "vulnerable", "not_listed"]
    assert vulnerability.loc["risk", "share_covered"] == 1.0
    assert vulnerability.loc["not_listed", "share_covered"] == 0.0
    assert np.isnan(vulnerability.loc["vulnerable", "share_covered"])


def test_it_puts_children_in_distance_bands_with_a_distance_on_an_edge_in_the_lower_band(layers):
    demand = layers.demand([(500, 0), (1_000, 0), (1_500, 0), (2_500, 0), (12_000, 0)], [10, 20, 30, 40, 100])
    table = area_coverage(demand, layers.units([(0, 0)]), radius_m=2_000)

    bands = distance_band_table(table)

    # 0–1 km: 500 m and 1 000 m → 30; 1–2 km: 30; 2–5 km: 40; 5–10 km: none; >10 km: 100.
    assert bands.index.tolist() == ["0–1 km", "1–2 km", "2–5 km", "5–10 km", ">10 km"]
    assert bands["children_0_5"].tolist() == [30.0, 30.0, 40.0, 0.0, 100.0]
    assert bands["share"].sum() == pytest.approx(1.0)
    assert bands.loc[">10 km", "share"] == pytest.approx(0.5)


def test_distance_bands_are_configurable_and_labelled_in_swedish():
    assert band_labels([500, 1_500, 3_000]) == ["0–0,5 km", "0,5–1,5 km", "1,5–3 km", ">3 km"]


def test_it_rejects_band_edges_that_do_not_increase(layers):
    table = area_coverage(layers.demand([(0, 0)], [1]), layers.units([(0, 0)]), radius_m=1)

    with pytest.raises(ValueError, match="strictly increasing"):
        distance_band_table(table, band_edges_m=[2_000, 1_000])


def test_coverage_shares_keep_the_demand_index(layers):
    demand = layers.demand([(0, 0), (1, 1)], [1, 2]).set_index(pd.Index([7, 9]))

    table = area_coverage(demand, layers.units([(0, 0)]), radius_m=1)

    assert table.index.tolist() == [7, 9]
