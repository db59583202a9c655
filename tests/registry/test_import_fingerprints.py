"""A file imported again: each row that is, to the cell, the row that last wrote its unit is unchanged without
being read again; a unit saved in any other way since, or a change in what the rows are read with, means the
row is read in full."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fcatlas.registry.editing import save_unit, unit_record
from fcatlas.registry.importing import apply_import, plan_import, rows
from fcatlas.registry.models import Unit, UnitChange, WorkingMethod

pytestmark = pytest.mark.django_db

FILE = """
externt id;namn;kommun;besöksadress;postnummer;telefon;bvc;mvc;arbetssätt
FC-1;Solen;Falun;Stigaregatan 2;79171;023-123 45;ja;ja;Utökade hembesök
FC-2;Månen;Mora;Kyrkogatan 1;79230;0250-123 45;ja;nej;
"""


def csv_bytes(text: str) -> bytes:
    return text.strip().replace("\n", "\r\n").encode("utf-8") + b"\r\n"


def imported(text: str = FILE):
    result = apply_import(plan_import(csv_bytes(text), "enheter.csv"))
    assert result.created + result.updated == len(text.strip().splitlines()) - 1
    return result


def test_a_file_imported_again_is_unchanged_without_reading_the_units_it_names():
    imported()
    changes = UnitChange.objects.count()
    with CaptureQueriesContext(connection) as queries:
        plan = plan_import(csv_bytes(FILE), "enheter.csv")
    assert [(row.number, row.action, row.name) for row in plan.rows] == [(2, "unchanged", "Solen"),
                                                                         (3, "unchanged", "Månen")]
    assert not [query for query in queries if "registry_unitservice" in query["sql"]]
    result = apply_import(plan)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 2)
    assert UnitChange.objects.count() == changes
    assert sorted(Unit.objects.values_list("version", flat=True)) == [1, 1]


def test_a_unit_edited_since_its_import_is_read_in_full_and_the_file_brings_back_what_it_says():
    imported()
    unit = Unit.objects.get(external_id="FC-1")
    save_unit(unit, unit_record(unit) | {"phone": "023-999 99"}, source="manual_edit", expected_version=unit.version)
    plan = plan_import(csv_bytes(FILE), "enheter.csv")
    assert [(row.action, row.changed_fields) for row in plan.rows] == [("update", ["telefon"]), ("unchanged", [])]
    assert apply_import(plan).updated == 1
    unit.refresh_from_db()
    assert (unit.phone, unit.version) == ("023-123 45", 3)
    assert list(unit.changes.order_by("version").values_list("source", flat=True)) == [
        "import_file", "manual_edit", "import_file"]


def test_a_changed_row_in_a_file_imported_before_updates_only_its_unit():
    imported()
    plan = plan_import(csv_bytes(FILE.replace("0250-123 45", "0250-555 55")), "enheter.csv")
    assert [(row.action, row.changed_fields) for row in plan.rows] == [("unchanged", []), ("update", ["telefon"])]
    apply_import(plan)
    assert dict(Unit.objects.values_list("external_id", "phone")) == {"FC-1": "023-123 45", "FC-2": "0250-555 55"}


def test_a_working_method_renamed_since_the_import_makes_the_rows_naming_it_read_again():
    imported()
    WorkingMethod.objects.filter(code="extended_home_visits").update(name="Hembesök i samverkan")
    plan = plan_import(csv_bytes(FILE), "enheter.csv")
    solen = plan.rows[0]
    assert solen.action == "error"
    assert [m.text for m in solen.errors] == ["Okänt arbetssätt 'Utökade hembesök' på rad 2 (kolumn arbetssätt)."]


def test_a_unit_named_again_by_a_later_row_the_other_way_is_refused_as_the_same_unit():
    imported("ID;namn;kommunkod;telefon\nFC-1;Solen;2080;023-123 45")
    plan = plan_import(csv_bytes("ID;namn;kommunkod;telefon\nFC-1;Solen;2080;023-123 45\nFC-1;Månen;2080;023-999 99"),
                       "enheter.csv")
    assert [row.action for row in plan.rows] == ["unchanged", "error"]
    assert [m.text for m in plan.rows[1].errors] == ["På rad 3 (kolumn ID): samma enhet som på rad 2. Ta bort den ena."]
    assert Unit.objects.get().name == "Solen"


def test_a_change_to_the_importers_code_makes_every_row_read_again(monkeypatch):
    imported()
    monkeypatch.setattr(rows, "_importer_version", lambda: "a newer importer")
    # read in full (nothing differs, so unchanged all the same), which reads how the export writes the units
    with CaptureQueriesContext(connection) as queries:
        plan = plan_import(csv_bytes(FILE), "enheter.csv")
    assert [row.action for row in plan.rows] == ["unchanged", "unchanged"]
    assert [query for query in queries if "registry_unitservice" in query["sql"]]
