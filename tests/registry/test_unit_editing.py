"""Editing units in the browser-facing pages: who may edit what, and what the editor sees."""

import re

import pytest

from fcatlas.registry.editing import save_unit, unit_record
from fcatlas.registry.forms import UnitForm
from fcatlas.registry.models import Unit

pytestmark = pytest.mark.django_db


def form_data(unit: Unit | None = None, **changes) -> dict:
    """What the edit form posts back when the editor changes nothing but ``changes``."""
    initial = UnitForm.initial_from_record(unit_record(unit)) | {"version": unit.version} if unit else {}
    form = UnitForm(initial=initial)
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if value is None or value is False:
            continue
        data[name] = value
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def malmo_unit(make_unit):
    return make_unit(name="Familjecentralen Malmö", municipality="1280")


@pytest.fixture
def lund_unit(make_unit):
    return make_unit(name="Familjecentralen Lund", municipality="1281")


@pytest.fixture
def stockholm_unit(make_unit):
    return make_unit(name="Familjecentralen Stockholm", municipality="0180")


def test_anyone_may_read_units_but_visitors_must_log_in_to_edit(client, malmo_unit):
    assert client.get("/enheter/").status_code == 200
    assert client.get(malmo_unit.get_absolute_url()).status_code == 200
    response = client.get(f"/enheter/{malmo_unit.pk}/andra/")
    assert response.status_code == 302 and response["Location"].startswith("/konto/logga-in/")
    assert client.post(f"/enheter/{malmo_unit.pk}/andra/", form_data(malmo_unit, name="Hackad")).status_code == 302
    malmo_unit.refresh_from_db()
    assert malmo_unit.name == "Familjecentralen Malmö"


def test_a_reader_cannot_edit_or_create(client, make_user, malmo_unit):
    client.force_login(make_user("reader"))
    assert client.get(f"/enheter/{malmo_unit.pk}/andra/").status_code == 403
    assert client.post(f"/enheter/{malmo_unit.pk}/andra/", form_data(malmo_unit, name="Ändrad")).status_code == 403
    assert client.get("/enheter/ny/").status_code == 403
    assert "Ändra uppgifterna" not in client.get(malmo_unit.get_absolute_url()).content.decode()
    malmo_unit.refresh_from_db()
    assert malmo_unit.name == "Familjecentralen Malmö"


def test_a_municipal_coordinator_edits_only_units_in_their_kommun(client, make_user, malmo_unit, lund_unit):
    client.force_login(make_user("municipal_coordinator", municipality="1280"))
    response = client.post(f"/enheter/{malmo_unit.pk}/andra/", form_data(malmo_unit, name="Familjecentralen Rosengård"))
    assert response.status_code == 302
    malmo_unit.refresh_from_db()
    assert (malmo_unit.name, malmo_unit.version) == ("Familjecentralen Rosengård", 2)
    assert client.get(f"/enheter/{lund_unit.pk}/andra/").status_code == 403
    assert client.post(f"/enheter/{lund_unit.pk}/andra/", form_data(lund_unit, name="X")).status_code == 403


def test_a_municipal_coordinator_cannot_move_a_unit_out_of_their_kommun(client, make_user, malmo_unit):
    client.force_login(make_user("municipal_coordinator", municipality="1280"))
    response = client.post(f"/enheter/{malmo_unit.pk}/andra/", form_data(malmo_unit, municipality="1281"))
    assert response.status_code == 200
    assert "municipality" in response.context["form"].errors
    malmo_unit.refresh_from_db()
    assert malmo_unit.municipality_id == "1280" and malmo_unit.version == 1


def test_a_regional_coordinator_edits_units_in_their_region_only(client, make_user, lund_unit, stockholm_unit):
    client.force_login(make_user("regional_coordinator", region="12"))
    assert client.post(f"/enheter/{lund_unit.pk}/andra/", form_data(lund_unit, opening_hours="ons 9–12")).status_code == 302
    assert unit_record(lund_unit)["opening_hours"] == [{"days": "WE", "opens": "09:00", "closes": "12:00"}]
    assert client.get(f"/enheter/{stockholm_unit.pk}/andra/").status_code == 403


def test_a_national_administrator_edits_and_creates_anywhere(client, make_user, stockholm_unit):
    client.force_login(make_user("national_administrator"))
    assert client.get(f"/enheter/{stockholm_unit.pk}/andra/").status_code == 200
    data = form_data(name="Familjecentralen Kiruna", municipality="2584", status="active",
                     service_child_health="on", service_child_health_principal="region",
                     service_open_preschool="on", service_open_preschool_principal="municipality",
                     service_open_preschool_fully_co_located="on", service_child_health_fully_co_located="on")
    response = client.post("/enheter/ny/", data)
    created = Unit.objects.get(name="Familjecentralen Kiruna")
    assert response["Location"] == created.get_absolute_url()
    assert created.classification == "similar_service"
    assert created.changes.get().changed_by.username.startswith("national_administrator")


def test_an_edit_after_someone_elses_save_is_refused_and_the_input_kept(client, make_user, malmo_unit):
    client.force_login(make_user("national_administrator"))
    stale = form_data(malmo_unit, opening_hours="mån 9–12")
    save_unit(malmo_unit, {"name": "Någon annans namn"}, source="manual_edit", expected_version=1)
    response = client.post(f"/enheter/{malmo_unit.pk}/andra/", stale)
    page = response.content.decode()
    assert response.status_code == 409
    assert "Någon annan har sparat ändringar" in page
    assert 'value="mån 9–12"' in page
    malmo_unit.refresh_from_db()
    assert (malmo_unit.name, unit_record(malmo_unit)["opening_hours"], malmo_unit.version) == ("Någon annans namn", [], 2)


def test_a_validation_error_names_the_field_and_keeps_what_was_typed(client, make_user, malmo_unit):
    client.force_login(make_user("national_administrator"))
    response = client.post(f"/enheter/{malmo_unit.pk}/andra/",
                           form_data(malmo_unit, children_age_from="6", children_age_to="2", phone="08-123 45 67"))
    page = response.content.decode()
    assert "Åldern ”till och med” kan inte vara lägre än ”från”." in page
    assert 'value="08-123 45 67"' in page
    malmo_unit.refresh_from_db()
    assert malmo_unit.version == 1


def test_the_list_filters_and_searches(client, make_unit):
    make_unit(name="Familjecentralen Norr", municipality="0180",
              services=("maternal_health", "child_health", "open_preschool", "preventive_social_services"))
    make_unit(name="Familjecentralen Söder", municipality="1280")
    make_unit(name="Barnavårdscentralen Väster", municipality="1280", services=("child_health",))

    def names(query):
        return [u.name for u in client.get("/enheter/" + query).context["page"]]

    assert names("?region=12") == ["Barnavårdscentralen Väster", "Familjecentralen Söder"]
    assert names("?classification=family_centre") == ["Familjecentralen Norr"]
    assert names("?q=söder") == ["Familjecentralen Söder"]
    assert names("?service=open_preschool&municipality=1280") == ["Familjecentralen Söder"]
    assert "Inga enheter matchar sökningen." in client.get("/enheter/?q=finnsinte").content.decode()


def test_the_unit_page_shows_services_classification_and_reason(client, make_unit):
    unit = make_unit(services=("child_health", "preventive_social_services"))
    page = client.get(unit.get_absolute_url()).content.decode()
    assert "Familjecentralsliknande verksamhet" in page
    assert "Saknar mödrahälsovård och öppen förskola för att vara familjecentral." in page
    assert "Förebyggande socialtjänst" in page and "Barnhälsovård" in page


def test_synthetic_units_are_marked_on_their_pages(client, make_unit):
    unit = make_unit(synthetic=True, source="synthetic_demo")
    for url in (unit.get_absolute_url(), "/enheter/", "/", "/kommun/1280/", "/region/12/"):
        assert "Syntetisk demodata" in client.get(url).content.decode(), url


def test_coordinates_may_be_given_in_sweref_99_tm(client, make_user, malmo_unit):
    client.force_login(make_user("national_administrator"))
    response = client.post(f"/enheter/{malmo_unit.pk}/andra/",
                           form_data(malmo_unit, sweref_north="6161000", sweref_east="375000"))
    assert response.status_code == 302
    malmo_unit.refresh_from_db()
    assert (malmo_unit.latitude, malmo_unit.longitude) == (pytest.approx(55.5789, abs=1e-3), pytest.approx(13.0171, abs=1e-3))


def test_a_point_far_outside_the_kommun_is_refused(client, make_user, malmo_unit):
    client.force_login(make_user("national_administrator"))
    response = client.post(f"/enheter/{malmo_unit.pk}/andra/", form_data(malmo_unit, latitude="67.85", longitude="20.22"))
    assert "utanför Malmö" in response.content.decode()
    malmo_unit.refresh_from_db()
    assert malmo_unit.latitude is None and malmo_unit.version == 1


def test_the_download_links_keep_only_the_filters_in_use(client, make_unit):
    make_unit(name="Familjecentralen Söder", municipality="1280")
    make_unit(name="Familjecentralen Norr", municipality="0180")
    page = client.get("/enheter/?q=&region=12&municipality=&classification=&status=&service=&method=")
    link = next(l for l in re.findall(r'href="(/api/v1/units/export\?[^"]+)"', page.content.decode()) if "format=csv" in l)
    response = client.get(link.replace("&amp;", "&"))
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    assert "Familjecentralen Söder" in text and "Familjecentralen Norr" not in text


def test_pages_with_figures_from_a_synthetic_registry_say_so_even_without_local_units(client, make_unit):
    make_unit(synthetic=True, source="synthetic_demo", municipality="1280")
    for url in ("/kommun/0380/", "/region/03/"):
        page = client.get(url).content.decode()
        assert "Syntetisk demodata" in page and "(syntetisk demodata)" in page, url


def test_lists_of_kommuner_and_units_are_in_swedish_alphabetical_order(client, make_user, make_unit):
    for name, code in [("Öppna förskolan Ö", "1880"), ("Familjecentralen Å", "2321"), ("Familjecentralen Ä", "0765"),
                       ("Familjecentralen Z", "1280")]:
        make_unit(name=name, municipality=code)
    client.force_login(make_user("national_administrator"))

    listed = re.findall(r'<td><a href="/enheter/\d+/">([^<]+)</a>', client.get("/enheter/").content.decode())
    options = re.findall(r'<option value="\d{4}"[^>]*>([^<]+)</option>', client.get("/enheter/ny/").content.decode())

    assert listed == ["Familjecentralen Z", "Familjecentralen Å", "Familjecentralen Ä", "Öppna förskolan Ö"]  # Malmö, Åre, Älmhult, Örebro
    assert options.index("Ystad") < options.index("Åre") < options.index("Älmhult") < options.index("Örebro")
    assert len(options) == 290
