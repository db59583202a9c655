"""Answers collected in ODK or KoboToolbox imported as responses: ODK submission XML, ODK Central CSV, Kobo XLSX
with repeat sheets; all or nothing with a report per row; importing again changes nothing."""

import io
import uuid

import pytest

from fcatlas.accounts.models import AuditEvent
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from fcatlas.survey.interchange import apply_import, plan_import
from fcatlas.survey.models import Response, ResponseSource, ResponseStatus

pytestmark = pytest.mark.django_db


def submission_xml(respondent: str, instance_id: str, *, telefon="040-10 20 30", antal="12", form_id="provformular"):
    return f"""<?xml version="1.0"?>
<data xmlns:jr="http://openrosa.org/javarosa" id="{form_id}" version="1">
  <fcatlas_respondent>{respondent}</fcatlas_respondent>
  <enheten><namn>Familjecentralen Enkät</namn><telefon>{telefon}</telefon><oppnade/><samordnare>nej</samordnare>
    <samordnare_tid/></enheten>
  <verksamheter><verksamheter_pa_plats>child_health</verksamheter_pa_plats><antal_verksamheter>1</antal_verksamheter>
    <antal_not/><bvc><bvc_huvudman>region</bvc_huvudman><bvc_driftsform>own_management</bvc_driftsform></bvc>
  </verksamheter>
  <program><grupp><grupp_namn>Pappagrupp</grupp_namn><grupp_antal>{antal}</grupp_antal></grupp>
    <grupp><grupp_namn>Babycafé</grupp_namn><grupp_antal>4</grupp_antal></grupp><antal_traffar>16</antal_traffar></program>
  <meta><instanceID>uuid:{instance_id}</instanceID></meta>
</data>""".encode()


def test_an_odk_submission_becomes_a_submitted_response_once(wave, surveyed_unit, test_form_version):
    instance = str(uuid.uuid4())
    data = submission_xml(f"enhet:{surveyed_unit.pk}", instance)

    plan = plan_import(wave, test_form_version, data, "inskick.xml")
    assert not plan.has_errors, plan.rows[0].messages
    assert apply_import(plan).created == 1

    response = Response.objects.get(instance_id=instance)
    assert (response.status, response.source, response.unit_number) == (ResponseStatus.SUBMITTED, ResponseSource.ODK,
                                                                        surveyed_unit.pk)
    assert [g["grupp_namn"] for g in response.answers["program"]["grupp"]] == ["Pappagrupp", "Babycafé"]
    assert response.receipt.startswith("K")
    again = plan_import(wave, test_form_version, data, "inskick.xml")
    assert again.count("unchanged") == 1 and apply_import(again).created == 0


@pytest.mark.parametrize("change, message", [
    ({"respondent": "enhet:999999"}, "Det finns ingen enhet 999999 i registret."),
    ({"respondent": ""}, "Inskicket säger inte vem det gäller"),
    ({"antal": "500"}, "grupp_antal: Mellan 1 och 100 träffar."),
    ({"telefon": "ring"}, "telefon: Skriv telefonnumret med siffror."),
])
def test_a_bad_submission_is_refused_with_the_reason_and_nothing_is_saved(wave, surveyed_unit, test_form_version,
                                                                         change, message):
    values = {"respondent": f"enhet:{surveyed_unit.pk}", "antal": "12", "telefon": "040-10 20 30"} | change
    plan = plan_import(wave, test_form_version, submission_xml(
        values["respondent"], str(uuid.uuid4()), telefon=values["telefon"], antal=values["antal"]), "inskick.xml")
    assert plan.has_errors
    assert any(message in text for text in plan.rows[0].messages), plan.rows[0].messages
    assert Response.objects.count() == 0


def test_a_submission_of_another_form_is_refused(wave, surveyed_unit, test_form_version):
    plan = plan_import(wave, test_form_version, submission_xml(f"enhet:{surveyed_unit.pk}", str(uuid.uuid4()),
                                                               form_id="annat"), "inskick.xml")
    assert plan.messages == ["Filen är ett inskick av formuläret ”annat”, inte av ”provformular”."]


def kobo_workbook(surveyed_unit, lund_unit, *, extra_column=None) -> bytes:
    workbook = Workbook()
    main = workbook.active
    main.title = "Provformulär"
    columns = ["fcatlas_respondent", "enheten/namn", "enheten/telefon", "enheten/samordnare",
               "verksamheter/verksamheter_pa_plats", "verksamheter/bvc/bvc_huvudman", "_uuid", "_submission_time",
               "_index", *([extra_column] if extra_column else [])]
    main.append(columns)
    main.append([f"enhet:{surveyed_unit.pk}", "Familjecentralen Enkät", "040-10 20 30", "nej", "child_health",
                 "region", str(uuid.uuid4()), "2026-11-30T10:00:00", 1, *(["x"] if extra_column else [])])
    main.append([f"enhet:{lund_unit.pk}", "Familjecentralen Lund", "", "ja", "open_preschool", "", str(uuid.uuid4()),
                 "2026-11-30T11:00:00", 2, *(["x"] if extra_column else [])])
    groups = workbook.create_sheet("grupp")
    groups.append(["program/grupp/grupp_namn", "program/grupp/grupp_antal", "_parent_index", "_index"])
    groups.append(["Pappagrupp", 8, 1, 1])
    groups.append(["Babycafé", 3, 1, 2])
    groups.append(["Språkcafé", 5, 2, 3])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_kobo_export_with_repeat_sheets_is_read_row_by_row(wave, surveyed_unit, lund_unit, test_form_version):
    plan = plan_import(wave, test_form_version, kobo_workbook(surveyed_unit, lund_unit), "kobo.xlsx")
    errors = {row.number: row.messages for row in plan.rows if row.messages}
    assert errors == {3: ["samordnare_tid: Frågan måste besvaras."]}, "Lund has a coordinator but gave no FTE"
    assert Response.objects.count() == 0


def test_the_page_checks_then_imports_exactly_what_it_showed(client, make_user, wave, surveyed_unit, lund_unit):
    client.force_login(make_user("national_administrator"))
    loaded = load_workbook(io.BytesIO(kobo_workbook(surveyed_unit, lund_unit)))
    loaded["Provformulär"]["D3"] = "nej"
    buffer = io.BytesIO()
    loaded.save(buffer)

    checked = client.post(f"/kartlaggning/{wave.pk}/las-in/", {
        "formular": "enheter", "fil": SimpleUploadedFile("kobo.xlsx", buffer.getvalue())})
    page = checked.content.decode()
    assert checked.status_code == 200 and "2 rader: 2 nya svar, 0 redan inlästa, 0 med fel." in page
    token = page.split('name="token" value="')[1].split('"')[0]
    assert Response.objects.count() == 0

    done = client.post(f"/kartlaggning/{wave.pk}/las-in/", {"step": "confirm", "token": token}, follow=True)

    assert "kobo.xlsx: 2 svar inlästa, 0 fanns redan." in done.content.decode()
    lund = Response.objects.get(unit_number=lund_unit.pk)
    assert lund.source == ResponseSource.KOBO
    assert [g["grupp_namn"] for g in lund.answers["program"]["grupp"]] == ["Språkcafé"]


def test_an_unknown_column_stops_the_import_with_its_name(client, make_user, wave, surveyed_unit, lund_unit):
    client.force_login(make_user("national_administrator"))
    refused = client.post(f"/kartlaggning/{wave.pk}/las-in/", {
        "formular": "enheter", "fil": SimpleUploadedFile("kobo.xlsx", kobo_workbook(
            surveyed_unit, lund_unit, extra_column="enheten/fax"))})
    assert refused.status_code == 400
    assert "Kolumnen ”enheten/fax” är ingen fråga i formuläret provformular." in refused.content.decode()
    assert Response.objects.count() == 0


def test_an_odk_central_csv_export_is_read(wave, surveyed_unit, test_form_version):
    instance = uuid.uuid4()
    csv = (f"SubmissionDate,fcatlas_respondent,enheten-namn,enheten-samordnare,verksamheter-verksamheter_pa_plats,"
           f"verksamheter-bvc-bvc_huvudman,program-antal_traffar,meta-instanceID,KEY\n"
           f"2026-11-29T08:00:00.000Z,enhet:{surveyed_unit.pk},Familjecentralen Enkät,nej,child_health,region,0,"
           f"uuid:{instance},uuid:{instance}\n").encode()
    plan = plan_import(wave, test_form_version, csv, "central.csv")
    assert [row.messages for row in plan.rows] == [[]], "no repeat rows means no parent groups, not an empty one"
    assert plan.source == ResponseSource.ODK
    apply_import(plan)
    response = Response.objects.get(instance_id=instance)
    assert response.answers["program"]["grupp"] == [] and response.submitted_at.isoformat().startswith("2026-11-29")


def test_the_command_imports_a_submission_and_a_dry_run_writes_nothing(tmp_path, wave, surveyed_unit):
    from django.core.management import call_command

    path = tmp_path / "inskick.xml"
    path.write_bytes(submission_xml(f"enhet:{surveyed_unit.pk}", str(uuid.uuid4())))
    out = io.StringIO()
    call_command("survey", "import", "Kartläggning 2026", str(path), "--dry-run", stdout=out)
    assert "1 inskick: 1 nya svar" in out.getvalue() and Response.objects.count() == 0
    call_command("survey", "import", "Kartläggning 2026", str(path), stdout=out)
    assert "Klart: 1 svar inlästa, 0 fanns redan." in out.getvalue() and Response.objects.count() == 1
    exported = tmp_path / "svar.csv"
    call_command("survey", "export", "Kartläggning 2026", "-o", str(exported), stdout=out)
    assert "Babycafé" in exported.read_text(encoding="utf-8-sig")
    export = AuditEvent.objects.get(action="personal_data_export")
    assert export.username.startswith("kommandoraden (") and str(exported) in export.detail
