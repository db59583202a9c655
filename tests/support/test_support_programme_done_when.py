"""The support programme from end to end, as the issue's "done when" tells it: a support officer starts from
the priority list, records a dialogue meeting and a training in an area of SCB's type 1, a unit's
self-assessment improves between two rounds with the suggested material, and the support summary comes out as
XLSX and as a section of the national report."""

import io
import re

import openpyxl
import pytest
from django.contrib.auth import get_user_model

from fcatlas.reports.document import build_content
from fcatlas.support.models import AssessmentRound, Rubric
from fcatlas.support.scoring import criterion_keys
from fcatlas.support.team import grant_unit_staff
from posting import opened_revision

pytestmark = pytest.mark.django_db


def activity_form(**fields) -> dict:
    return {"held_on": "2026-02-10", "themes": ["violence"], "participants_child_health_nurse": "6",
            "participants_preschool_teacher": "4"} | fields


def area_row(page: str, name: str) -> str:
    return next(row for row in re.findall(r"<tr>.*?</tr>", page, flags=re.S) if f">{name}</a>" in row)


def test_from_the_priority_list_to_the_report(client, make_user, make_unit, support_material, type_one_area,
                                              type_five_area):
    unit = make_unit(name="FC i området", municipality="1280", latitude=type_one_area["latitude"],
                     longitude=type_one_area["longitude"])
    officer = make_user("support_officer", username="stodhandlaggaren")
    client.force_login(officer)

    listing = client.get("/stod/prioritering/", {"niva": "omrade", "region": "12"}).content.decode()
    row = area_row(listing, type_one_area["name"])
    assert "Inget stöd ännu" in row
    link = re.search(r'href="(/stod/insatser/ny/\?[^"]+)"', row).group(1).replace("&amp;", "&")
    form_page = client.get(link).content.decode()
    assert f'value="{type_one_area["code"]}"' in form_page

    client.post("/stod/insatser/ny/", activity_form(
        activity_type="dialogue_meeting", title="Dialogmöte om våld i nära relationer", municipality="1280",
        small_area_code=type_one_area["code"]))
    client.post("/stod/insatser/ny/", activity_form(
        activity_type="training", title="Utbildning: fråga om våld", unit=str(unit.pk), themes=["violence", "honour_violence"]))
    client.post("/stod/insatser/ny/", activity_form(
        activity_type="network_meeting", title="Nätverksträff", municipality="1280", small_area_code=type_five_area["code"],
        themes=["language_development"]))

    listing = client.get("/stod/prioritering/", {"niva": "omrade", "region": "12"}).content.decode()
    assert "2 insatser (dialogmöte, utbildning), senast 2026-02-10" in area_row(listing, type_one_area["name"])

    staff = make_user("reader", username="personalen")
    grant_unit_staff(staff.username, unit.pk)
    staff_client = client.__class__()
    staff_client.force_login(staff)
    keys = criterion_keys(Rubric.objects.get().definition)
    for round_levels in ({"violence": 1}, {"violence": 3}):
        response = staff_client.post(f"/stod/sjalvskattning/enhet/{unit.pk}/ny/")
        round_pk = int(response["Location"].rstrip("/").split("/")[-1])
        data = {f"{key}.level": str(round_levels.get(key.split(".")[0], 3)) for key in keys}
        round_url = f"/stod/sjalvskattning/omgang/{round_pk}/"
        staff_client.post(round_url, data | {"action": "complete", "revision": opened_revision(staff_client, round_url)})
        if round_levels["violence"] == 1:
            first_result = staff_client.get(f"/stod/sjalvskattning/enhet/{unit.pk}/").content.decode()
            assert "Att fråga om våld på familjecentralen" in first_result
    assert AssessmentRound.objects.filter(unit=unit, completed_on__isnull=False).count() == 2
    result = client.get(f"/stod/sjalvskattning/enhet/{unit.pk}/").content.decode()
    violence_rows = [row for row in re.findall(r"<tr>.*?</tr>", result, flags=re.S)
                     if "Att förebygga och upptäcka våld" in row and "bättre" in row]
    assert violence_rows and "1,0" in violence_rows[0] and "3,0" in violence_rows[0] and "+2,0" in violence_rows[0]

    response = client.get("/stod/sammanstallning/", {"format": "xlsx"})
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = next(name for name in book.sheetnames if "efter område" in name)
    values = {row[0]: row[1] for row in book[sheet].values if row and isinstance(row[1], (int, float))}
    assert values["I SCB:s områdestyp 1–2 (socioekonomiska utmaningar)"] == 2
    assert values["I något av dem (prioriterade områden)"] == 2
    assert values["I andra områden"] == 1
    page = client.get("/stod/sammanstallning/").content.decode().replace("\N{NO-BREAK SPACE}", " ")
    assert "3 stödinsatser med 30 deltagare i 1 kommun; 2 av dem (67 %) gällde områden" in page

    chapter = next(c for c in build_content()["chapters"] if c["id"] == "stod")
    assert chapter["title"] == "Stöd till kommuner och regioner"
    by_type = next(t for t in chapter["tables"] if t["id"] == "stod-typ")
    assert {row[0]: row[1:] for row in by_type["rows"]}["Utbildning"] == [1, 10, 1]
    assert get_user_model().objects.filter(username="personalen").get().membership.role == "unit_staff"
