"""Answers computed once per version of their data: a browser that has a layer gets 304, an edit is seen at once."""

import gzip
import json

import pytest

from fcatlas.registry.editing import save_unit

pytestmark = pytest.mark.django_db


def features(response) -> list[dict]:
    body = response.content
    if response.get("Content-Encoding") == "gzip":
        body = gzip.decompress(body)
    return json.loads(body)["features"]


def test_a_layer_the_browser_has_is_answered_304_without_a_body(client):
    first = client.get("/api/v1/municipalities.geojson")
    assert first.status_code == 200 and len(features(first)) == 290
    assert first["Cache-Control"] == "public, no-cache"

    again = client.get("/api/v1/municipalities.geojson", HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == first["ETag"]


def test_the_compressed_layer_has_its_own_etag_and_the_same_features(client):
    plain = client.get("/api/v1/regions.geojson")
    zipped = client.get("/api/v1/regions.geojson", HTTP_ACCEPT_ENCODING="gzip, br")

    assert zipped["Content-Encoding"] == "gzip" and "Content-Encoding" not in plain
    assert zipped["ETag"] != plain["ETag"] and "Accept-Encoding" in zipped["Vary"]
    assert features(zipped) == features(plain)
    assert client.get("/api/v1/regions.geojson", HTTP_ACCEPT_ENCODING="gzip",
                      HTTP_IF_NONE_MATCH=zipped["ETag"]).status_code == 304


def test_another_query_is_another_answer(client):
    skåne = client.get("/api/v1/municipalities.geojson", {"region": "12"})
    dalarna = client.get("/api/v1/municipalities.geojson", {"region": "20"})

    assert skåne["ETag"] != dalarna["ETag"]
    assert {f["properties"]["region_code"] for f in features(skåne)} == {"12"}
    assert len(features(dalarna)) == 15


def test_an_edit_changes_the_cached_units_layer_and_its_etag(client, make_unit):
    unit = make_unit("Familjecentralen Före", latitude=55.6050, longitude=13.0038)
    before = client.get("/api/v1/units.geojson")
    assert [f["properties"]["name"] for f in features(before)] == ["Familjecentralen Före"]

    save_unit(unit, {"name": "Familjecentralen Efter"}, source="manual_edit", expected_version=1)
    after = client.get("/api/v1/units.geojson", HTTP_IF_NONE_MATCH=before["ETag"])

    assert after.status_code == 200 and after["ETag"] != before["ETag"]
    assert [f["properties"]["name"] for f in features(after)] == ["Familjecentralen Efter"]


def test_coverage_follows_the_registry_though_it_is_cached(client, make_unit):
    make_unit("Familjecentralen Ett", latitude=55.6050, longitude=13.0038,
              services=("maternal_health", "child_health", "open_preschool", "preventive_social_services"))
    first = client.get("/api/v1/coverage", {"municipality": "1280"}).json()

    make_unit("Familjecentralen Två", latitude=55.5700, longitude=12.9900,
              services=("maternal_health", "child_health", "open_preschool", "preventive_social_services"))
    second = client.get("/api/v1/coverage", {"municipality": "1280"}).json()

    assert second["covered"] > first["covered"]
    assert second == client.get("/api/v1/coverage", {"municipality": "1280"}).json()


@pytest.fixture
def doubled_demand(shipped_demand):
    """The shipped demand layer with every child counted twice, installed for one test and then put back."""
    from fcatlas.analysis.demand import DemandLayer
    from fcatlas.planning.inputs import install_demand

    points, areas = shipped_demand.points.copy(), shipped_demand.areas.copy()
    points["children_0_5"] *= 2
    areas["children_0_5"] *= 2
    points.attrs, areas.attrs = dict(shipped_demand.points.attrs), dict(shipped_demand.areas.attrs)
    yield lambda: install_demand(DemandLayer(points, areas))
    install_demand(shipped_demand)


def test_a_new_demand_layer_changes_the_cached_figures_and_layers_at_once(client, make_unit, doubled_demand):
    make_unit("Familjecentralen Ett", latitude=55.6050, longitude=13.0038,
              services=("maternal_health", "child_health", "open_preschool", "preventive_social_services"))
    coverage = client.get("/api/v1/coverage", {"municipality": "1280"}).json()
    layer = client.get("/api/v1/small-areas.geojson", {"municipality": "1280"})
    page = client.get("/kommun/1280/")
    assert page.status_code == 200

    doubled_demand()

    assert client.get("/api/v1/coverage", {"municipality": "1280"}).json()["children"] == pytest.approx(
        2 * coverage["children"])
    again = client.get("/api/v1/small-areas.geojson", {"municipality": "1280"}, HTTP_IF_NONE_MATCH=layer["ETag"])
    assert again.status_code == 200 and again["ETag"] != layer["ETag"]
    children = {f["id"]: f["properties"]["children"] for f in features(layer)}
    doubled = {f["id"]: f["properties"]["children"] for f in features(again)}
    assert doubled == pytest.approx({code: 2 * n for code, n in children.items()}, abs=1)  # shown rounded
    assert client.get("/kommun/1280/").content != page.content
