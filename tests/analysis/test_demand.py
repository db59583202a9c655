"""The shipped demand layer: SCB's children 0–5 per RegSO 2025, checked against independent counts of the
shipped files, and the layer built from files a user downloads (``fcatlas load-demand``)."""

import csv
from collections import defaultdict
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import box

from fcatlas.analysis.demand import DEMAND_COLUMNS, demand_from_statistics, read_demand, with_police_year, write_demand
from fcatlas.analysis.police import LIST_YEARS, load_vulnerable_areas
from fcatlas.analysis.statistics import read_area_types, read_population

REPO_DATA = Path(__file__).resolve().parents[2] / "data"
FIXTURES = Path(__file__).parent / "fixtures"


def independent_kommun_counts():
    """People and children 0–5 (0–4 + a fifth of 5–9) per kommun, straight from the DeSO file (a DeSO code
    starts with its kommun code)."""
    people, children = defaultdict(int), defaultdict(float)
    with open(REPO_DATA / "pop/deso_befolkning_alder_2022.csv", encoding="utf-8") as file:
        for row in csv.DictReader(file):
            people[row["deso"][:4]] += int(row["total"])
            children[row["deso"][:4]] += int(row["0-4 år"]) + int(row["5-9 år"]) / 5
    return people, children


def test_every_kommun_keeps_scbs_count_of_people_and_children(shipped_demand):
    people, children = independent_kommun_counts()
    points = shipped_demand.points

    by_kommun = points.groupby("municipality_code")[["population", "children_0_5"]].sum()

    assert len(by_kommun) == 290
    assert by_kommun["population"].to_dict() == {code: float(n) for code, n in people.items()}
    np.testing.assert_allclose(by_kommun["children_0_5"].sort_index(), pd.Series(children).sort_index(), rtol=1e-9)
    assert points["population"].sum() == 10_521_556
    assert points["children_0_5"].sum() == pytest.approx(576_367 + 621_155 / 5)


def test_every_regso_keeps_its_count_in_whole_persons(shipped_demand):
    areas = shipped_demand.areas.set_index("small_area_code")
    placed = shipped_demand.points.groupby("small_area_code")["population"].sum()

    assert len(areas) == 3363
    peopled = areas[areas["population"] > 0]
    assert placed.reindex(peopled.index).tolist() == peopled["population"].tolist()
    assert (shipped_demand.points["population"] % 1 == 0).all()
    assert shipped_demand.attrs["without_statistics"] == ["2523R011"]  # Repisvaara-Dundret, new in 2025
    assert shipped_demand.attrs["redistributed"] == ["2584R001"]  # Bolaget, Kiruna, gone in 2025


def test_a_regso_matched_by_name_has_the_sum_of_its_deso(shipped_demand):
    key = pd.read_csv(REPO_DATA / "pop/deso_2018_regso_2020_nyckel.csv", dtype=str, encoding="utf-8-sig")
    ages = pd.read_csv(REPO_DATA / "pop/deso_befolkning_alder_2022.csv", dtype={"deso": str})
    hjallbo = key.loc[key["RegSOkod_2020"] == "1480R049", "DeSO_2018"]

    area = shipped_demand.areas.set_index("small_area_code").loc["1480R049"]

    assert area["name"] == "Hjällbo västra"
    assert area["population"] == ages.loc[ages["deso"].isin(hjallbo), "total"].sum()


def test_no_point_stands_for_a_whole_town(shipped_demand):
    points = shipped_demand.points
    share = points["children_0_5"] / points.groupby("municipality_code")["children_0_5"].transform("sum")

    for city in ("1480", "1280", "0180"):  # Göteborg, Malmö, Stockholm
        assert share[points["municipality_code"] == city].max() < 0.01
    assert share.max() < 0.20  # even in kommuner with only two RegSO
    assert points["population"].max() < 2_000


def test_most_of_kirunas_children_live_near_the_town_not_across_the_mountains(shipped_demand):
    kiruna = shipped_demand.points[shipped_demand.points["municipality_code"] == "2584"].to_crs(3006)
    town = gpd.GeoSeries(gpd.points_from_xy([20.2253], [67.8558]), crs=4326).to_crs(3006).iloc[0]

    near = kiruna.distance(town) <= 5_000

    assert kiruna.loc[near, "children_0_5"].sum() >= 0.75 * kiruna["children_0_5"].sum()
    assert len(kiruna) < 300


def test_area_types_and_police_categories_land_on_the_right_regso(shipped_demand):
    areas = shipped_demand.areas.set_index("small_area_code")

    assert areas.loc["0180R076", ["name", "area_type", "police_2025"]].tolist() == ["Rinkeby", 1, "especially_vulnerable"]
    assert areas.loc["1480R049", ["area_type", "police_2025"]].tolist() == [1, "especially_vulnerable"]
    # Södra Sofielund, Malmö: riskområde in 2023, utsatt område in 2025 (the risk tier was dropped).
    assert areas.loc["1280R072", ["police_2023", "police_2025"]].tolist() == ["risk", "vulnerable"]
    assert areas["area_type"].value_counts().to_dict() == {4: 1769, 3: 855, 5: 289, 2: 289, 1: 160}
    points = shipped_demand.points
    rinkeby = points[points["small_area_code"] == "0180R076"]
    assert (rinkeby["area_type"] == 1).all()
    assert rinkeby["police_2025"].eq("especially_vulnerable").any()


def test_every_police_area_of_every_list_year_holds_children(shipped_demand):
    points = shipped_demand.points.to_crs(3006)
    tree = shapely.STRtree(points.geometry.to_numpy())
    for year in LIST_YEARS:
        police = load_vulnerable_areas(REPO_DATA, year).to_crs(3006)
        for name, polygon in zip(police["name"], police.geometry):
            inside = tree.query(polygon, predicate="contains")
            assert points["children_0_5"].to_numpy()[inside].sum() > 0, (year, name)


def test_the_police_list_year_is_a_choice(shipped_demand):
    points = shipped_demand.points

    assert points["vulnerable_category"].equals(points["police_2025"])
    assert not (points["vulnerable_category"] == "risk").any()
    chosen = with_police_year(points, 2023)
    assert (chosen["vulnerable_category"] == "risk").any()
    assert chosen.attrs["police_year"] == 2023


def test_the_layer_has_the_shared_schema_and_says_what_it_stands_on(shipped_demand):
    points = shipped_demand.points
    assert list(points.columns) == DEMAND_COLUMNS
    assert points.crs.to_epsg() == 4326 and shipped_demand.areas.crs.to_epsg() == 4326
    assert points["area_id"].is_unique
    assert set(points["source"]) == {"locality", "locality_grid", "area_grid"}
    assert shipped_demand.attrs["label"] == "SCB 2022"
    assert "0–4 år + en femtedel av 5–9 år" in shipped_demand.attrs["children_method"]
    assert shipped_demand.attrs["seconds"] < 30


def test_a_written_layer_reads_back_the_same(shipped_demand, tmp_path):
    again = read_demand(write_demand(shipped_demand, tmp_path / "demand.gpkg"))

    assert again.attrs == {k: v for k, v in shipped_demand.attrs.items()}
    pd.testing.assert_frame_equal(pd.DataFrame(again.points.drop(columns="geometry")),
                                  pd.DataFrame(shipped_demand.points.drop(columns="geometry")), check_dtype=False)
    assert again.points.geometry.to_crs(3006).distance(shipped_demand.points.geometry.to_crs(3006)).max() < 0.01
    assert len(again.areas) == 3363
    assert not list(tmp_path.glob("*.partial*"))


def test_downloaded_statistics_build_the_same_schema():
    # Two 1 km² DeSO in Upplands Väsby with the PxWeb answer recorded in the fixture.
    squares = [box(660000, 6600000, 661000, 6601000), box(661000, 6600000, 662000, 6601000)]
    areas = gpd.GeoDataFrame({"area_id": ["0114A0010", "0114A0020"], "kind": "deso", "municipality_code": "0114"},
                             geometry=squares, crs="EPSG:3006").to_crs("EPSG:4326")
    population = read_population(FIXTURES / "pxweb_v2_tab6574_0114_2024.json")

    layer = demand_from_statistics(areas, population, data_dir=REPO_DATA)

    assert list(layer.points.columns) == DEMAND_COLUMNS
    by_area = layer.points.groupby("small_area_code")[["population", "children_0_5"]].sum()
    assert by_area["population"].to_dict() == {"0114A0010": 1800.0, "0114A0020": 900.0}
    assert by_area["children_0_5"].to_dict() == pytest.approx({"0114A0010": 129.0, "0114A0020": 71.0})
    assert layer.attrs["year"] == 2024 and layer.attrs["kind"] == "deso"


def test_downloaded_area_types_reach_the_points():
    areas = gpd.GeoDataFrame({"area_id": ["0114R001"], "kind": "regso", "municipality_code": "0114"},
                             geometry=[box(660000, 6600000, 662000, 6601000)], crs="EPSG:3006")
    population = read_population(FIXTURES / "pxweb_v2_tab6574_0114_2024.json")
    population = population[~((population["region_code"] == "0114R001") & (population["age"] == "0-4"))]
    population = pd.concat([population, population.iloc[[0]].assign(region_code="0114R001", region_level="regso",
                                                                     value=120.0)])

    layer = demand_from_statistics(areas, population, read_area_types(FIXTURES / "pxweb_v2_tab6586_area_types.json"),
                                   data_dir=REPO_DATA)

    assert set(layer.points["area_type"]) == {5}
    assert layer.points["children_0_5"].sum() == pytest.approx(120 + 150 / 5)
