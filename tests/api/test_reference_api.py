import json

import pytest

pytestmark = pytest.mark.django_db


def get_json(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.content
    return response.json()


def test_it_lists_the_21_regions(client):
    regions = get_json(client, "/api/v1/regions")
    assert len(regions) == 21
    assert regions[0] == {"code": "01", "name": "Stockholms län", "short_name": "Stockholm", "url": "/region/01/"}


def test_kommuner_come_without_boundaries_unless_asked(client):
    plain = get_json(client, "/api/v1/municipalities")
    assert len(plain) == 290 and "geometry" not in plain[0]
    with_geometry = get_json(client, "/api/v1/municipalities?region=09&geometry=true")
    assert [m["name"] for m in with_geometry] == ["Gotland"]
    assert with_geometry[0]["geometry"]["type"] == "MultiPolygon"


def test_one_kommun_and_an_unknown_one(client):
    assert get_json(client, "/api/v1/municipalities/0180")["region_name"] == "Stockholms län"
    assert client.get("/api/v1/municipalities/0000").status_code == 404


def test_kommun_boundaries_are_geojson(client):
    response = client.get("/api/v1/municipalities.geojson")
    assert response["Content-Type"] == "application/geo+json"
    collection = json.loads(response.content)
    assert collection["type"] == "FeatureCollection"
    assert len(collection["features"]) == 290
    lon, lat = collection["features"][0]["geometry"]["coordinates"][0][0][0]
    assert 10 < lon < 25 and 55 < lat < 70


def test_vulnerable_areas_filter_by_year_and_category(client):
    assert len(get_json(client, "/api/v1/vulnerable-areas?year=2023")) == 59
    especially = get_json(client, "/api/v1/vulnerable-areas?year=2023&category=especially_vulnerable")
    assert len(especially) == 17
    assert {a["category_label"] for a in especially} == {"Särskilt utsatt område"}
    assert get_json(client, "/api/v1/vulnerable-areas?year=2025&category=risk") == []
    assert len(get_json(client, "/api/v1/vulnerable-areas?year=2025&region=12")) == 8


def test_the_2025_list_comes_as_geojson_polygons(client):
    collection = get_json(client, "/api/v1/vulnerable-areas.geojson?year=2025")
    assert len(collection["features"]) == 65
    assert {feature["geometry"]["type"] for feature in collection["features"]} <= {"Polygon", "MultiPolygon"}


def test_an_unknown_category_is_refused_with_the_field_named(client):
    response = client.get("/api/v1/vulnerable-areas?category=dangerous")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "category"


def test_the_openapi_document_describes_every_endpoint(client):
    document = get_json(client, "/api/v1/openapi.json")
    assert {"/api/v1/regions", "/api/v1/regions.geojson", "/api/v1/municipalities",
            "/api/v1/municipalities.geojson", "/api/v1/vulnerable-areas",
            "/api/v1/vulnerable-areas.geojson"} <= set(document["paths"])


def test_the_api_docs_page_lists_every_endpoint_of_both_apis_without_a_script(client):
    from fcatlas.api.api import api
    from fcatlas.api.hsds import hsds_api

    page = client.get("/api/").content.decode()
    for path in [*api.get_openapi_schema()["paths"], *hsds_api.get_openapi_schema()["paths"]]:
        assert f"<code>GET {path}</code>" in page, path
    assert "<script src=\"/static/ninja" not in page and "swagger" not in page.lower()
    assert client.get("/api/v1/docs").status_code == 404
