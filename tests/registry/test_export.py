import csv
import io
import json
import zipfile

import openpyxl
import pyogrio
import pytest
from django.core.management import call_command

from fcatlas.registry.editing import save_unit, unit_record
from fcatlas.registry.exporting import export_units
from fcatlas.registry.exporting.hsds import read_package
from fcatlas.registry.importing import apply_import, plan_import
from fcatlas.registry.models import Unit, UnitChange
from fcatlas.registry.schedules import parse
from fcatlas.tabular import unescape_formula

pytestmark = pytest.mark.django_db

NOTICE = "Syntetisk demodata – inte verkliga familjecentraler"


def make_registry(*, synthetic: bool = False) -> list[Unit]:
    units = [
        save_unit(None, {
            "external_id": "FC-0001", "name": "Familjecentralen Solen", "status": "active", "opened_on": "2015-09-01",
            "street_address": "Stigaregatan 2", "postcode": "79171", "locality": "Falun", "municipality_id": "2080",
            "latitude": 60.6065123, "longitude": 15.6355987,
            "serves_expectant_parents": True, "serves_parents": True, "children_age_from": 0, "children_age_to": 6,
            "serves_newly_arrived": True,
            "services": {
                "maternal_health": {"principal": "region"},
                "child_health": {"principal": "private", "operating_form": "choice_scheme",
                                 "provider_name": "Hälsans Hus AB"},
                "open_preschool": {"principal": "municipality", "fully_co_located": False},
                "preventive_social_services": {"principal": "municipality"},
                "library": {"principal": "municipality"},
            },
            "working_methods": ["extended_home_visits", "parent_groups"],
            "staffing": {"midwife": 1.5, "child_health_nurse": 2.0},
            "has_cooperation_agreement": True, "has_steering_group": False, "has_coordinator": True,
            "coordinator_fte": 0.5, "budget": "shared", "has_state_or_project_funding": None,
            "opening_hours": parse("mån–ons 8–16, tors 8–18, fre 8–16"), "drop_in_hours": parse("tis, tors 9–12"),
            "phone": "023-12 34 56", "email": "solen@exempel.se", "website": "https://exempel.se/solen",
            "languages": ["sv", "ar", "so"], "accessibility": "Entré i markplan, hiss.", "assured_date": "2026-10-01",
        }, source="manual_edit").unit,
        save_unit(None, {
            "name": "=HYPERLINK(\"http://evil.example\";\"Klicka\")", "municipality_id": "0114",
            "accessibility": "-stängt i juli", "street_address": "@Centrum 1", "locality": "+Väsby",
            "services": {"child_health": {"principal": "region"}, "open_preschool": {"principal": "municipality"}},
            "synthetic": synthetic,
        }, source="synthetic_demo" if synthetic else "manual_edit").unit,
        save_unit(None, {"name": "Barnhälsan Kiruna", "municipality_id": "2584", "status": "planned",
                         "services": {"child_health": {"principal": "region"}}}, source="manual_edit").unit,
    ]
    return units


def records() -> list[dict]:
    drop = {"source", "source_detail"}
    return sorted(({k: v for k, v in unit_record(u).items() if k not in drop} for u in Unit.objects.all()),
                  key=lambda r: r["name"])


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "geojson"])
def test_an_export_re_imports_to_the_same_registry(fmt):
    make_registry(synthetic=True)
    before = records()
    content, _, filename = export_units(Unit.objects.all(), fmt)

    plan = plan_import(content, filename)
    assert not plan.has_errors, [(r.number, [m.text for m in r.messages]) for r in plan.rows] + plan.messages
    assert [m.text for m in plan.messages] == []
    assert plan.summary == {"create": 0, "update": 0, "unchanged": 3, "error": 0}
    changes = UnitChange.objects.count()
    result = apply_import(plan)
    assert (result.created, result.updated) == (0, 0)
    assert UnitChange.objects.count() == changes

    Unit.objects.all().delete()
    result = apply_import(plan_import(content, filename))
    assert result.created == 3
    assert records() == before


def _exported_csv_lines() -> list[str]:
    return export_units(Unit.objects.order_by("name"), "csv")[0].decode("utf-8-sig").splitlines()


def _csv(lines: list[str]) -> bytes:
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def test_an_export_with_one_cell_changed_updates_that_unit_and_only_that_field():
    make_registry()
    lines = _exported_csv_lines()
    solen = next(n for n, line in enumerate(lines) if "Familjecentralen Solen" in line)
    lines[solen] = lines[solen].replace("023-12 34 56", "023-99 99 99")

    plan = plan_import(_csv(lines), "enheter.csv")

    assert plan.summary == {"create": 0, "update": 1, "unchanged": 2, "error": 0}
    changed = next(r for r in plan.rows if r.action == "update")
    assert (changed.name, changed.changed_fields) == ("Familjecentralen Solen", ["telefon"])
    apply_import(plan)
    unit = Unit.objects.get(external_id="FC-0001")
    assert (unit.phone, unit.version) == ("023-99 99 99", 2)
    assert UnitChange.objects.filter(unit=unit).latest("version").fields["phone"] == ["023-12 34 56", "023-99 99 99"]


def test_an_exported_row_given_twice_is_refused_as_the_same_unit():
    make_registry()
    lines = _exported_csv_lines()
    lines.append(lines[1])

    plan = plan_import(_csv(lines), "enheter.csv")

    assert [r.action for r in plan.rows] == ["unchanged", "unchanged", "unchanged", "error"]
    assert [m.text for m in plan.rows[-1].messages] == [
        "På rad 5 (kolumn namn): samma enhet som på rad 2. Ta bort den ena."]


def test_an_unchanged_exported_row_in_a_kommun_the_user_may_not_edit_is_still_refused(make_user):
    make_registry()
    user = make_user("municipal_coordinator", municipality="2080")

    plan = plan_import(_csv(_exported_csv_lines()), "enheter.csv", user=user)

    assert {r.name: r.action for r in plan.rows} == {"Familjecentralen Solen": "unchanged",
                                                     "Barnhälsan Kiruna": "error",
                                                     "=HYPERLINK(\"http://evil.example\";\"Klicka\")": "error"}


def test_the_csv_is_excel_friendly_and_says_what_each_column_is():
    make_registry()
    content, content_type, filename = export_units(Unit.objects.all(), "csv")
    assert content_type.startswith("text/csv") and filename.endswith(".csv")
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    solen = next(r for r in rows if r["externt id"] == "FC-0001")
    assert solen["kommun"] == "Falun" and solen["kommunkod"] == "2080" and solen["region"] == "Dalarnas län"
    assert solen["klassificering"] == "Familjecentral"
    assert solen["skäl"].startswith("Har alla fyra grundverksamheter")
    assert solen["latitud"] == "60,6065123"
    assert (solen["barnhälsovård"], solen["huvudman barnhälsovård"], solen["utförare barnhälsovård"]) == (
        "ja", "Privat utförare", "Hälsans Hus AB")
    assert solen["öppen förskola"] == "delvis"
    assert solen["bemanning"] == "BVC-sjuksköterska: 2; Barnmorska: 1,5"
    assert solen["syntetisk"] == "nej"


def test_text_that_a_spreadsheet_would_run_as_a_formula_is_defused():
    make_registry()
    content, _, _ = export_units(Unit.objects.all(), "csv")
    row = next(r for r in csv.DictReader(io.StringIO(content.decode("utf-8-sig")), delimiter=";")
               if "HYPERLINK" in r["namn"])
    assert row["namn"] == "'=HYPERLINK(\"http://evil.example\";\"Klicka\")"
    assert (row["tillgänglighet"], row["besöksadress"], row["postort"]) == ("'-stängt i juli", "'@Centrum 1", "'+Väsby")

    content, _, _ = export_units(Unit.objects.all(), "xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    cells = [c for row in sheet.iter_rows() for c in row if isinstance(c.value, str) and "HYPERLINK" in c.value]
    # In XLSX the text is kept as typed, marked as text (Excel's quote prefix) so that it is shown, never run.
    assert [c.value for c in cells] == ["=HYPERLINK(\"http://evil.example\";\"Klicka\")"]
    assert all(c.data_type == "s" and c.quotePrefix for c in cells)
    # ...and the importer gives back exactly the original text from both.
    assert plan_import(content, "enheter.xlsx").summary["unchanged"] == 3
    assert plan_import(export_units(Unit.objects.all(), "csv")[0], "enheter.csv").summary["unchanged"] == 3


def test_an_apostrophe_a_person_typed_in_xlsx_is_kept():
    workbook = openpyxl.Workbook()
    workbook.active.append(["namn", "kommun", "tillgänglighet"])
    workbook.active.append(["'=Solen", "Falun", "'+ramp"])
    out = io.BytesIO()
    workbook.save(out)

    row = plan_import(out.getvalue(), "enheter.xlsx").rows[0]

    assert (row.record["name"], row.record["accessibility"]) == ("'=Solen", "'+ramp")


def test_synthetic_units_are_marked_in_every_format():
    make_registry(synthetic=True)
    units = Unit.objects.all()

    content, _, filename = export_units(units, "csv")
    assert "syntetisk-demodata" in filename
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    assert sorted(r["syntetisk"] for r in rows) == ["ja", "nej", "nej"]

    content, _, _ = export_units(units, "xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    assert workbook.sheetnames == ["Enheter", "Om filen"]
    assert workbook["Om filen"]["A1"].value == NOTICE
    assert workbook.active.title == "Om filen"  # the notice is what opens

    collection = json.loads(export_units(units, "geojson")[0])
    assert collection["metadata"]["notice"] == NOTICE
    assert sorted(f["properties"]["syntetisk"] for f in collection["features"]) == ["ja", "nej", "nej"]

    package = read_package(export_units(units, "hsds")[0])
    assert package["notice"] == NOTICE and package["synthetic"] is True


def test_the_open_data_files_name_their_licence_and_source():
    make_registry()
    units = Unit.objects.all()
    workbook = openpyxl.load_workbook(io.BytesIO(export_units(units, "xlsx")[0]))
    lines = [row[0] for row in workbook["Om filen"].iter_rows(values_only=True)]
    assert any(line.startswith("Licens: Creative Commons Erkännande 4.0 (CC BY 4.0)") for line in lines)
    assert any(line.startswith("Källa: fcatlas") for line in lines)
    collection = json.loads(export_units(units, "geojson")[0])
    assert collection["metadata"]["licence"].startswith("Licens: Creative Commons Erkännande 4.0")
    archive = zipfile.ZipFile(io.BytesIO(export_units(units, "hsds")[0]))
    descriptor = json.loads(archive.read("datapackage.json"))
    assert descriptor["licenses"] == [{"name": "CC-BY-4.0", "title": "Creative Commons Erkännande 4.0 (CC BY 4.0)",
                                       "path": "https://creativecommons.org/licenses/by/4.0/deed.sv"}]


def test_a_registry_without_synthetic_units_has_no_notice():
    make_registry(synthetic=False)
    content, _, filename = export_units(Unit.objects.all(), "xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    assert NOTICE not in [c.value for c in workbook["Om filen"]["A"]]
    assert workbook.active.title == "Enheter"
    assert "syntetisk" not in filename
    assert json.loads(export_units(Unit.objects.all(), "geojson")[0])["metadata"]["notice"] == ""


def test_the_geojson_has_a_point_per_unit_with_coordinates():
    make_registry()
    collection = json.loads(export_units(Unit.objects.all(), "geojson")[0])
    solen = next(f for f in collection["features"] if f["properties"]["namn"] == "Familjecentralen Solen")
    assert solen["geometry"] == {"type": "Point", "coordinates": [15.6355987, 60.6065123]}
    assert sum(f["geometry"] is None for f in collection["features"]) == 2


def test_the_geopackage_opens_as_layer_enheter_in_wgs_84(tmp_path):
    make_registry(synthetic=True)
    content, content_type, filename = export_units(Unit.objects.all(), "gpkg")
    path = tmp_path / filename
    path.write_bytes(content)
    assert pyogrio.list_layers(path)[:, 0].tolist() == ["enheter"]
    info = pyogrio.read_info(path, layer="enheter")
    assert info["crs"] == "EPSG:4326" and info["features"] == 3 and info["geometry_type"] == "Point"
    frame = pyogrio.read_dataframe(path, layer="enheter")
    solen = frame[frame["namn"] == "Familjecentralen Solen"].iloc[0]
    assert (solen.geometry.x, solen.geometry.y) == (15.6355987, 60.6065123)
    assert solen["klassificering"] == "Familjecentral"
    assert sorted(frame["syntetisk"]) == ["ja", "nej", "nej"]
    assert NOTICE in info["layer_metadata"]["DESCRIPTION"]


def test_the_export_command_filters_by_kommun_and_region(tmp_path):
    make_registry()
    out = tmp_path / "falun.csv"
    call_command("export_units", "--format", "csv", "-o", str(out), "--kommun", "2080", stdout=io.StringIO())
    rows = list(csv.DictReader(io.StringIO(out.read_text("utf-8-sig")), delimiter=";"))
    assert [r["namn"] for r in rows] == ["Familjecentralen Solen"]
    out = tmp_path / "norrbotten.geojson"
    call_command("export_units", "--format", "geojson", "-o", str(out), "--region", "25", stdout=io.StringIO())
    assert [f["properties"]["namn"] for f in json.loads(out.read_text())["features"]] == ["Barnhälsan Kiruna"]


def test_records_read_in_bulk_equal_the_records_of_each_unit(django_assert_max_num_queries):
    from fcatlas.registry.demo import load_demo
    from fcatlas.registry.editing import PREFETCH, unit_record, unit_records
    from django.conf import settings

    load_demo(settings.DATA_DIR)
    units = Unit.objects.all()
    with django_assert_max_num_queries(5):
        bulk = unit_records(units)
    assert len(bulk) == 246
    assert bulk == {unit.pk: unit_record(unit) for unit in units.prefetch_related(*PREFETCH)}


@pytest.fixture
def read_ahead_in_chunks_of_one(monkeypatch):
    """An export of three units read one at a time, the next read by a thread while the caller writes one (as
    PostgreSQL's exports are; SQLite's too here, so that both databases test it)."""
    from fcatlas.registry.exporting import rows

    monkeypatch.setattr(rows, "EXPORT_CHUNK", 1)
    monkeypatch.setattr(rows, "READ_AHEAD_VENDORS", ("postgresql", "sqlite"))


@pytest.fixture
def committed_reference():
    """The reference data and working methods committed, as the thread's own connection sees only what is."""
    from django.conf import settings
    from fcatlas.reference.loading import load_reference
    from fcatlas.registry.models import WorkingMethod
    from fcatlas.registry.working_methods import install

    load_reference(settings.DATA_DIR)
    install(WorkingMethod)


@pytest.mark.django_db(transaction=True)
def test_an_export_read_ahead_by_a_thread_is_the_export_read_in_one_go(read_ahead_in_chunks_of_one,
                                                                       committed_reference, monkeypatch):
    from fcatlas.registry.exporting import rows

    make_registry()
    read_ahead = {fmt: export_units(Unit.objects.order_by("name"), fmt)[0] for fmt in ("csv", "hsds")}
    monkeypatch.setattr(rows, "EXPORT_CHUNK", 2500)

    assert export_units(Unit.objects.order_by("name"), "csv")[0] == read_ahead["csv"]
    assert [unescape_formula(row["namn"]) for row in csv.DictReader(
        io.StringIO(read_ahead["csv"].decode("utf-8-sig")), delimiter=";")] == sorted(u.name for u in Unit.objects.all())
    assert read_package(read_ahead["hsds"]) == read_package(export_units(Unit.objects.order_by("name"), "hsds")[0])


@pytest.mark.django_db(transaction=True)
def test_inside_a_transaction_an_export_has_what_the_transaction_wrote(read_ahead_in_chunks_of_one,
                                                                      committed_reference):
    from django.db import transaction

    with transaction.atomic():
        make_registry()
        content = export_units(Unit.objects.order_by("name"), "csv")[0].decode("utf-8-sig")

    assert len(list(csv.DictReader(io.StringIO(content), delimiter=";"))) == 3
