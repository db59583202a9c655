"""Loading SCB's population tables, DeSO/RegSO boundaries and area types."""

import json
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

from fcatlas.analysis.statistics import (
    StatisticsFormatError,
    children_0_5,
    normalise_age,
    read_area_boundaries,
    read_area_types,
    read_population,
    region_level,
    total_population,
)

FIXTURES = Path(__file__).parent / "fixtures"


def test_json_stat2_becomes_one_row_per_region_age_sex_and_year():
    population = read_population(FIXTURES / "pxweb_v1_befolkningny_0114_2480_2023.json")

    assert len(population) == 24
    first = population.iloc[0].to_dict()
    assert first == {"region_code": "0114", "region_name": "Upplands Väsby", "region_level": "kommun",
                     "age": "0", "sex": "men", "year": 2023, "value": 290.0}
    assert set(population["sex"]) == {"men", "women"}


def test_area_codes_lose_the_code_list_suffix_and_know_their_level():
    population = read_population(FIXTURES / "pxweb_v2_tab6574_0114_2024.json")

    levels = population.drop_duplicates("region_code").set_index("region_code")["region_level"]
    assert levels.to_dict() == {"0114A0010": "deso", "0114A0020": "deso", "0114R001": "regso"}
    assert sorted(set(population["age"])) == ["0-4", "5-9", "total"]


def test_a_suppressed_cell_is_missing_not_zero():
    population = read_population(FIXTURES / "pxweb_v2_tab6574_0114_2024.json")

    cell = population[(population["region_code"] == "0114R001") & (population["age"] == "0-4")]
    assert cell["value"].isna().all()


def test_children_from_5_year_bands_take_a_fifth_of_5_to_9():
    population = read_population(FIXTURES / "pxweb_v2_tab6574_0114_2024.json")

    children = children_0_5(population).set_index("region_code")["children_0_5"]

    assert children[["0114A0010", "0114A0020"]].to_dict() == {"0114A0010": 110 + 95 / 5, "0114A0020": 60 + 55 / 5}
    assert pd.isna(children["0114R001"])  # its 0-4 cell is suppressed ("..")


def test_children_from_single_ages_sum_ages_0_to_5_over_both_sexes():
    population = read_population(FIXTURES / "scb_befolkning_semicolon_cp1252.csv")

    children = children_0_5(population).set_index("year")["children_0_5"]

    assert children.to_dict() == {2022: 3523.0, 2023: 3559.0}


def test_a_semicolon_cp1252_export_with_title_and_footnote_is_read():
    population = read_population(FIXTURES / "scb_befolkning_semicolon_cp1252.csv")

    assert set(population["region_name"]) == {"Upplands Väsby"}
    assert set(population["region_code"]) == {"0114"}
    total = population[(population["age"] == "total") & (population["year"] == 2023)]
    assert total["value"].tolist() == [25190.0]
    assert len(population) == 2 * 13


def test_a_comma_utf8_bom_export_with_contents_in_the_year_header_is_read():
    population = read_population(FIXTURES / "scb_tab6574_comma_utf8bom.csv")

    assert set(population["year"]) == {2024}
    assert set(population["region_level"]) == {"deso"}
    children = children_0_5(population).set_index("region_code")["children_0_5"]
    assert children["0114A0010"] == pytest.approx(129.0)


def test_total_population_uses_the_total_row():
    population = read_population(FIXTURES / "pxweb_v2_tab6574_0114_2024.json")

    totals = total_population(population).set_index("region_code")["population"]

    assert totals.to_dict() == {"0114A0010": 1800.0, "0114A0020": 900.0, "0114R001": 2700.0}


@pytest.mark.parametrize(
    ("label", "band"),
    [("0 år", "0"), ("5", "5"), ("-4", "0-4"), ("0-4 år", "0-4"), ("5–9 år", "5-9"), ("80-", "80+"),
     ("100+ år", "100+"), ("totalt ålder", "total"), ("tot", "total")],
)
def test_scb_age_labels_become_bands(label, band):
    assert normalise_age(label) == band


def test_region_levels_follow_scb_code_shapes():
    assert [region_level(c) for c in ["00", "01", "0114", "0114R001", "0114A0010_DeSO2025"]] == [
        "riket", "lan", "kommun", "regso", "deso"]


def test_a_non_number_names_the_file_row_and_field(tmp_path):
    bad = tmp_path / "export.csv"
    bad.write_text('"region","ålder","kön","2023"\n"0114 Upplands Väsby","0 år","män",290\n'
                   '"0114 Upplands Väsby","1 år","män",tre\n', encoding="utf-8")

    with pytest.raises(StatisticsFormatError, match=r"export\.csv: row 3, field '2023': 'tre' is not a number"):
        read_population(bad)


def test_a_region_without_a_code_names_the_row(tmp_path):
    bad = tmp_path / "regso.csv"
    bad.write_text('region;ålder;kön;2023\nUpplands Väsby (Bollstanäs);totalt;totalt;5920\n', encoding="utf-8")

    with pytest.raises(StatisticsFormatError, match=r"regso\.csv: row 2, field 'region'"):
        read_population(bad)


def test_an_unknown_age_label_names_the_row(tmp_path):
    bad = tmp_path / "ages.csv"
    bad.write_text('region;ålder;kön;2023\n0114;nyfödda;män;5\n', encoding="utf-8")

    with pytest.raises(StatisticsFormatError, match=r"ages\.csv: row 2, field 'ålder'"):
        read_population(bad)


def test_missing_ages_for_a_region_is_an_error():
    population = pd.DataFrame({"region_code": ["0114"], "region_level": ["kommun"], "age": ["total"],
                               "sex": ["total"], "year": [2023], "value": [50110.0]})

    with pytest.raises(ValueError, match="no ages 0,1,…,5 or bands 0-4 and 5-9"):
        children_0_5(population)


def test_broken_json_names_the_line(tmp_path):
    bad = tmp_path / "table.json"
    bad.write_text('{"class": "dataset",\n "id": [', encoding="utf-8")

    with pytest.raises(StatisticsFormatError, match=r"table\.json: row 2: not valid JSON"):
        read_population(bad)


def _write_areas(path, columns):
    squares = [box(660000, 6600000, 661000, 6601000), box(661000, 6600000, 662000, 6601000)]
    gpd.GeoDataFrame(columns, geometry=squares, crs="EPSG:3006").to_file(path, layer="DeSO_2025", driver="GPKG")


def test_deso_boundaries_come_out_in_wgs84_with_area_id_kind_and_kommun(tmp_path):
    path = tmp_path / "deso.gpkg"
    _write_areas(path, {"desokod": ["0114A0010", "0114A0020"], "regsokod": ["0114R001", "0114R001"],
                        "kommunkod": ["0114", "0114"]})

    areas = read_area_boundaries(path)

    assert areas.crs.to_epsg() == 4326
    assert list(areas.columns) == ["area_id", "kind", "municipality_code", "geometry"]
    assert areas["area_id"].tolist() == ["0114A0010", "0114A0020"]
    assert set(areas["kind"]) == {"deso"}
    assert 17.5 < areas.geometry.iloc[0].centroid.x < 18.5


def test_regso_2018_boundaries_use_the_code_column_not_the_name_column(tmp_path):
    path = tmp_path / "regso.gpkg"
    _write_areas(path, {"regso": ["Bollstanäs", "Hammarby-Vaxmyra"], "regsokod": ["0114R001", "0114R002"],
                        "kommun": ["0114", "0114"]})

    areas = read_area_boundaries(path)

    assert areas["area_id"].tolist() == ["0114R001", "0114R002"]
    assert set(areas["kind"]) == {"regso"}
    assert set(areas["municipality_code"]) == {"0114"}


def test_boundaries_without_a_code_column_are_refused(tmp_path):
    path = tmp_path / "other.gpkg"
    _write_areas(path, {"namn": ["a", "b"]})

    with pytest.raises(StatisticsFormatError, match="no DeSO/RegSO code column"):
        read_area_boundaries(path)


def test_area_types_take_the_newest_year_of_omradestyp():
    types = read_area_types(FIXTURES / "pxweb_v2_tab6586_area_types.json")

    assert types["area_id"].tolist() == ["0114R001", "0114R002", "0180R017"]
    assert types["area_type"].tolist() == [5, 3, 1]
    assert str(types["area_type"].dtype) == "Int64"


def test_area_types_for_a_chosen_year():
    types = read_area_types(FIXTURES / "pxweb_v2_tab6586_area_types.json", year=2022)

    assert types["area_type"].tolist() == [4, 3, 1]


def test_an_area_type_outside_1_to_5_is_refused(tmp_path):
    document = json.loads((FIXTURES / "pxweb_v2_tab6586_area_types.json").read_text(encoding="utf-8"))
    document["value"][3] = 7
    bad = tmp_path / "types.json"
    bad.write_text(json.dumps(document), encoding="utf-8")

    with pytest.raises(StatisticsFormatError, match="types.json: field 'value'"):
        read_area_types(bad)


def test_area_types_from_csv(tmp_path):
    path = tmp_path / "tab6586.csv"
    path.write_text('"region","Områdestyp 2023"\n"0114R001 Upplands Väsby (Bollstanäs)",5\n', encoding="utf-8")

    types = read_area_types(path)

    assert types.to_dict("records") == [{"area_id": "0114R001", "area_type": 5}]
