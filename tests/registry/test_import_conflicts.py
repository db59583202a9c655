"""An import applies exactly the plan the person read: an edit made between the check and the confirmation is
never undone; the import is refused with the units that moved on, and nothing is written."""

import re

import pytest

from fcatlas.registry.editing import save_unit
from fcatlas.registry.importing import ImportRefused, apply_import, plan_import
from fcatlas.registry.models import Unit, UnitChange

pytestmark = pytest.mark.django_db

FILE = "namn;kommun;besöksadress\nSolen;Falun;Importgatan 1\nMånen;Falun;Importgatan 2\n".encode()


@pytest.fixture
def units():
    return [save_unit(None, {"name": name, "municipality_id": "2080",
                             "services": {"child_health": {"principal": "region"}}}, source="manual_edit").unit
            for name in ("Solen", "Månen")]


def test_an_edit_between_check_and_confirm_refuses_the_import_and_keeps_the_edit(units):
    plan = plan_import(FILE, "e.csv")
    assert plan.summary["update"] == 2
    solen = units[0]
    save_unit(solen, {"street_address": "Annas gata 5"}, source="manual_edit", expected_version=1)
    changes = UnitChange.objects.count()

    with pytest.raises(ImportRefused) as refused:
        apply_import(plan)

    assert refused.value.conflicts == [{"row": 2, "name": "Solen", "unit": solen.pk, "planned_version": 1,
                                        "current_version": 2}]
    assert "1 enheter i filen har ändrats av någon annan sedan filen kontrollerades: Solen (rad 2: version 2" \
        in str(refused.value)
    assert Unit.objects.get(pk=solen.pk).street_address == "Annas gata 5"
    assert Unit.objects.get(pk=units[1].pk).street_address == ""  # nothing of the file was written
    assert UnitChange.objects.count() == changes


def test_a_unit_removed_since_the_check_refuses_the_import(units):
    from fcatlas.registry.editing import remove_unit

    plan = plan_import(FILE, "e.csv")
    remove_unit(units[1], source="manual_edit", expected_version=1)

    with pytest.raises(ImportRefused, match=r"Månen \(rad 3: borttagen\)"):
        apply_import(plan)
    assert Unit.objects.get(pk=units[0].pk).street_address == ""


def test_the_confirm_page_applies_the_plan_it_showed_and_lists_what_moved(client, make_user, units):
    client.force_login(make_user("national_administrator"))
    from django.core.files.uploadedfile import SimpleUploadedFile

    page = client.post("/enheter/import/", {"fil": SimpleUploadedFile("e.csv", FILE)}).content.decode()
    token = re.search(r'name="token" value="([^"]+)"', page)[1]
    save_unit(units[0], {"street_address": "Annas gata 5"}, source="manual_edit", expected_version=1)

    response = client.post("/enheter/import/", {"step": "confirm", "token": token})

    page = response.content.decode()
    assert response.status_code == 409
    assert "Ingenting har sparats" in page and f'href="/enheter/{units[0].pk}/#historik"' in page
    assert Unit.objects.get(pk=units[0].pk).street_address == "Annas gata 5"
    assert Unit.objects.get(pk=units[1].pk).street_address == ""


def test_a_plan_survives_its_journey_as_json(units):
    from fcatlas.registry.importing import ImportPlan

    plan = plan_import(FILE, "e.csv")
    again = ImportPlan.from_json(plan.to_json())

    assert again == plan
    assert apply_import(again).updated == 2


def test_a_planned_record_changed_after_its_check_is_checked_again_and_refused(units):
    from fcatlas.registry.importing import ImportPlan

    plan = plan_import(FILE, "e.csv")
    assert all(row.checked for row in plan.rows), "the plan notes each record the rules passed"
    stored = plan.to_json().replace('"Importgatan 2"', '"' + "x" * 400 + '"')

    with pytest.raises(ImportRefused) as refused:
        apply_import(ImportPlan.from_json(stored))

    assert "Rad 3 kunde inte sparas" in str(refused.value) and "besöksadress" in str(refused.value).lower()
    assert Unit.objects.get(pk=units[1].pk).street_address == ""
