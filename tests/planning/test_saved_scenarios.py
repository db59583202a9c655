"""A planner saves a scenario under a name; others open it, see before and after, and download it."""

import csv
import io
import json

import pytest

from fcatlas.planning.models import SavedScenario

pytestmark = pytest.mark.django_db

FOUR_CORE = ("maternal_health", "child_health", "open_preschool", "preventive_social_services")
LUND = (13.1910, 55.7047)


@pytest.fixture
def malmo(make_unit):
    return make_unit(name="Familjecentralen Sorgenfri", municipality="1280", services=FOUR_CORE, latitude=55.605,
                     longitude=13.0038)


def test_a_saved_scenario_shows_before_and_after_to_another_planner(client, make_user, malmo):
    client.force_login(make_user("regional_coordinator", region="12", username="planerare"))
    query = f"region=12&radie=2000&ar=2025&add={LUND[0]},{LUND[1]}&close={malmo.pk}"
    response = client.post("/planering/scenarier/spara/", {"name": "Lund i stället för Malmö", "query": query,
                                                          "description": "Flytt av verksamheten."})
    saved = SavedScenario.objects.get()
    assert response["Location"] == f"/planering/scenarier/{saved.pk}/"
    assert saved.additions == [[LUND[0], LUND[1]]] and saved.closures == [malmo.pk] and saved.region_id == "12"

    client.force_login(make_user("municipal_coordinator", municipality="1281", username="kollega"))
    page = client.get(f"/planering/scenarier/{saved.pk}/").content.decode()
    assert "Lund i stället för Malmö" in page and "Familjecentralen Sorgenfri" in page
    assert f"/planering/?{saved.scenario_query().replace('&', '&amp;')}" in page
    assert "Ta bort scenariot" not in page  # only the one who saved it, or a national administrator
    text = client.get(f"/planering/scenarier/{saved.pk}/?format=csv").content.decode("utf-8-sig")
    lund = next(row for row in csv.reader(io.StringIO(text), delimiter=";") if row[:2] == ["Kommun", "1281"])
    assert float(lund[6].replace(",", ".")) > 0  # more children within reach in Lund after
    points = json.loads(client.get(f"/planering/scenarier/{saved.pk}/?format=geojson").content)
    assert sorted(f["properties"]["change"] for f in points["features"]) == ["stängs", "tänkt ny enhet"]


def test_a_scenario_is_checked_by_the_scenario_s_rules_before_it_is_kept(client, make_user, malmo):
    client.force_login(make_user("national_administrator"))
    response = client.post("/planering/scenarier/spara/", {"name": "Till havs", "query": "region=12&add=5.0,50.0"})
    assert response.status_code == 422
    page = response.content.decode()
    assert "ligger inte i Sverige" in page and 'value="Till havs"' in page  # the name typed is kept
    nameless = client.post("/planering/scenarier/spara/", {"name": " ", "query": f"region=12&close={malmo.pk}"})
    assert nameless.status_code == 422 and "Ge scenariot ett namn" in nameless.content.decode()
    assert not SavedScenario.objects.exists()


def test_saved_scenarios_are_for_planners(client, make_user, malmo):
    saved = SavedScenario.objects.create(name="Internt", region_id="12", radius_m=2000, police_year=2025,
                                         closures=[malmo.pk])
    assert client.get(f"/planering/scenarier/{saved.pk}/").status_code == 302  # to the login page
    client.force_login(make_user("reader"))
    assert client.get(f"/planering/scenarier/{saved.pk}/").status_code == 403
    assert client.post(f"/planering/scenarier/{saved.pk}/ta-bort/").status_code == 403
    assert SavedScenario.objects.exists()


def test_the_one_who_saved_a_scenario_may_remove_it(client, make_user, malmo):
    owner = make_user("regional_coordinator", region="12")
    saved = SavedScenario.objects.create(name="Prov", region_id="12", radius_m=2000, police_year=2025,
                                         closures=[malmo.pk], created_by=owner)
    client.force_login(owner)
    assert client.post(f"/planering/scenarier/{saved.pk}/ta-bort/").status_code == 302
    assert not SavedScenario.objects.exists()
