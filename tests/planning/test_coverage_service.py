import geopandas as gpd
import pytest

from fcatlas.planning.inputs import current_demand
from fcatlas.planning.services import (
    PlanningError,
    ScenarioRequest,
    coverage_report,
    priority_list,
    propose_sites,
    scenario_delta,
)

pytestmark = pytest.mark.django_db

KIRUNA_TOWN = (20.2253, 67.8558)  # lon, lat


def children_within(municipality: str, lon_lat: tuple[float, float], radius_m: float) -> float:
    """Children 0–5 of the kommun's demand points within the radius, computed independently in EPSG:3006."""
    demand = current_demand()
    demand = demand[demand["municipality_code"] == municipality].to_crs(3006)
    point = gpd.GeoSeries(gpd.points_from_xy([lon_lat[0]], [lon_lat[1]]), crs=4326).to_crs(3006).iloc[0]
    return float(demand.loc[demand.distance(point) <= radius_m, "children_0_5"].sum())


def test_without_units_every_child_in_the_kommun_is_uncovered():
    report = coverage_report(municipality="2584", radius_m=2_000)
    assert report["scope"] == "Kiruna"
    assert report["children"] > 0
    assert report["uncovered"] == report["children"] and report["covered"] == 0
    assert report["source"]["label"] == "SCB 2022" and report["year"] == 2025


def test_a_family_centre_covers_the_children_within_the_radius(make_unit):
    make_unit(municipality="2584", latitude=KIRUNA_TOWN[1], longitude=KIRUNA_TOWN[0])
    report = coverage_report(municipality="2584", radius_m=2_000)
    assert report["covered"] == pytest.approx(children_within("2584", KIRUNA_TOWN, 2_000))
    assert 0 < report["covered"] < report["children"]
    assert sum(band["children"] for band in report["distance_bands"]) == pytest.approx(report["children"])


def test_units_that_do_not_qualify_or_are_planned_do_not_count(make_unit):
    make_unit(municipality="2584", latitude=KIRUNA_TOWN[1], longitude=KIRUNA_TOWN[0], services=("child_health",))
    make_unit(municipality="2584", latitude=KIRUNA_TOWN[1], longitude=KIRUNA_TOWN[0], status="planned")
    assert coverage_report(municipality="2584")["covered"] == 0


def test_vulnerable_areas_without_a_unit_are_listed_until_one_is_near(make_unit):
    names = {a["name"] for a in coverage_report(municipality="1280")["areas_without_unit"]}
    assert "Rosengård" in names  # the 2025 list, the default
    make_unit(municipality="1280", latitude=55.5855, longitude=13.0395)
    names = {a["name"] for a in coverage_report(municipality="1280")["areas_without_unit"]}
    assert "Rosengård" not in names


def test_areas_without_a_unit_follow_the_list_year_chosen():
    by_year = {year: {a["name"] for a in coverage_report(municipality="1280", year=year)["areas_without_unit"]}
               for year in (2023, 2025)}
    assert "Rosengård söder om Amiralsgatan" in by_year[2023] and "Rosengård söder om Amiralsgatan" not in by_year[2025]
    assert "Rosengård" in by_year[2025] and "Rosengård" not in by_year[2023]
    with pytest.raises(PlanningError, match="ingen lista för år 2024"):
        coverage_report(municipality="1280", year=2024)


def test_a_scenario_gives_the_same_change_as_adding_the_unit_for_real(make_unit):
    make_unit(municipality="0180", latitude=59.33, longitude=18.06)
    before = coverage_report(municipality="2584")["covered"]
    delta = scenario_delta(ScenarioRequest(add=[KIRUNA_TOWN], close=[]), municipality="2584")
    make_unit(municipality="2584", latitude=KIRUNA_TOWN[1], longitude=KIRUNA_TOWN[0])
    after = coverage_report(municipality="2584")["covered"]
    (kiruna,) = delta["municipality"]
    assert kiruna["children_covered_change"] == pytest.approx(after - before)
    assert delta["national"]["children_covered_change"] == pytest.approx(after - before)


def test_closing_a_unit_in_a_scenario_loses_its_children(make_unit):
    unit = make_unit(municipality="2584", latitude=KIRUNA_TOWN[1], longitude=KIRUNA_TOWN[0])
    make_unit(municipality="0180", latitude=59.33, longitude=18.06)
    delta = scenario_delta(ScenarioRequest(add=[], close=[unit.pk]))
    assert delta["national"]["children_covered_change"] == pytest.approx(-children_within("2584", KIRUNA_TOWN, 2_000))


def test_a_scenario_refuses_points_outside_sweden_and_unknown_units(make_unit):
    make_unit(municipality="0180", latitude=59.33, longitude=18.06)
    with pytest.raises(PlanningError, match="ligger inte i Sverige"):
        scenario_delta(ScenarioRequest(add=[(2.35, 48.85)], close=[]))
    with pytest.raises(PlanningError, match="räknas inte i täckningen"):
        scenario_delta(ScenarioRequest(add=[], close=[999_999]))


def test_the_proposal_places_new_units_in_the_region_where_they_reach_children(make_unit):
    make_unit(municipality="1280", latitude=55.5855, longitude=13.0395)
    proposal = propose_sites(region="12", new_sites=3, radius_m=2_000, exact=True)
    assert len(proposal["sites"]) == 3
    assert all(site["municipality_code"].startswith("12") for site in proposal["sites"])
    assert all(site["children_newly_reached"] > 0 for site in proposal["sites"])
    assert proposal["gap"] is not None and 0 <= proposal["gap"] <= 0.05
    assert proposal["children_newly_reached"] == pytest.approx(sum(s["children_newly_reached"] for s in proposal["sites"]))


def test_the_proposal_refuses_an_impossible_request():
    with pytest.raises(PlanningError, match="mellan 1 och 25"):
        propose_sites(region="12", new_sites=0)
    with pytest.raises(PlanningError, match="ingen region med kod '99'"):
        propose_sites(region="99", new_sites=2)


def test_the_priority_list_explains_each_kommun_in_swedish(make_unit):
    make_unit(municipality="1280", latitude=55.5855, longitude=13.0395)
    result = priority_list(region="12")
    first = result["rows"][0]
    assert all(row["municipality_code"].startswith("12") for row in result["rows"])
    assert len(result["rows"]) == 33
    assert "barn 0–5 år bor mer än 2\u00a0km från en familjecentral" in first["explanation"]
    assert [row["rank"] for row in result["rows"]] == sorted(row["rank"] for row in result["rows"])


def test_atlas_pages_show_coverage_on_scbs_counts_with_the_chosen_radius(client, make_unit):
    make_unit(municipality="2584", latitude=KIRUNA_TOWN[1], longitude=KIRUNA_TOWN[0])
    page = client.get("/kommun/2584/?radie=5000").content.decode()
    assert "Befolkning: SCB 2022." in page and "0–4 år + en femtedel av 5–9 år" in page
    assert "Modellerad" not in page
    assert "bor mer än 5\u00a0km från en familjecentral" in page
    assert '<option value="5000" selected>' in page
    for url in ("/", "/region/25/"):
        assert "Avstånd till familjecentral" in client.get(url).content.decode()


def test_an_unknown_radius_falls_back_to_the_default(client):
    page = client.get("/kommun/2584/?radie=7").content.decode()
    assert "bor mer än 2\u00a0km från en familjecentral" in page


def test_the_kommun_choropleth_gives_every_kommun_a_share(client, make_unit):
    make_unit(municipality="2584", latitude=KIRUNA_TOWN[1], longitude=KIRUNA_TOWN[0])
    rows = {row["code"]: row for row in client.get("/api/v1/coverage/municipalities").json()["rows"]}
    assert len(rows) == 290
    assert rows["0180"]["share_uncovered"] == 1.0
    assert 0 < rows["2584"]["share_uncovered"] < 1


def test_the_kommun_demand_points_sum_to_its_children(client):
    collection = client.get("/api/v1/coverage/areas.geojson?municipality=2584").json()
    report = coverage_report(municipality="2584")
    assert "SCB" in collection["metadata"]["source"]
    rounding = 0.05 * len(collection["features"])  # each point's children are rounded to 0.1
    assert sum(f["properties"]["children_0_5"] for f in collection["features"]) == pytest.approx(report["children"], abs=rounding)
