"""Reading SCB's small-area files and summing DeSO to RegSO 2025, on small hand-made files."""

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

from fcatlas.analysis.small_areas import (
    aggregate_by_key,
    police_overlap,
    read_age_bands,
    read_area_type_table,
    read_code_key,
    small_area_table,
    spread_over_kommun,
)

X0, Y0 = 600_000.0, 6_600_000.0


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def test_children_0_5_are_the_0_4_band_and_a_fifth_of_the_5_9_band(tmp_path):
    path = write(tmp_path / "ages.csv", "deso,total,0-4 år,5-9 år,10-år\n0114A0010,100,20,10,70\n")

    ages = read_age_bands(path)

    assert ages.to_dict("records") == [{"code": "0114A0010", "population": 100, "children_0_4": 20,
                                        "children_5_9": 10, "children_0_5": 22.0}]


def test_bands_that_do_not_add_up_are_refused_with_the_row(tmp_path):
    path = write(tmp_path / "ages.csv", "deso,total,0-4 år,5-9 år\n0114A0010,30,20,10\n0114A0020,31,20,10\n")

    with pytest.raises(ValueError, match=r"ages\.csv: row 3: the age bands add up to 30, field 'total' says 31"):
        read_age_bands(path)


def test_a_count_that_is_not_a_whole_number_names_row_and_field(tmp_path):
    path = write(tmp_path / "ages.csv", "deso,total,0-4 år,5-9 år\n0114A0010,30,tjugo,10\n")

    with pytest.raises(ValueError, match=r"row 2, field '0-4 år': 'tjugo' is not a whole number"):
        read_age_bands(path)


def test_a_code_twice_in_a_key_is_refused(tmp_path):
    path = write(tmp_path / "key.csv", "DeSO_2018,RegSOkod_2020\n0114A0010,0114R001\n0114A0010,0114R002\n")

    with pytest.raises(ValueError, match=r"row 3, field 'DeSO_2018': code '0114A0010' appears twice"):
        read_code_key(path, "DeSO_2018", "RegSOkod_2020")


def test_deso_figures_sum_to_their_regso_and_unknown_codes_are_named():
    deso = pd.DataFrame({"code": ["A", "B", "C"], "population": [10, 20, 30]})
    key = pd.Series(["R1", "R1", "R2"], index=["A", "B", "C"])

    assert aggregate_by_key(deso, key, "key.csv")["population"].to_dict() == {"R1": 30, "R2": 30}
    with pytest.raises(ValueError, match=r"key\.csv: 1 code\(s\) not in the key, e\.g\. \['D'\]"):
        aggregate_by_key(pd.DataFrame({"code": ["D"], "population": [1]}), key, "key.csv")


def test_people_of_a_dissolved_area_go_to_the_rest_of_its_kommun_in_whole_persons():
    summed = pd.DataFrame({"population": [300.0, 100.0, 50.0], "children_0_5": [30.0, 10.0, 5.0]},
                          index=pd.Index(["2584R002", "2584R003", "2523R001"], name="code"))
    leftover = pd.DataFrame({"code": ["2584R001"], "population": [101], "children_0_5": [10.4]})

    spread = spread_over_kommun(summed, leftover)

    assert spread["population"].to_dict() == {"2584R002": 376.0, "2584R003": 125.0, "2523R001": 50.0}
    assert spread.loc[spread.index.str.startswith("2584"), "population"].sum() == 400 + 101
    assert spread.loc["2584R002", "children_0_5"] == pytest.approx(30 + 10.4 * 0.75)


def test_an_area_type_outside_1_to_5_is_refused(tmp_path):
    path = write(tmp_path / "types.csv", "regso_kod_2020,omradestyp_2022\n0114R001,4\n0114R002,7\n")

    with pytest.raises(ValueError, match=r"row 3, field 'omradestyp_2022': '7' is not an area type 1–5"):
        read_area_type_table(path)


def test_the_most_severe_police_area_overlapping_enough_marks_the_small_area():
    small = gpd.GeoDataFrame({"code": ["A", "B", "C"]}, geometry=[
        box(X0, Y0, X0 + 1000, Y0 + 1000), box(X0 + 1000, Y0, X0 + 2000, Y0 + 1000), box(X0 + 2000, Y0, X0 + 3000, Y0 + 1000),
    ], crs="EPSG:3006")
    police = gpd.GeoDataFrame({"vulnerable_category": ["vulnerable", "especially_vulnerable", "vulnerable"]}, geometry=[
        box(X0 + 100, Y0 + 100, X0 + 900, Y0 + 900),       # inside A
        box(X0 + 800, Y0 + 100, X0 + 1200, Y0 + 900),      # half in A, half in B: both overlap ≥ 10 %
        box(X0 + 2990, Y0, X0 + 4000, Y0 + 1000),          # a 10 m sliver of C: under 10 % of both
    ], crs="EPSG:3006")

    assert police_overlap(small, police).tolist() == ["especially_vulnerable", "especially_vulnerable", None]


def boundaries(*codes):
    return gpd.GeoDataFrame({"small_area_code": list(codes), "name": list(codes), "kind": "regso",
                             "municipality_code": [code[:4] for code in codes]},
                            geometry=[box(X0 + i * 1000, Y0, X0 + (i + 1) * 1000, Y0 + 1000) for i in range(len(codes))],
                            crs="EPSG:3006")


def statistics(**people):
    return pd.DataFrame({"small_area_code": list(people), "population": list(people.values()),
                         "children_0_4": [p * 0.05 for p in people.values()],
                         "children_0_5": [p * 0.06 for p in people.values()],
                         "foreign_background": [p * 0.25 for p in people.values()]})


def test_statistics_without_a_polygon_are_refused_since_their_people_would_be_lost():
    with pytest.raises(ValueError, match=r"statistics for 1 area\(s\) without a polygon, e\.g\. \['0114R009'\]"):
        small_area_table(boundaries("0114R001"), statistics(**{"0114R001": 100, "0114R009": 5}))


def test_a_new_area_without_statistics_has_no_people_and_is_named():
    table = small_area_table(boundaries("2523R001", "2523R011"), statistics(**{"2523R001": 100}),
                             pd.Series(pd.array([3], dtype="Int64"), index=["2523R001"]))

    assert table.attrs["without_statistics"] == ["2523R011"]
    assert table.set_index("small_area_code")["population"].to_dict() == {"2523R001": 100.0, "2523R011": 0.0}
    assert table["foreign_background_share"].iloc[0] == 0.25
    assert table["area_type"].tolist()[0] == 3 and pd.isna(table["area_type"].tolist()[1])
