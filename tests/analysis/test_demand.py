"""The modelled demand layer, on a small hand-made world and on the shipped data.

The world (SWEREF 99 TM squares, see fixtures/demand_data): kommun 0114 (20 × 20 km, total
30 000) holds the tätorter Storby (24 000 people on 2 400 ha, so 1 000 per km²) and Lillby
(1 000), a småort far out (60) and one inside Storby (80); 0115 (10 × 10 km, total 5 000) has
no tätort; 0117 (total 6 000) holds Gränsby with 8 000. Police areas of 2023: a 1 km²
"särskilt utsatt" area in Storby, a 1 km² "utsatt" area around Lillby's point, a 2 km²
"riskområde" in 0115.
"""

import shutil
import time
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

from fcatlas.analysis.demand import (
    DEMAND_COLUMNS,
    build_modelled_demand,
    demand_from_statistics,
    load_vulnerable_areas,
    read_demand,
    write_demand,
)
from fcatlas.analysis.statistics import read_area_types, read_population

FIXTURES = Path(__file__).parent / "fixtures"
WORLD = FIXTURES / "demand_data"
REPO_DATA = Path(__file__).resolve().parents[2] / "data"

NATIONAL_SHARE_0_19 = (5000 + 150 + 1400) / (20000 + 1000 + 7000)
KOMMUN_0114_SHARE_0_19 = (5000 + 150) / (20000 + 1000)


@pytest.fixture(scope="module")
def world():
    return build_modelled_demand(WORLD).set_index("area_id", drop=False)


@pytest.fixture(scope="module")
def sweden():
    started = time.perf_counter()
    layer = build_modelled_demand(REPO_DATA)
    layer.attrs["seconds"] = time.perf_counter() - started
    return layer


def test_it_keeps_every_kommun_total(world):
    assert world.groupby("municipality_code")["population"].sum().to_dict() == {
        "0114": 30000.0, "0115": 5000.0, "0117": 6000.0}


def test_it_scales_down_a_kommun_whose_towns_outnumber_its_total(world):
    assert world.loc["0117TB101", "population"] == 6000
    assert not (world["municipality_code"] == "0117").loc[world["source"] == "kommun_rest"].any()


def test_it_spreads_the_rest_of_a_kommun_in_whole_persons_over_a_5_km_grid(world):
    rest = world[(world["source"] == "kommun_rest") & (world["municipality_code"] == "0114")]

    assert len(rest) == 16  # 20 × 20 km at 5 km spacing
    assert rest["population"].sum() == 30000 - 24000 - 1000 - 60
    assert set(rest["population"]) == {308.0, 309.0}


def test_a_kommun_without_a_tatort_gets_all_its_people_on_the_grid(world):
    in_0115 = world[world["municipality_code"] == "0115"]

    assert in_0115.groupby("source")["population"].sum().to_dict() == {"kommun_rest": 3000.0, "vulnerable_area": 2000.0}
    assert (in_0115.loc[in_0115["source"] == "kommun_rest", "population"] == 750).all()


def test_it_drops_a_smaort_that_lies_inside_a_tatort(world):
    assert "S0001" in world.index
    assert "S0002" not in world.index


def test_each_police_area_gets_its_own_point_taken_from_the_town(world):
    assert world.loc["polisen-2023-07", "population"] == 1000  # 1 km² × 1 000 per km²
    assert world.loc["polisen-2023-09", "population"] == 1000
    assert world.loc["0114TC101", "population"] == 24000 - 2000
    assert world.loc["polisen-2023-12", "population"] == 2000
    assert world.loc["polisen-2023-07", "vulnerable_category"] == "especially_vulnerable"
    assert world.loc["polisen-2023-12", "vulnerable_category"] == "risk"


def test_a_point_inside_a_police_area_carries_its_category(world):
    assert world.loc["0114TB102", "vulnerable_category"] == "vulnerable"  # Lillby
    assert world.loc["0114TC101", "vulnerable_category"] is None  # Storby's point is outside


def test_children_are_six_twentieths_of_the_towns_share_aged_0_19(world):
    assert world.loc["0114TC101", "children_0_5"] == pytest.approx(22000 * 0.25 * 6 / 20)
    assert world.loc["polisen-2023-07", "children_0_5"] == pytest.approx(1000 * 0.25 * 6 / 20)
    assert world.loc["0114TB102", "children_0_5"] == pytest.approx(1000 * KOMMUN_0114_SHARE_0_19 * 6 / 20)
    assert world.loc["0117TB101", "children_0_5"] == pytest.approx(6000 * 0.2 * 6 / 20)
    assert world.loc["polisen-2023-12", "children_0_5"] == pytest.approx(2000 * NATIONAL_SHARE_0_19 * 6 / 20)


def test_a_national_target_rescales_the_children():
    layer = build_modelled_demand(WORLD, national_children_0_5=2500)

    assert layer["children_0_5"].sum() == pytest.approx(2500)


def test_the_police_list_year_is_a_choice():
    layer = build_modelled_demand(WORLD, vulnerable_year=2021).set_index("area_id")

    assert layer.loc["polisen-2021-07", "vulnerable_category"] == "vulnerable"
    assert not layer.index.str.startswith("polisen-2023").any()
    assert layer.loc["0114TB102", "vulnerable_category"] is None


def test_a_list_year_without_areas_is_refused():
    with pytest.raises(ValueError, match=r"no areas for list year 2019; years present: \[2021, 2023\]"):
        load_vulnerable_areas(WORLD / "geo/polisen_utsatta_omraden_panel_2015_2023.geojson", 2019)


def test_the_layer_has_the_shared_schema_and_is_labelled_modellerad(world):
    assert list(world.columns) == DEMAND_COLUMNS
    assert world.crs.to_epsg() == 4326
    assert world["modelled"].all()
    assert world["area_type"].isna().all() and str(world["area_type"].dtype) == "Int64"
    assert world["municipality_code"].str.fullmatch(r"\d{4}").all()
    assert set(world["region_code"]) == {"01"}
    assert set(world["source"]) == {"tätort", "småort", "kommun_rest", "vulnerable_area"}
    assert world.attrs["label"] == "modellerad"
    assert world.attrs["kommun_total_column"] == "folkmangd_2024_11_01"
    assert world.attrs["year"] == 2024


def test_bad_input_names_the_file_row_and_field(tmp_path):
    shutil.copytree(WORLD, tmp_path / "data")
    towns = tmp_path / "data/pop/tatorter_2020.csv"
    lines = towns.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace(",1000,1000,", ",ett tusen,1000,")
    towns.write_text("\n".join(lines) + "\n", encoding="utf-8")

    with pytest.raises(ValueError, match=r"tatorter_2020\.csv: row 3, field 'folkmangd': 'ett tusen' is not a number"):
        build_modelled_demand(tmp_path / "data")


@pytest.mark.parametrize("name", ["demand.gpkg", "demand.csv"])
def test_a_written_layer_reads_back_the_same(world, tmp_path, name):
    layer = world.reset_index(drop=True)

    again = read_demand(write_demand(layer, tmp_path / name))

    assert list(again.columns) == DEMAND_COLUMNS
    assert again.attrs == layer.attrs
    pd.testing.assert_frame_equal(
        pd.DataFrame(again.drop(columns="geometry")), pd.DataFrame(layer.drop(columns="geometry")),
        check_exact=False, atol=1e-3, check_dtype=False,
    )
    assert again.geometry.to_crs(3006).distance(layer.geometry.to_crs(3006)).max() < 0.5  # metres


def test_real_statistics_replace_the_model(tmp_path):
    squares = [box(660000, 6600000, 661000, 6601000), box(661000, 6600000, 662000, 6601000)]
    areas = gpd.GeoDataFrame({"area_id": ["0114A0010", "0114A0020"], "kind": "deso", "municipality_code": "0114"},
                             geometry=squares, crs="EPSG:3006").to_crs("EPSG:4326")
    population = read_population(FIXTURES / "pxweb_v2_tab6574_0114_2024.json")

    layer = demand_from_statistics(areas, population).set_index("area_id")

    assert layer["population"].to_dict() == {"0114A0010": 1800.0, "0114A0020": 900.0}
    assert layer["children_0_5"].to_dict() == {"0114A0010": 129.0, "0114A0020": 71.0}
    assert not layer["modelled"].any()
    assert layer.crs.to_epsg() == 4326
    assert set(layer["source"]) == {"deso"}


def test_real_statistics_carry_scbs_area_type_per_regso():
    areas = gpd.GeoDataFrame({"area_id": ["0114R001"], "kind": "regso", "municipality_code": "0114"},
                             geometry=[box(660000, 6600000, 662000, 6601000)], crs="EPSG:3006")
    population = read_population(FIXTURES / "pxweb_v2_tab6574_0114_2024.json")
    population = population[~((population["region_code"] == "0114R001") & (population["age"] == "0-4"))]
    population = pd.concat([population, population.iloc[[0]].assign(region_code="0114R001", region_level="regso",
                                                                     value=120.0)])

    layer = demand_from_statistics(areas, population, read_area_types(FIXTURES / "pxweb_v2_tab6586_area_types.json"))

    assert layer["area_type"].tolist() == [5]
    assert layer["children_0_5"].tolist() == [120 + 150 / 5]


def test_an_area_without_population_is_named():
    areas = gpd.GeoDataFrame({"area_id": ["0114A0099"], "kind": "deso", "municipality_code": "0114"},
                             geometry=[box(660000, 6600000, 661000, 6601000)], crs="EPSG:3006")

    with pytest.raises(ValueError, match=r"0114A0099"):
        demand_from_statistics(areas, read_population(FIXTURES / "pxweb_v2_tab6574_0114_2024.json"))


# --------------------------------------------------------------------------- the shipped data


def test_the_shipped_layer_keeps_every_kommun_total(sweden):
    totals = pd.read_csv(REPO_DATA / "pop/kommun_befolkning_2020_2024.csv", dtype={"kommun_kod": str})
    expected = totals.set_index("kommun_kod")["folkmangd_2024_11_01"].astype(float)

    built = sweden.groupby("municipality_code")["population"].sum()

    assert len(built) == 290
    pd.testing.assert_series_equal(built.sort_index(), expected.sort_index(), check_names=False)
    assert sweden["population"].sum() == 10_587_140
    assert (sweden["population"] >= 0).all()


def test_the_shipped_layer_has_a_point_for_every_2023_police_area(sweden):
    areas = sweden[sweden["source"] == "vulnerable_area"]

    assert len(areas) == 59
    assert areas["vulnerable_category"].value_counts().to_dict() == {
        "vulnerable": 27, "especially_vulnerable": 17, "risk": 15}
    assert (areas["population"] > 0).all()


def test_the_shipped_layer_builds_in_a_few_seconds(sweden):
    assert sweden.attrs["seconds"] < 10
    assert sweden["area_id"].is_unique
