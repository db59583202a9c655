"""Every result a page shows can be taken away: CSV the Swedish Excel way, XLSX with "Om filen", and GeoJSON
where the rows have geometry — with the same rows the page shows."""

import csv
import io
import json

import openpyxl
import pytest

pytestmark = pytest.mark.django_db

FOUR_CORE = ("maternal_health", "child_health", "open_preschool", "preventive_social_services")


@pytest.fixture
def units(make_unit):
    make_unit(name="Familjecentralen Sorgenfri", municipality="1280", services=FOUR_CORE, latitude=55.605,
              longitude=13.0038, synthetic=True, source="synthetic_demo")


def csv_rows(response) -> list[list[str]]:
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")  # Excel reads UTF-8 only with the byte-order mark
    return [row for row in csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";") if row]


def test_the_region_comparison_downloads_as_csv_with_its_source(client, units):
    response = client.get("/region/?format=csv")
    assert response["Content-Disposition"].startswith('attachment; filename="fcatlas-regioner-')
    rows = csv_rows(response)
    assert rows[0][:3] == ["Kod", "Namn", "Enheter"]
    skane = next(row for row in rows if row[1] == "Skåne län")
    assert skane[2] == "1" and "," in skane[5]  # decimal comma
    assert any(row[0].startswith("Källa: SCB, folkmängd per DeSO") for row in rows)
    assert ["Obs: Syntetisk demodata – inte verkliga familjecentraler"] in rows


def test_the_kommun_comparison_of_a_region_downloads_as_geojson_with_boundaries(client, units):
    collection = json.loads(client.get("/region/12/?format=geojson").content)
    features = {feature["id"]: feature for feature in collection["features"]}
    assert len(features) == 33 and features["1280"]["properties"]["units"] == 1
    assert features["1280"]["geometry"]["type"] in ("Polygon", "MultiPolygon")
    assert collection["metadata"]["Obs"] == "Syntetisk demodata – inte verkliga familjecentraler"


def test_the_small_areas_of_a_kommun_download_as_xlsx_with_om_filen(client, units):
    response = client.get("/kommun/1280/?format=xlsx&radie=3000")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Tabell", "Om filen"]
    rows = list(book["Tabell"].iter_rows(values_only=True))
    assert rows[0][:2] == ("RegSO-kod", "Område (RegSO)") and len(rows) > 20
    assert all(isinstance(row[3], float | int) for row in rows[1:])
    about = dict(book["Om filen"].iter_rows(min_row=2, values_only=True))
    assert about["Radie"] == "3\xa0km"


def test_the_priority_list_downloads_whole_with_the_page_s_weights(client, units):
    page = client.get("/planering/prioritet/?region=12&vikt_uncovered_share=40")
    assert "format=csv" in page.content.decode()
    rows = csv_rows(client.get("/planering/prioritet/?region=12&vikt_uncovered_share=40&format=csv"))
    assert rows[0][0] == "Rang" and len([r for r in rows[1:] if r and r[0].isdigit()]) == 33
    assert any(row[0].startswith("Vikt: ") and row[0].endswith("40") for row in rows)
    areas = json.loads(client.get("/planering/prioritet/?region=12&niva=omrade&format=geojson").content)
    assert areas["features"] and areas["features"][0]["geometry"]["type"] in ("Polygon", "MultiPolygon")
    assert all(f["properties"]["municipality_code"].startswith("12") for f in areas["features"])


def test_site_proposals_download_as_points(client, make_user, units):
    client.force_login(make_user("regional_coordinator", region="12"))
    collection = json.loads(client.get("/planering/forslag/?region=12&antal=2&format=geojson").content)
    assert len(collection["features"]) == 2
    assert all(f["geometry"]["type"] == "Point" for f in collection["features"])
    book = openpyxl.load_workbook(io.BytesIO(client.get("/planering/forslag/?region=12&antal=2&format=xlsx").content))
    assert [row[0] for row in book["Tabell"].iter_rows(min_row=2, values_only=True)] == [1, 2]
