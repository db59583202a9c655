import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def units(make_unit):
    return [
        make_unit(name="FC Norr", municipality="0180", latitude=59.33, longitude=18.06, working_methods=["open_activities"],
                  services=("maternal_health", "child_health", "open_preschool", "preventive_social_services")),
        make_unit(name="FC Söder", municipality="1280", latitude=55.58, longitude=13.0, synthetic=True),
        make_unit(name="BVC Väster", municipality="1280", services=("child_health",), status="planned"),
    ]


def test_units_come_with_services_classification_and_a_synthetic_flag(client, units):
    page = client.get("/api/v1/units").json()
    assert page["count"] == 3 and page["page"] == 1
    norr = next(u for u in page["items"] if u["name"] == "FC Norr")
    assert norr["classification"] == "family_centre"
    assert {s["service_type"] for s in norr["services"]} == {
        "maternal_health", "child_health", "open_preschool", "preventive_social_services"}
    assert norr["working_methods"] == ["open_activities"]
    assert [u["synthetic"] for u in page["items"] if u["name"] == "FC Söder"] == [True]


@pytest.mark.parametrize(("query", "names"), [
    ("region=12", {"FC Söder", "BVC Väster"}),
    ("municipality=0180", {"FC Norr"}),
    ("classification=not_qualifying", {"BVC Väster"}),
    ("status=planned", {"BVC Väster"}),
    ("service=preventive_social_services", {"FC Norr"}),
    ("method=open_activities", {"FC Norr"}),
])
def test_units_filter(client, units, query, names):
    assert {u["name"] for u in client.get("/api/v1/units?" + query).json()["items"]} == names


def test_units_are_paginated(client, make_unit):
    for number in range(101):
        make_unit(name=f"Enhet {number:03}")
    first, second = client.get("/api/v1/units").json(), client.get("/api/v1/units?page=2").json()
    assert (first["count"], len(first["items"]), len(second["items"])) == (101, 100, 1)
    assert client.get("/api/v1/units?page=0").status_code == 422


def test_units_as_geojson_points_in_wgs84(client, units):
    collection = client.get("/api/v1/units.geojson?region=12").json()
    by_name = {f["properties"]["name"]: f for f in collection["features"]}
    assert by_name["FC Söder"]["geometry"] == {"type": "Point", "coordinates": [13.0, 55.58]}
    assert by_name["BVC Väster"]["geometry"] is None


def test_one_unit_and_an_unknown_one(client, units):
    assert client.get(f"/api/v1/units/{units[0].pk}").json()["municipality_name"] == "Stockholm"
    assert client.get("/api/v1/units/999999").status_code == 404


def test_an_unknown_classification_is_refused_naming_the_field(client, units):
    response = client.get("/api/v1/units?classification=maybe")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "classification"


def test_the_openapi_document_describes_the_unit_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {"/api/v1/units", "/api/v1/units.geojson", "/api/v1/units/{unit_id}"} <= set(paths)


def test_units_download_as_a_file_with_the_list_filters(client, units):
    response = client.get("/api/v1/units/export?format=csv&region=12")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="enheter')
    text = response.content.decode("utf-8-sig")
    assert "FC Söder" in text and "BVC Väster" in text and "FC Norr" not in text
    geojson = client.get("/api/v1/units/export?format=geojson&municipality=0180").json()
    assert [f["properties"]["namn"] for f in geojson["features"]] == ["FC Norr"]


def test_an_unknown_export_format_is_refused(client, units):
    response = client.get("/api/v1/units/export?format=pdf")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "format"


def test_a_page_of_units_costs_the_same_few_queries_however_many_units(client, make_unit, django_assert_max_num_queries):
    for number in range(30):
        make_unit(name=f"Enhet {number:02}", working_methods=["open_activities"], staffing={"midwife": 1.0})
    with django_assert_max_num_queries(8):
        assert len(client.get("/api/v1/units").json()["items"]) == 30


def test_the_map_asks_for_the_units_in_its_view_and_gets_their_count(client, units):
    stockholm = client.get("/api/v1/units.geojson", {"bbox": "17.8,59.2,18.3,59.5"}).json()
    everywhere = client.get("/api/v1/units.geojson").json()

    assert [f["properties"]["name"] for f in stockholm["features"]] == ["FC Norr"]
    assert stockholm["count"] == 1 and everywhere["count"] == 3
    assert stockholm["features"][0]["geometry"]["coordinates"] == [18.06, 59.33]


@pytest.mark.parametrize("bbox", ["18,59", "a,b,c,d", "18.3,59.2,17.8,59.5", "nan,0,1,1", "1,2,3,4,5"])
def test_a_view_that_is_no_box_is_refused_in_swedish(client, units, bbox):
    response = client.get("/api/v1/units.geojson", {"bbox": bbox})
    assert response.status_code == 422
    assert "ska vara fyra tal i WGS 84" in response.json()["detail"]
