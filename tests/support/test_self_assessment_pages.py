"""A unit's staff fill in the self-assessment together, save as they go, complete it, and see the result with
suggestions; others read it by their role, and nobody changes another unit's assessment."""

import re

import pytest
from django.contrib.auth import get_user_model

from fcatlas.support.models import AssessmentRound, Revision, Rubric
from fcatlas.support.scoring import criterion_keys
from fcatlas.support.team import grant_unit_staff
from posting import opened_revision

pytestmark = pytest.mark.django_db


@pytest.fixture
def unit(make_unit):
    return make_unit(name="FC Rosengård", municipality="1280", latitude=55.585, longitude=13.04)


@pytest.fixture
def staff(client, make_user, unit, support_material):
    user = make_user("reader", username="personal")
    grant_unit_staff("personal", unit.pk)
    client.force_login(user)
    return client


def levels(value_for) -> dict:
    keys = criterion_keys(Rubric.objects.get(version=1).definition)
    return {f"{key}.level": str(value_for(key)) for key in keys}


def fill(client, round_pk, data, action="save"):
    url = f"/stod/sjalvskattning/omgang/{round_pk}/"
    return client.post(url, data | {"action": action, "taken_part": "BVC, öppen förskola",
                                    "revision": opened_revision(client, url)})


def start(client, unit):
    response = client.post(f"/stod/sjalvskattning/enhet/{unit.pk}/ny/")
    return AssessmentRound.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))


def test_staff_save_as_they_go_and_complete_only_when_every_criterion_has_a_level(staff, unit):
    assessment = start(staff, unit)
    response = fill(staff, assessment.pk, {"violence.routine.level": "2", "violence.routine.evidence": "Rutin finns för BVC.",
                                           "violence.routine.action_plan": "Gemensam rutin till hösten."})
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.answers["violence.routine"] == {"level": 2, "evidence": "Rutin finns för BVC.",
                                                      "action_plan": "Gemensam rutin till hösten."}
    response = fill(staff, assessment.pk, {"violence.routine.level": "2"}, action="complete")
    assessment.refresh_from_db()
    assert response.status_code == 200 and assessment.completed_on is None
    assert "15 saknar nivå. Det ni har fyllt i är sparat." in response.content.decode()
    assert Revision.objects.filter(kind="assessment", object_id=assessment.pk).count() == 2


def test_a_level_out_of_range_is_refused_naming_the_criterion(staff, unit):
    assessment = start(staff, unit)
    response = fill(staff, assessment.pk, {"governance.agreement.level": "9"})
    assert response.status_code == 400
    assert ("Nivån för ”Det finns ett skriftligt samverkansavtal mellan region och kommun om familjecentralen.” "
            "ska vara 1–4, inte ”9”.") in response.content.decode()
    assessment.refresh_from_db()
    assert assessment.answers == {}


def test_the_result_explains_itself_and_suggests_material_for_the_weakest_themes(staff, unit):
    assessment = start(staff, unit)
    weak = {"violence", "equal_parenting"}
    response = fill(staff, assessment.pk, levels(lambda key: 1 if key.split(".")[0] in weak else 3), action="complete")
    assert response.status_code == 302 and response["Location"] == f"/stod/sjalvskattning/enhet/{unit.pk}/"
    page = staff.get(response["Location"]).content.decode()
    assert "Att arbeta vidare med först: att förebygga och upptäcka våld (nivå 1,0 av 4) och jämställt " \
           "föräldraskap och pappors delaktighet (nivå 1,0 av 4)" in page
    assert "Läs: <a href=\"/stod/kunskapsbank/fraga-om-vald-pa-familjecentralen/\">" in page
    assert "Jämställt föräldraskap: att nå pappor och partner" in page
    assert "Stöd att be om: utbildning" in page


def test_a_completed_round_is_not_changed(staff, unit):
    assessment = start(staff, unit)
    url = f"/stod/sjalvskattning/omgang/{assessment.pk}/"
    revision = opened_revision(staff, url)
    fill(staff, assessment.pk, levels(lambda key: 2), action="complete")
    assert "revision" not in staff.get(url).content.decode(), "a completed round shows no form"
    assert staff.post(url, levels(lambda key: 4) | {"revision": revision}).status_code == 403
    assessment.refresh_from_db()
    assert {answer["level"] for answer in assessment.answers.values()} == {2}


@pytest.mark.parametrize("role, scope, reads", [
    ("support_officer", {}, True), ("national_administrator", {}, True),
    ("regional_coordinator", {"region": "12"}, True), ("regional_coordinator", {"region": "01"}, False),
    ("municipal_coordinator", {"municipality": "1280"}, True), ("municipal_coordinator", {"municipality": "1281"}, False),
    ("reader", {}, False)])
def test_who_reads_a_units_assessment_and_that_nobody_else_fills_it_in(client, make_user, unit, support_material,
                                                                       role, scope, reads):
    grant_unit_staff(make_user("reader", username="personal").username, unit.pk)
    client.force_login(make_user(role, **scope))
    assert client.get(f"/stod/sjalvskattning/enhet/{unit.pk}/").status_code == (200 if reads else 403)
    assert client.post(f"/stod/sjalvskattning/enhet/{unit.pk}/ny/").status_code == 403
    assert not AssessmentRound.objects.exists()


def test_staff_of_one_unit_cannot_change_another_units_round(client, make_user, make_unit, unit, support_material):
    other = make_unit(name="FC Lund", municipality="1281")
    grant_unit_staff(make_user("reader", username="lund").username, other.pk)
    grant_unit_staff(make_user("reader", username="personal").username, unit.pk)
    assessment = AssessmentRound.objects.create(unit=unit, rubric=Rubric.objects.get(), started_on="2026-01-01")
    client.force_login(get_user_model().objects.get(username="lund"))
    assert client.get(f"/stod/sjalvskattning/omgang/{assessment.pk}/").status_code == 403
    assert client.post(f"/stod/sjalvskattning/omgang/{assessment.pk}/", {"violence.routine.level": "4"}).status_code == 403
    assessment.refresh_from_db()
    assert assessment.answers == {}
    assert client.get("/stod/sjalvskattning/")["Location"] == f"/stod/sjalvskattning/enhet/{other.pk}/"


def test_the_result_stands_beside_the_region_and_the_nation(client, make_user, make_unit, unit, support_material):
    from fcatlas.support.assessments import save_answers, start_round

    others = {"lund": make_unit(name="FC Lund", municipality="1281"),
              "rinkeby": make_unit(name="FC Rinkeby", municipality="0180")}
    for (username, other), level in zip([("personal", unit), *others.items()], (1, 3, 4)):
        staff_member = make_user("reader", username=username)
        grant_unit_staff(username, other.pk)
        assessment = start_round(other, staff_member)
        save_answers(assessment, {key: {"level": str(level)} for key in criterion_keys(assessment.rubric.definition)},
                     "", staff_member, complete=True, revision="")
    client.force_login(get_user_model().objects.get(username="personal"))
    page = client.get(f"/stod/sjalvskattning/enhet/{unit.pk}/").content.decode()
    row = re.search(r'<th scope="row">Att förebygga och upptäcka våld</th>(.*?)</tr>', page, flags=re.S)[1]
    # the unit 1,0; Skåne's two units (1 and 3) 2,0; the nation's three (1, 3 and 4) 2,7
    assert re.findall(r'<td class="num">([^<]+)</td>', row) == ["1,0", "2,0", "2,7"]
