"""Questionnaires and versions: the shipped ones use the registry's codes, install once, and a changed form is a new
version while answers keep the version they were given on; uploads are checked and downloads run elsewhere."""

import io
import uuid
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from fcatlas.survey import answering, tokens
from fcatlas.survey.mapping import mapping_problems
from fcatlas.survey.models import Audience, Questionnaire, QuestionnaireVersion
from fcatlas.survey.questionnaires import SHIPPED_DIR, install_shipped
from fcatlas.survey.xlsform import compile_xlsform, workbook_from_markdown

pytestmark = pytest.mark.django_db
HERE = Path(__file__).parent


@pytest.mark.parametrize("name", ["enhet", "huvudman"])
def test_the_shipped_questionnaires_map_onto_registry_fields_with_the_registrys_codes(name):
    definition = compile_xlsform((SHIPPED_DIR / f"{name}.md").read_bytes(), f"{name}.md").definition
    assert mapping_problems(definition) == []
    mapped = {node.registry for node in definition.binds.values() if node.registry}
    assert ({"name", "phone", "services", "working_methods", "staffing.midwife", "opening_hours"} <= mapped
            if name == "enhet" else "unit" in mapped)


def test_a_form_using_a_code_the_registry_lacks_is_refused():
    broken = (HERE / "provformular.md").read_text().replace("| | huvudman | private |", "| | huvudman | privat |")
    definition = compile_xlsform(broken.encode(), "prov.md").definition
    assert mapping_problems(definition) == [
        "Frågan bvc_huvudman hör till registerfältet services.child_health.principal, men svarsalternativet ”privat” "
        "finns inte där (tillåtna: municipality, non_profit, private, region)."]


def test_installing_twice_changes_nothing():
    first, again = install_shipped(), install_shipped()
    assert [i.created for i in first] == [True, True] and [i.created for i in again] == [False, False]
    assert QuestionnaireVersion.objects.count() == 2


def test_a_changed_form_is_a_new_version_and_answers_keep_theirs(client, make_user, wave, surveyed_unit,
                                                                 test_form_version):
    invitation = wave.invitations.get(audience=Audience.UNIT, unit=surveyed_unit)
    begun = answering.open_response(invitation)
    answering.save_answers(begun, {"/data/enheten/telefon": "040-10 10 10"}, base_revision=0, save_id=uuid.uuid4())
    changed = (HERE / "provformular.md").read_text().replace("Enhetens namn", "Vad heter enheten?")
    client.force_login(make_user("national_administrator"))

    uploaded = client.post("/kartlaggning/formular/prov/ny-version/",
                           {"fil": SimpleUploadedFile("prov.xlsx", workbook_from_markdown(changed))}, follow=True)

    assert "Provformulär: version 2 är sparad. Nya svar i Kartläggning 2026 ges på den; svar som redan påbörjats " \
           "behåller sin version." in uploaded.content.decode()
    begun.refresh_from_db()
    assert begun.version.number == 1 and begun.answers["enheten"]["telefon"] == "040-10 10 10"
    wave.refresh_from_db()
    assert wave.unit_version.number == 2
    lund = answering.open_response(wave.invitations.get(audience=Audience.UNIT, unit__name="Familjecentralen Lund"))
    assert lund.version.number == 2
    assert "Vad heter enheten?" in client.get(f"/svar/{tokens.link_token(lund.invitation)}/sida/1/").content.decode()


def test_an_upload_with_problems_lists_them_in_swedish_and_stores_nothing(client, make_user, test_form_version):
    client.force_login(make_user("national_administrator"))
    broken = (HERE / "provformular.md").read_text().replace("select_one ja_nej", "select_one janej")

    refused = client.post("/kartlaggning/formular/prov/ny-version/",
                          {"fil": SimpleUploadedFile("prov.md", broken.encode())})

    assert refused.status_code == 400
    assert "Bladet survey, rad 7, kolumn type: Svarslistan ”janej” finns inte på bladet choices." \
        in refused.content.decode()
    assert QuestionnaireVersion.objects.filter(questionnaire__code="prov").count() == 1


def test_a_version_downloads_as_an_xlsform_and_as_an_xform_that_odk_runs(client, make_user, test_form_version):
    client.force_login(make_user("national_administrator"))
    workbook = client.get(f"/kartlaggning/formular/version/{test_form_version.pk}.xlsx")
    xform = client.get(f"/kartlaggning/formular/version/{test_form_version.pk}.xml")
    assert compile_xlsform(workbook.content, "prov.xlsx").xform == test_form_version.xform == xform.content.decode()
    assert xform["Content-Disposition"] == 'attachment; filename="prov-v1.xml"'


def test_the_command_validates_a_form_and_says_where_it_is_wrong(tmp_path):
    good = io.StringIO()
    call_command("survey", "validate", str(SHIPPED_DIR / "enhet.md"), stdout=good)
    assert "enhet.md: ”Kartläggning av familjecentraler 2026 – enhet” (form_id fcatlas_enhet, version 2026.1) är " \
           "giltigt: 8 sidor" in good.getvalue().replace("\n", " ")
    bad = tmp_path / "fel.md"
    bad.write_text((HERE / "provformular.md").read_text().replace("count-selected(", "count-valda("))
    output = io.StringIO()
    with pytest.raises(CommandError, match="1 fel"):
        call_command("survey", "validate", str(bad), stdout=output)
    assert "Bladet survey, rad 12, kolumn calculation: Uttrycket ”count-valda(${…})” är inte giltig XPath" in \
        output.getvalue().replace("\n", "")
