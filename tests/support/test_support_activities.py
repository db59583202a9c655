"""Recording support activities: the form saves through one function, keeps every version, refuses bad input
in Swedish naming the field, and the lists, views and XLSX file show each role its own activities."""

import io

import openpyxl
import pytest

from fcatlas.support.activities import save_activity
from fcatlas.support.models import Revision, SupportActivity
from posting import opened_revision

pytestmark = pytest.mark.django_db


def form(**changes) -> dict:
    return {"activity_type": "dialogue_meeting", "held_on": "2026-02-10", "title": "Dialogmöte om våldsrutiner",
            "description": "Med ledningen för familjecentralerna.", "themes": ["violence", "honour_violence"],
            "region": "", "municipality": "1280", "unit": "", "small_area_code": "", "follow_up_on": "2026-05-10",
            "outcome": "", "participants_midwife": "3", "participants_social_worker": "4"} | changes


@pytest.fixture
def officer(client, make_user):
    client.force_login(make_user("support_officer"))
    return client


def test_a_support_officer_records_a_dialogue_meeting(officer):
    response = officer.post("/stod/insatser/ny/", form())
    activity = SupportActivity.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/stod/insatser/{activity.pk}/"
    assert (activity.municipality_id, activity.region_id, activity.unit_id) == ("1280", "12", None)
    assert activity.participants == {"midwife": 3, "social_worker": 4} and activity.participant_count == 7
    assert activity.themes == ["violence", "honour_violence"]
    assert Revision.objects.filter(kind="activity", object_id=activity.pk).count() == 1
    page = officer.get(response["Location"]).content.decode()
    assert "Dialogmöte om våldsrutiner" in page and "Barnmorskor: 3" in page and "(sammanlagt 7)" in page
    assert "<dt>Till</dt><dd>Malmö, Skåne län</dd>" in page
    assert "Att förebygga och upptäcka våld, Hedersrelaterat våld och förtryck" in page
    assert "Att fråga om våld på familjecentralen" not in page  # no library loaded in this test
    listing = officer.get("/stod/insatser/").content.decode()
    assert "1 insats med sammanlagt 7 deltagare" in listing
    assert "<td>Att förebygga och upptäcka våld; Hedersrelaterat våld och förtryck</td>" in listing


def test_an_activity_given_to_a_unit_takes_its_kommun_and_region(officer, make_unit):
    unit = make_unit(name="FC Lund", municipality="1281")
    officer.post("/stod/insatser/ny/", form(municipality="", unit=str(unit.pk), activity_type="training"))
    activity = SupportActivity.objects.get()
    assert (activity.unit_id, activity.municipality_id, activity.region_id) == (unit.pk, "1281", "12")
    page = officer.get(f"/stod/insatser/{activity.pk}/").content.decode()
    assert f'<dd><a href="/enheter/{unit.pk}/">FC Lund</a>, Lund, Skåne län</dd>' in page


def test_bad_input_is_refused_in_swedish_naming_each_field_and_nothing_is_saved(officer):
    response = officer.post("/stod/insatser/ny/", form(
        activity_type="", held_on="10/2 2026", themes=[], municipality="", small_area_code="12R",
        participants_midwife="tre", follow_up_on="2026-01-01"))
    page = response.content.decode()
    assert response.status_code == 400 and not SupportActivity.objects.exists()
    for message in ("Välj vilken typ av stöd det var.", "Datum ska skrivas ÅÅÅÅ-MM-DD, till exempel 2026-03-14, inte ”10/2 2026”.",
                    "Välj minst ett tema.", "Välj vilken region, kommun eller enhet stödet gavs till.",
                    "Antalet barnmorskor ska vara ett heltal från 0 till 10000, inte ”tre”.",
                    "Områdets RegSO-kod ska vara fyra siffror, R och tre siffror"):
        assert message in page
    assert 'value="Dialogmöte om våldsrutiner"' in page and 'value="tre"' in page


def test_an_area_outside_the_chosen_kommun_is_refused(officer):
    response = officer.post("/stod/insatser/ny/", form(small_area_code="0180R001"))
    assert response.status_code == 400
    assert "Området 0180R001 ligger inte i Malmö (kommunkod 1280)." in response.content.decode()


def test_an_edit_keeps_the_earlier_version(officer):
    officer.post("/stod/insatser/ny/", form())
    activity = SupportActivity.objects.get()
    edit_url = f"/stod/insatser/{activity.pk}/andra/"
    officer.post(edit_url, form(outcome="Rutinen är antagen av styrgruppen.") | {
        "revision": opened_revision(officer, edit_url)})
    activity.refresh_from_db()
    assert activity.outcome == "Rutinen är antagen av styrgruppen."
    versions = [r.data for r in Revision.objects.filter(kind="activity", object_id=activity.pk)]
    assert [v["outcome"] for v in versions] == ["", "Rutinen är antagen av styrgruppen."]


def test_the_xlsx_holds_every_activity_shown_with_its_participants(officer):
    officer.post("/stod/insatser/ny/", form())
    officer.post("/stod/insatser/ny/", form(title="Utbildning i Lund", municipality="1281", activity_type="training",
                                            themes=["equal_parenting"], participants_midwife="",
                                            participants_social_worker="12"))
    response = officer.get("/stod/insatser/", {"theme": "equal_parenting", "format": "xlsx"})
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Om filen", "Stödinsatser"]
    rows = list(book["Stödinsatser"].values)
    header, body = rows[0], rows[1:]
    assert len(body) == 1 and body[0][header.index("Rubrik")] == "Utbildning i Lund"
    assert body[0][header.index("Deltagare")] == 12 and body[0][header.index("Kommun")] == "Lund"
    assert body[0][header.index("Teman")] == "Jämställt föräldraskap och pappors delaktighet"


@pytest.mark.parametrize("role, scope, sees", [
    ("national_administrator", {}, {"Malmö", "Lund", "Stockholm"}),
    ("support_officer", {}, {"Malmö", "Lund", "Stockholm"}),
    ("regional_coordinator", {"region": "12"}, {"Malmö", "Lund"}),
    ("municipal_coordinator", {"municipality": "1281"}, {"Lund"}),
])
def test_each_role_sees_the_activities_of_its_own_area(client, make_user, role, scope, sees):
    author = make_user("support_officer", username="stod")
    made = {name: save_activity(None, form(title=f"Stöd i {name}", municipality=code) | {"participants": {}}, author)
            for name, code in (("Malmö", "1280"), ("Lund", "1281"), ("Stockholm", "0180"))}
    client.force_login(make_user(role, **scope))
    page = client.get("/stod/insatser/").content.decode()
    assert {name for name in made if f"Stöd i {name}" in page} == sees
    for name, activity in made.items():
        assert client.get(f"/stod/insatser/{activity.pk}/").status_code == (200 if name in sees else 404)


@pytest.mark.parametrize("role, scope", [("regional_coordinator", {"region": "12"}),
                                         ("municipal_coordinator", {"municipality": "1280"}),
                                         ("unit_staff", {"municipality": "1280"}), ("reader", {})])
def test_only_support_staff_record_activities(client, make_user, role, scope):
    client.force_login(make_user(role, **scope))
    assert client.get("/stod/insatser/ny/").status_code == 403
    assert client.post("/stod/insatser/ny/", form()).status_code == 403
    assert not SupportActivity.objects.exists()


def test_readers_see_no_activities_and_visitors_are_asked_to_log_in(client, make_user):
    assert client.get("/stod/insatser/")["Location"].startswith("/konto/logga-in/")
    client.force_login(make_user("reader"))
    assert client.get("/stod/insatser/").status_code == 403
