import pytest

pytestmark = pytest.mark.django_db

KIRUNA = "20.2253,67.8558"


def test_coverage_is_public_and_says_what_it_stands_on(client, make_unit):
    make_unit(municipality="2584", latitude=67.8558, longitude=20.2253)
    answer = client.get("/api/v1/coverage?municipality=2584&radius=3000&year=2023").json()
    assert answer["scope"] == "Kiruna" and answer["radius_m"] == 3000 and answer["year"] == 2023
    assert answer["source"]["label"] == "SCB 2022"
    assert answer["covered"] > 0


def test_coverage_refuses_a_silly_radius_and_an_unknown_region(client):
    assert client.get("/api/v1/coverage?radius=5").status_code == 422
    response = client.get("/api/v1/coverage?region=99")
    assert response.status_code == 422 and "ingen region" in response.json()["detail"]


def test_scenarios_and_proposals_need_a_login(client, make_user, make_unit):
    make_unit(municipality="0180", latitude=59.33, longitude=18.06)
    assert client.get(f"/api/v1/scenario?add={KIRUNA}").status_code == 401
    assert client.get("/api/v1/optimise?region=25&new_sites=1").status_code == 401
    client.force_login(make_user("municipal_coordinator", municipality="2584"))
    delta = client.get(f"/api/v1/scenario?add={KIRUNA}&municipality=2584").json()
    assert delta["national"]["children_covered_change"] > 0
    assert delta["municipality"][0]["code"] == "2584"
    proposal = client.get("/api/v1/optimise?region=25&new_sites=2").json()
    assert len(proposal["sites"]) == 2


def test_a_scenario_point_must_be_lon_lat(client, make_user, make_unit):
    make_unit(municipality="0180", latitude=59.33, longitude=18.06)
    client.force_login(make_user("national_administrator"))
    response = client.get("/api/v1/scenario?add=Kiruna")
    assert response.status_code == 422 and "longitud,latitud" in response.json()["detail"]


def test_the_priority_list_is_public(client):
    rows = client.get("/api/v1/priority?region=25").json()["rows"]
    assert len(rows) == 14 and all(row["municipality_code"].startswith("25") for row in rows)


def test_the_openapi_document_describes_the_planning_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {"/api/v1/coverage", "/api/v1/scenario", "/api/v1/optimise", "/api/v1/priority"} <= set(paths)


def test_a_scenario_answer_carries_every_figure(client, make_user, make_unit):
    make_unit(municipality="0180", latitude=59.33, longitude=18.06)
    client.force_login(make_user("national_administrator"))
    delta = client.get(f"/api/v1/scenario?add={KIRUNA}").json()
    rows = {row["code"]: row for row in delta["vulnerability"]}
    assert rows["not_listed"]["children_covered_change"] > 0 and rows["not_listed"]["label"] == "Övriga områden"
    assert sum(band["children_0_5_change"] for band in delta["distance_bands"]) == pytest.approx(0, abs=1e-6)
    assert delta["region"][0]["code"] == "25"


def test_a_scenario_without_any_counting_unit_says_so(client, make_user):
    client.force_login(make_user("national_administrator"))
    response = client.get(f"/api/v1/scenario?add={KIRUNA}")
    assert response.status_code == 422
    assert "ingen familjecentral" in response.json()["detail"]


def test_readers_may_not_run_scenarios_or_the_optimiser(client, make_user, make_unit):
    make_unit(municipality="0180", latitude=59.33, longitude=18.06)
    client.force_login(make_user("reader"))
    assert client.get(f"/api/v1/scenario?add={KIRUNA}").status_code == 401
    assert client.get("/api/v1/optimise?region=25&new_sites=1&exact=true").status_code == 401


def test_a_region_is_matched_by_its_whole_code(client):
    response = client.get("/api/v1/priority?region=1")
    assert response.status_code == 422 and "ingen region med kod '1'" in response.json()["detail"]


def test_a_scenario_has_a_limit_on_imagined_units(client, make_user, make_unit):
    make_unit(municipality="0180", latitude=59.33, longitude=18.06)
    client.force_login(make_user("national_administrator"))
    query = "&".join(f"add=18.0,{59 + i / 100}" for i in range(51))
    response = client.get(f"/api/v1/scenario?{query}")
    assert response.status_code == 422 and "högst 50" in response.json()["detail"]


def test_the_coverage_counts_only_the_units_in_its_scope(client, make_unit):
    make_unit(municipality="2584", latitude=67.8558, longitude=20.2253)
    make_unit(municipality="0180", latitude=59.33, longitude=18.06)
    assert client.get("/api/v1/coverage?municipality=2584").json()["units_counted"] == 1
    assert client.get("/api/v1/coverage").json()["units_counted"] == 2
