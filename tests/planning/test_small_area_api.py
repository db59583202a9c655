"""RegSO as a map layer and a table through the API: per kommun or region, with their figures."""

import gzip
import json

import pyogrio
import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db


def regso_codes(prefix: str) -> set[str]:
    """The RegSO codes of a kommun or region, read straight from the shipped boundary file."""
    frame = pyogrio.read_dataframe(settings.DATA_DIR / "geo/regso_2025_forenklad_25m.gpkg", read_geometry=False)
    return {code for code in frame["regsokod"] if code.startswith(prefix)}


def test_a_kommuns_regso_come_as_geojson_with_what_the_map_colours_them_by(client):
    collection = client.get("/api/v1/small-areas.geojson?municipality=1280&radius=2000&year=2023").json()
    assert {feature["id"] for feature in collection["features"]} == regso_codes("1280")
    rosengard = next(f for f in collection["features"] if f["properties"]["name"] == "RegSO-Herrgården norr")
    assert rosengard["properties"]["area_type"] == 1
    assert rosengard["properties"]["police_category"] == "especially_vulnerable"
    assert rosengard["geometry"]["type"] in {"Polygon", "MultiPolygon"}
    assert collection["metadata"]["year"] == 2023 and "SCB" in collection["metadata"]["source"]


def test_the_layer_is_compressed_for_clients_that_accept_it(client):
    response = client.get("/api/v1/small-areas.geojson?region=25", HTTP_ACCEPT_ENCODING="gzip, br")
    assert response["Content-Encoding"] == "gzip" and "Accept-Encoding" in response["Vary"]
    collection = json.loads(gzip.decompress(response.content))
    assert {feature["id"] for feature in collection["features"]} == regso_codes("25")
    assert len(response.content) < 200_000


def test_the_table_of_small_areas_sums_to_the_kommuns_children(client):
    table = client.get("/api/v1/small-areas?municipality=2584").json()
    coverage = client.get("/api/v1/coverage?municipality=2584").json()
    assert {row["code"] for row in table["rows"]} == regso_codes("2584")
    assert sum(row["children"] for row in table["rows"]) == pytest.approx(coverage["children"])


def test_a_kommun_or_a_region_must_be_named(client):
    response = client.get("/api/v1/small-areas.geojson")
    assert response.status_code == 422 and "Välj en kommun eller en region" in response.json()["detail"]
    assert client.get("/api/v1/small-areas?year=2024&municipality=1280").status_code == 422


def test_the_comparison_api_lists_kommuner_of_a_region(client):
    answer = client.get("/api/v1/coverage/comparison?level=municipality&region=25").json()
    assert len(answer["rows"]) == 14 and answer["level"] == "municipality"
