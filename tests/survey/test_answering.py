"""Answering by the personal link: prefilled answers, page by page with the server's skip logic and constraints,
autosave that loses nothing (repeated saves, two people at once), leaving and returning, one receipt."""

import datetime as dt
import re
import uuid

import pytest

from fcatlas.survey import tokens, waves
from fcatlas.survey.models import Audience, Response, ResponseSave, ResponseStatus

pytestmark = pytest.mark.django_db


def page_form(client, url: str) -> dict:
    """What the browser would post back from the page unchanged: its hidden fields and current answers."""
    html = client.get(url).content.decode()
    data = {"_fields": re.findall(r'name="_fields" value="([^"]+)"', html),
            "_revision": re.search(r'name="_revision" value="(\d+)"', html).group(1),
            "_save_id": re.search(r'name="_save_id" value="([^"]+)"', html).group(1)}
    for name, value in re.findall(r'<input id="[^"]*" name="(/data/[^"]+)" type="[^"]*" value="([^"]*)"', html):
        data[name] = value
    for name, value in re.findall(r'name="(/data/[^"]+)" value="([^"]*)" checked', html):
        data.setdefault(name, value)
    return data


def stored(surveyed_unit) -> Response:
    return Response.objects.get(unit_number=surveyed_unit.pk)


def test_the_link_opens_the_units_questionnaire_prefilled_from_the_registry(client, unit_link, surveyed_unit):
    overview = client.get(unit_link)
    assert overview.status_code == 200
    assert "Du svarar för <strong>Familjecentralen Enkät</strong>" in overview.content.decode()

    page = client.get(unit_link + "sida/1/").content.decode()
    assert 'value="Familjecentralen Enkät"' in page and 'value="040-34 10 00"' in page
    assert re.search(r'value="ja" checked', page), "the coordinator answer comes from the registry"
    assert 'name="/data/enheten/samordnare_tid" type="text" value="0,5" inputmode="decimal"' in page
    response = stored(surveyed_unit)
    assert response.version.questionnaire.code == "prov" and response.status == ResponseStatus.DRAFT


def test_a_constraint_error_keeps_the_respondent_on_the_page_with_the_forms_message_and_the_answer_saved(
        client, unit_link, surveyed_unit):
    url = unit_link + "sida/1/"
    data = page_form(client, url) | {"/data/enheten/samordnare_tid": "9", "_action": "next"}

    answer = client.post(url, data)

    page = answer.content.decode()
    assert answer.status_code == 200
    assert "1 svar på sidan behöver rättas." in page
    assert "Samordnarens årsarbetare: Mellan 0 och 5 årsarbetare." in page
    assert 'aria-invalid="true"' in page
    assert stored(surveyed_unit).answers["enheten"]["samordnare_tid"] == "9", "nothing typed is lost"


def test_skip_logic_is_decided_by_the_server_and_a_good_page_moves_on(client, unit_link, surveyed_unit):
    url = unit_link + "sida/1/"
    data = page_form(client, url) | {"/data/enheten/samordnare": "nej", "_action": "next"}
    data.pop("/data/enheten/samordnare_tid")

    moved = client.post(url, data)

    assert moved.status_code == 302 and moved["Location"].endswith("/sida/2/")
    assert stored(surveyed_unit).answers["enheten"]["samordnare_tid"] == "", "an answer that no longer applies goes"
    again = client.get(url).content.decode()
    assert re.search(r'data-path="/data/enheten/samordnare_tid" hidden', again)


def test_autosave_answers_with_what_applies_and_what_is_wrong(client, unit_link, surveyed_unit):
    data = page_form(client, unit_link + "sida/1/") | {"/data/enheten/samordnare": "nej",
                                                        "/data/enheten/telefon": "ring oss"}

    saved = client.post(unit_link + "spara/", data)

    body = saved.json()
    assert saved.status_code == 200 and body["revision"] == 1
    assert "/data/enheten/samordnare_tid" in body["hidden"]
    assert body["errors"] == {"/data/enheten/telefon": "Skriv telefonnumret med siffror."}
    assert stored(surveyed_unit).answers["enheten"]["telefon"] == "ring oss"


def test_the_same_save_sent_twice_after_a_broken_connection_is_applied_once(client, unit_link, surveyed_unit):
    data = page_form(client, unit_link + "sida/1/") | {"/data/enheten/telefon": "040-11 11 11"}

    first = client.post(unit_link + "spara/", data).json()
    second = client.post(unit_link + "spara/", data).json()

    assert first["revision"] == second["revision"] == 1
    assert ResponseSave.objects.filter(response=stored(surveyed_unit)).count() == 1


def test_two_people_answering_at_once_lose_nothing(client, unit_link, surveyed_unit, django_user_model):
    """Anna and Bo opened the same page; Anna saves a new phone number first. Bo's different number is not
    written over hers: it is shown to him, and both stay in the log of saves."""
    url = unit_link + "sida/1/"
    anna = page_form(client, url)
    bo = dict(anna) | {"_save_id": str(uuid.uuid4())}

    client.post(unit_link + "spara/", anna | {"/data/enheten/telefon": "040-22 22 22"})
    answer = client.post(url, bo | {"/data/enheten/telefon": "040-33 33 33", "/data/enheten/oppnade": "2019-05-01",
                                    "_action": "next"})

    page = answer.content.decode()
    assert answer.status_code == 200
    assert "Någon annan sparade nya svar på samma frågor" in page
    assert "Ditt svar ”040-33 33 33”" in page
    response = stored(surveyed_unit)
    assert response.answers["enheten"]["telefon"] == "040-22 22 22"
    assert response.answers["enheten"]["oppnade"] == "2019-05-01", "Bo's other answers are saved"
    assert response.saves.get(revision=2).kept_theirs == {"/data/enheten/telefon": ["040-33 33 33", "040-22 22 22"]}


def test_a_respondent_leaves_and_returns_to_the_answers_saved(client, unit_link, surveyed_unit):
    data = page_form(client, unit_link + "sida/1/") | {"/data/enheten/oppnade": "2018-09-03", "_action": "save"}
    client.post(unit_link + "sida/1/", data)
    client.logout()

    again = client.get(unit_link + "sida/1/").content.decode()

    assert 'value="2018-09-03"' in again


def answer_everything(client, unit_link):
    first = page_form(client, unit_link + "sida/1/") | {"/data/enheten/samordnare": "nej", "_action": "next"}
    first.pop("/data/enheten/samordnare_tid", None)
    client.post(unit_link + "sida/1/", first)
    second = page_form(client, unit_link + "sida/2/") | {
        "/data/verksamheter/verksamheter_pa_plats": ["child_health", "open_preschool"],
        "/data/verksamheter/bvc/bvc_huvudman": "region", "/data/verksamheter/bvc/bvc_driftsform": "own_management",
        "_action": "next"}
    client.post(unit_link + "sida/2/", second)
    third = page_form(client, unit_link + "sida/3/") | {"/data/program/grupp[1]/grupp_namn": "Pappagrupp",
                                                         "/data/program/grupp[1]/grupp_antal": "8", "_action": "next"}
    return client.post(unit_link + "sida/3/", third)


def test_a_repeat_gets_another_instance_and_loses_one(client, unit_link, surveyed_unit):
    url = unit_link + "sida/3/"
    client.post(url, page_form(client, url) | {"/data/program/grupp[1]/grupp_namn": "Första", "_add":
                                                 "/data/program/grupp"})
    page = client.get(url).content.decode()
    assert "Föräldragrupp 2" in page
    client.post(url, page_form(client, url) | {"/data/program/grupp[2]/grupp_namn": "Andra",
                                                "_remove": "/data/program/grupp[1]"})
    assert [g["grupp_namn"] for g in stored(surveyed_unit).answers["program"]["grupp"]] == ["Andra"]


def test_submitting_twice_gives_one_receipt_and_the_answers_can_no_longer_change(client, unit_link, surveyed_unit):
    assert answer_everything(client, unit_link)["Location"].endswith(unit_link)

    first = client.post(unit_link + "skicka-in/")
    second = client.post(unit_link + "skicka-in/")

    assert first["Location"] == second["Location"] == unit_link + "kvitto/"
    response = stored(surveyed_unit)
    assert response.status == ResponseStatus.SUBMITTED and re.fullmatch(r"K\d{4}-\d{6}", response.receipt)
    assert Response.objects.count() == 1
    receipt = client.get(unit_link + "kvitto/").content.decode()
    assert response.receipt in receipt and "Pappagrupp" in receipt and "Barnhälsovård; Öppen förskola" in receipt
    late = client.post(unit_link + "spara/", {"_fields": ["/data/enheten/telefon"], "_revision": "9",
                                              "_save_id": str(uuid.uuid4()), "/data/enheten/telefon": "1"})
    assert late.status_code == 409 and "kan inte ändras längre" in late.json()["error"]


def test_an_incomplete_response_is_not_submitted_and_the_overview_says_what_is_missing(client, unit_link,
                                                                                      surveyed_unit):
    refused = client.post(unit_link + "skicka-in/", follow=True)
    page = refused.content.decode()
    assert "Svaret kan inte skickas in ännu" in page and "att fylla i eller rätta" in page
    assert stored(surveyed_unit).status == ResponseStatus.DRAFT


def test_a_forwarded_link_replaces_the_old_one_and_carries_the_answers(client, wave, unit_link, surveyed_unit):
    data = page_form(client, unit_link + "sida/1/") | {"/data/enheten/oppnade": "2017-01-09", "_action": "save"}
    client.post(unit_link + "sida/1/", data)
    old = wave.invitations.get(audience=Audience.UNIT, unit=surveyed_unit)

    new = waves.forward(old, "ny.person@exempel.se")

    refused = client.get(unit_link)
    assert refused.status_code == 404 and "Länken har ersatts av en ny" in refused.content.decode()
    new_link = f"/svar/{tokens.link_token(new)}/"
    assert 'value="2017-01-09"' in client.get(new_link + "sida/1/").content.decode()


@pytest.mark.parametrize("link, message", [
    ("/svar/inte-en-lank/", "Länken är inte giltig"),
    ("/svar/eyJpIjo5OTk5LCJuIjoieCJ9:1xYLZw:fel/", "Länken är inte giltig"),
])
def test_a_broken_link_says_so_without_revealing_anything(client, wave, link, message):
    refused = client.get(link)
    assert refused.status_code == 404 and message in refused.content.decode()


def test_answers_carry_over_from_the_last_wave_for_the_same_unit(client, wave, unit_link, surveyed_unit,
                                                                 test_form_version, organisation_form_version):
    answer_everything(client, unit_link)
    client.post(unit_link + "skicka-in/")
    wave.opens_on = wave.opens_on.replace(year=wave.opens_on.year - 3)
    wave.closes_on = wave.closes_on.replace(year=wave.closes_on.year - 3)
    wave.save()
    later = waves.create_wave(name="Kartläggning senare", opens_on=dt.date.today(),
                              closes_on=dt.date.today() + dt.timedelta(days=30), unit_version=test_form_version,
                              organisation_version=organisation_form_version)
    link = f"/svar/{tokens.link_token(later.invitations.get(unit=surveyed_unit))}/"

    page = client.get(link + "sida/3/").content.decode()

    assert 'value="Pappagrupp"' in page, "an unmapped answer comes from the last wave"
    carried = Response.objects.get(wave=later).answers
    assert carried["verksamheter"]["verksamheter_pa_plats"] == "child_health open_preschool"
    assert carried["enheten"]["namn"] == "Familjecentralen Enkät", "mapped answers come from the registry"


def test_pressing_enter_in_a_field_saves_the_page_and_never_removes_a_repeat(client, unit_link):
    page = client.get(unit_link + "sida/3/").content.decode()
    form = page[page.index('id="survey-form"'):]
    first_button = re.search(r"<button [^>]*>", form).group(0)
    assert 'name="_action" value="save"' in first_button, "the browser submits with the form's first button"
    assert form.index('value="save"') < form.index('name="_remove"')
