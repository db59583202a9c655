"""The dashboard: filters in the URL decide the counts, the charts, the table, the map and the downloads alike."""

import io

import openpyxl
import pytest

pytestmark = pytest.mark.django_db

FOUR_CORE = ("maternal_health", "child_health", "open_preschool", "preventive_social_services")
ROSENGARD = (13.0364, 55.5870)  # Malmö, an area of SCB type 1
LUND = (13.1910, 55.7047)
RINKEBY = (17.9239, 59.3888)


@pytest.fixture
def units(make_unit):
    return {
        "rosengard": make_unit(name="Familjecentralen Rosengård", municipality="1280", services=FOUR_CORE,
                               latitude=ROSENGARD[1], longitude=ROSENGARD[0],
                               working_methods=["violence_routine_questions"]),
        "lund": make_unit(name="BVC Lund", municipality="1281", services=("child_health", "open_preschool"),
                          latitude=LUND[1], longitude=LUND[0]),
        "rinkeby": make_unit(name="Familjecentralen Rinkeby", municipality="0180", services=FOUR_CORE,
                             latitude=RINKEBY[1], longitude=RINKEBY[0],
                             working_methods=["violence_routine_questions", "gender_equal_parenting"]),
    }


def listed_units(page: str) -> list[str]:
    return [name for name in ("Familjecentralen Rosengård", "BVC Lund", "Familjecentralen Rinkeby")
            if f">{name}</a>" in page]


def test_without_filters_the_dashboard_shows_every_unit_in_operation(client, units):
    page = client.get("/oversikt/").content.decode()
    assert listed_units(page) == ["Familjecentralen Rosengård", "BVC Lund", "Familjecentralen Rinkeby"]
    assert "<dt>Enheter i drift</dt><dd>3</dd>" in page


def test_the_filters_in_the_url_choose_the_table_the_map_and_the_downloads(client, units):
    query = "region=12&metod=violence_routine_questions"
    page = client.get(f"/oversikt/?{query}").content.decode()
    assert listed_units(page) == ["Familjecentralen Rosengård"]
    assert f'data-units-url="/oversikt/enheter.geojson?{query.replace("&", "&amp;")}"' in page
    assert f"/oversikt/figur/per-plats.svg?{query.replace('&', '&amp;')}" in page
    geojson = client.get(f"/oversikt/enheter.geojson?{query}").json()
    assert [f["properties"]["name"] for f in geojson["features"]] == ["Familjecentralen Rosengård"]
    csv_text = client.get(f"/oversikt/?{query}&format=csv").content.decode("utf-8-sig")
    assert csv_text.splitlines()[1].split(";")[1:4] == ["Familjecentralen Rosengård", "Malmö", "Familjecentral"]
    book = openpyxl.load_workbook(io.BytesIO(client.get(f"/oversikt/?{query}&format=xlsx").content))
    assert [row[1] for row in book["Enheter"].iter_rows(min_row=2, values_only=True)] == ["Familjecentralen Rosengård"]
    about = dict(book["Om filen"].iter_rows(min_row=2, values_only=True))
    assert about["Region"] == "12" and about["Arbetssätt"] == "violence_routine_questions"


def test_a_unit_is_filtered_by_the_area_type_of_the_small_area_it_lies_in(client, units):
    from fcatlas.planning.services import unit_area_types

    types = unit_area_types()
    rosengard_type = types[units["rosengard"].pk]
    assert rosengard_type in (1, 2)
    page = client.get(f"/oversikt/?omradestyp={rosengard_type}").content.decode()
    assert "Familjecentralen Rosengård" in listed_units(page)
    assert "BVC Lund" not in listed_units(page) or types[units["lund"].pk] == rosengard_type


def test_a_filter_value_that_names_nothing_is_said_and_left_out(client, units):
    response = client.get("/oversikt/?region=99&klass=family_centre")
    assert response.status_code == 400
    page = response.content.decode()
    assert "Region: &#x27;99&#x27; finns inte, så det filtret används inte." in page
    assert listed_units(page) == ["Familjecentralen Rosengård", "Familjecentralen Rinkeby"]


def test_each_chart_is_drawn_for_the_same_filters(client, units):
    chart = client.get("/oversikt/figur/per-plats.svg?region=12")
    assert chart["Content-Type"].startswith("image/svg+xml")
    svg = chart.content.decode()
    assert "Malmö" in svg and "Stockholm" not in svg
    assert client.get("/oversikt/figur/ingen.svg").status_code == 404
