"""Follow-up of a wave: rates by region, kommun and kind, who is missing, the answers in long format, each person
seeing only their own area."""

import csv
import io
import uuid

import openpyxl
import pytest

from fcatlas.accounts.models import AuditEvent

from fcatlas.survey import answering
from fcatlas.survey.models import Audience

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered_wave(wave, surveyed_unit):
    invitation = wave.invitations.get(audience=Audience.UNIT, unit=surveyed_unit)
    response = answering.open_response(invitation)
    answering.save_answers(response, {
        "/data/enheten/samordnare": "nej", "/data/verksamheter/verksamheter_pa_plats": "child_health",
        "/data/verksamheter/bvc/bvc_huvudman": "region", "/data/program/grupp[1]/grupp_namn": "Pappagrupp",
        "/data/program/grupp[1]/grupp_antal": "5", "/data/program/grupp[2]/grupp_namn": "Babycafé"},
        base_revision=0, save_id=uuid.uuid4())
    answering.submit(response)
    return wave


def test_the_wave_page_shows_rates_by_kind_region_and_kommun(client, make_user, answered_wave):
    client.force_login(make_user("national_administrator"))
    page = client.get(f"/kartlaggning/{answered_wave.pk}/").content.decode()
    assert '<th scope="row">Skåne län</th><td class="num">36</td><td class="num">1</td><td class="num">1</td>' in page
    assert '<th scope="row">Malmö</th><td class="num">2</td><td class="num">1</td><td class="num">1</td>' \
           '<td class="num">50\u00a0%</td>' in page


def test_a_municipal_coordinator_follows_up_their_own_kommun_only(client, make_user, answered_wave):
    client.force_login(make_user("municipal_coordinator", municipality="1281"))
    missing = client.get(f"/kartlaggning/{answered_wave.pk}/saknas/").content.decode()
    assert "Familjecentralen Lund" in missing and "Familjecentralen Enkät" not in missing
    assert "Skåne län" not in missing.split("<tbody>")[1], "the region's own invitation is the region's"
    rates = openpyxl.load_workbook(io.BytesIO(client.get(f"/kartlaggning/{answered_wave.pk}/svarsfrekvens.xlsx")
                                              .content))
    assert [row[0] for row in rates["Per kommun"].iter_rows(min_row=2, values_only=True)] == ["Lund", "Totalt"]


def test_the_answers_come_one_row_each_with_repeat_instances_keyed(client, make_user, answered_wave, surveyed_unit):
    client.force_login(make_user("national_administrator"))
    exported = client.get(f"/kartlaggning/{answered_wave.pk}/svar.csv")
    rows = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig")), delimiter=";"))
    by_path = {row["sökväg"]: row for row in rows}
    assert by_path["/data/program/grupp[2]/grupp_namn"]["upprepning"] == "/data/program/grupp"
    assert by_path["/data/program/grupp[2]/grupp_namn"]["instans"] == "2"
    assert by_path["/data/program/grupp[2]/grupp_namn"]["svar"] == "Babycafé"
    assert by_path["/data/verksamheter/verksamheter_pa_plats"]["svarstext"] == "Barnhälsovård"
    assert by_path["/data/verksamheter/verksamheter_pa_plats"]["registerfält"] == "services"
    assert {row["enhet_id"] for row in rows} == {str(surveyed_unit.pk)}
    assert all(row["kvitto"].startswith("K") for row in rows)
    workbook = openpyxl.load_workbook(io.BytesIO(client.get(f"/kartlaggning/{answered_wave.pk}/svar.xlsx").content))
    assert workbook["Svar"].max_row == len(rows) + 1
    exports = AuditEvent.objects.filter(action="personal_data_export").order_by("pk")
    assert [(e.username, e.detail) for e in exports] == [
        ("national_administrator-x", f"Svaren i {answered_wave.name} (CSV)"),
        ("national_administrator-x", f"Svaren i {answered_wave.name} (XLSX)")]


def test_readers_and_visitors_see_no_follow_up(client, make_user, answered_wave):
    assert client.get(f"/kartlaggning/{answered_wave.pk}/").status_code == 302
    client.force_login(make_user("reader"))
    assert client.get(f"/kartlaggning/{answered_wave.pk}/").status_code == 403
    assert client.get(f"/kartlaggning/{answered_wave.pk}/svar.csv").status_code == 403
