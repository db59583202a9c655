"""Review into the registry: a response as changes to the unit's record, accepted or rejected field by field;
accepted ones saved through the registry's rules with the wave as source; conflicts shown, never merged."""

import re
import uuid

import pytest

from fcatlas.registry.editing import save_unit
from fcatlas.registry.models import Source, Unit, UnitChange
from fcatlas.survey import answering, engine
from fcatlas.survey.models import Audience, Decision, Response, ReviewDecision
from fcatlas.survey.questionnaires import definition_of

pytestmark = pytest.mark.django_db


def submitted(invitation, **answers) -> Response:
    """A response for ``invitation`` with the answers given (instance path → text), submitted."""
    response = answering.open_response(invitation)
    answering.save_answers(response, answers, base_revision=response.revision, save_id=uuid.uuid4())
    return answering.submit(response)


@pytest.fixture
def unit_response(wave, surveyed_unit):
    invitation = wave.invitations.get(audience=Audience.UNIT, unit=surveyed_unit)
    return submitted(invitation, **{
        "/data/enheten/telefon": "040-99 99 99", "/data/enheten/oppnade": "2016-02-01",
        "/data/enheten/samordnare": "ja", "/data/enheten/samordnare_tid": "0,75",
        "/data/verksamheter/verksamheter_pa_plats": "child_health open_preschool maternal_health",
        "/data/verksamheter/bvc/bvc_huvudman": "region", "/data/verksamheter/bvc/bvc_driftsform": "own_management",
        "/data/program/grupp[1]/grupp_namn": "Pappagrupp"})


def test_the_review_shows_each_changed_field_against_the_registry(client, make_user, unit_response):
    client.force_login(make_user("national_administrator"))
    page = client.get(f"/kartlaggning/svar/{unit_response.pk}/granska/").content.decode()
    rows = dict(re.findall(r'<th scope="row">([^<]+)</th><td>([^<]*)</td>', page))
    assert rows["Telefon"] == "040-34 10 00"
    assert rows["Samordnare, årsarbetare"] == "0,50"
    assert rows["Öppnade"] == "–"
    assert "040-99 99 99" in page and "Mödrahälsovård (Region" in page
    assert "Namn" not in rows, "an answer equal to the registry is no change"


def test_accepted_fields_are_saved_through_the_registry_with_the_wave_as_source(client, make_user, unit_response,
                                                                                surveyed_unit):
    analyst = make_user("national_administrator")
    client.force_login(analyst)

    saved = client.post(f"/kartlaggning/svar/{unit_response.pk}/granska/", {
        "version": surveyed_unit.version, "f:phone": "accept", "f:coordinator_fte": "accept", "f:opened_on": "reject",
        "f:services": ""}, follow=True)

    assert "Sparat: 2 godkända, 1 avvisade. Enheten är nu i version 2." in saved.content.decode()
    unit = Unit.objects.get(pk=surveyed_unit.pk)
    assert (unit.phone, float(unit.coordinator_fte), unit.opened_on) == ("040-99 99 99", 0.75, None)
    change = UnitChange.objects.get(unit=unit, version=2)
    assert change.source == Source.SURVEY_WAVE and change.changed_by == analyst
    assert change.source_detail == f"Kartläggning 2026, svar {unit_response.receipt}"
    assert set(change.fields) - {"source", "source_detail"} == {"phone", "coordinator_fte"}
    assert set(ReviewDecision.objects.values_list("key", "decision")) == {
        ("phone", Decision.ACCEPTED), ("coordinator_fte", Decision.ACCEPTED), ("opened_on", Decision.REJECTED)}
    history = client.get(unit.get_absolute_url()).content.decode()
    assert "Kartläggning 2026" in history and "040-99 99 99" in history
    still_open = client.get(f"/kartlaggning/svar/{unit_response.pk}/granska/").content.decode()
    assert 'name="f:services"' in still_open and 'name="f:phone"' not in still_open


def test_a_unit_edited_since_the_wave_opened_is_shown_as_a_conflict_and_a_stale_review_is_refused(
        client, make_user, unit_response, surveyed_unit):
    editor = make_user("municipal_coordinator", municipality="1280", username="karin")
    save_unit(surveyed_unit, {"phone": "040-12 12 12"}, user=editor, source=Source.MANUAL_EDIT,
              expected_version=surveyed_unit.version)
    client.force_login(make_user("national_administrator"))

    page = client.get(f"/kartlaggning/svar/{unit_response.pk}/granska/").content.decode()
    assert "Konflikt" in page and "av karin (Telefon)" in page

    stale = client.post(f"/kartlaggning/svar/{unit_response.pk}/granska/", {"version": 1, "f:phone": "accept"})
    assert stale.status_code == 409 and "Någon har ändrat enheten medan du granskade" in stale.content.decode()
    assert Unit.objects.get(pk=surveyed_unit.pk).phone == "040-12 12 12"


def test_two_responses_for_one_unit_are_a_conflict(client, make_user, wave, unit_response, surveyed_unit):
    second = Response.objects.create(wave=wave, audience=Audience.UNIT, unit=surveyed_unit,
                                     unit_number=surveyed_unit.pk, municipality=surveyed_unit.municipality,
                                     region=surveyed_unit.municipality.region, version=unit_response.version,
                                     answers=unit_response.answers)
    answering.submit(second)
    client.force_login(make_user("national_administrator"))
    page = client.get(f"/kartlaggning/svar/{unit_response.pk}/granska/").content.decode()
    assert f"Det finns ett annat inskickat svar för Familjecentralen Enkät i omgången (kvitto " \
           f"{Response.objects.get(pk=second.pk).receipt}" in page


def test_a_unit_a_kommun_reports_becomes_a_registry_unit_after_review(client, make_user, wave):
    invitation = wave.invitations.get(audience=Audience.MUNICIPALITY, municipality="1280")
    response = answering.open_response(invitation)
    definition = definition_of(response.version)
    runs = next(n.path for n in definition.fields() if n.name == "runs_units")
    gate = next(n.path for n in definition.fields() if n.name == "has_missing_units")
    repeat = next(path for path in definition.repeats if definition.node(path).registry == "unit")
    fields = {n.registry: n.path for n in definition.node(repeat).walk() if n.kind == "field" and n.registry}
    values = {runs: "ja", gate: "ja", fields["name"].replace(repeat, f"{repeat}[1]"): "Familjens hus Rosengård",
              fields["services"].replace(repeat, f"{repeat}[1]"): "child_health open_preschool"}
    for node in definition.fields():
        if node.required == "true()" and not node.path.startswith(repeat) and node.path not in values and \
                node.control in ("input", "select1", "select"):
            choices = definition.choice_lists.get(node.choices_instance or "", [])
            values[node.path] = choices[0].value if choices else ("test@exempel.se" if "mail" in node.name else "Text")
    answering.save_answers(response, values, base_revision=0, save_id=uuid.uuid4())
    evaluation = engine.evaluate(definition, Response.objects.get(pk=response.pk).answers)
    assert evaluation.errors == {}, evaluation.errors
    response = answering.submit(response)
    client.force_login(make_user("national_administrator"))

    page = client.get(f"/kartlaggning/svar/{response.pk}/granska/").content.decode()
    assert "Familjens hus Rosengård" in page
    client.post(f"/kartlaggning/svar/{response.pk}/granska/", {"new_unit": f"{repeat}[1]", "decision": "accept"})

    created = Unit.objects.get(name="Familjens hus Rosengård")
    assert created.municipality_id == "1280"
    assert set(created.services.values_list("service_type", flat=True)) == {"child_health", "open_preschool"}
    assert created.changes.get().source == Source.SURVEY_WAVE


def test_only_national_administrators_review(client, make_user, unit_response):
    assert client.get(f"/kartlaggning/svar/{unit_response.pk}/granska/").status_code == 302  # to the login
    client.force_login(make_user("municipal_coordinator", municipality="1280"))
    assert client.get(f"/kartlaggning/svar/{unit_response.pk}/granska/").status_code == 403
