import io

import openpyxl
import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from fcatlas.accounts.models import Membership, Role
from fcatlas.registry.editing import save_unit, unit_record
from fcatlas.registry.importing import ImportRefused, apply_import, plan_import
from fcatlas.registry.models import Unit, UnitChange
from fcatlas.registry.schedules import parse

pytestmark = pytest.mark.django_db


def csv_bytes(text: str, encoding: str = "utf-8") -> bytes:
    return text.strip().replace("\n", "\r\n").encode(encoding) + b"\r\n"


def messages(plan) -> list[str]:
    return [m.text for row in plan.rows for m in row.messages] + [m.text for m in plan.file_errors]


def only_row(plan):
    assert not plan.file_errors, plan.messages
    assert len(plan.rows) == 1
    return plan.rows[0]


@pytest.mark.parametrize("written, code", [
    ("Malung-Sälen", "2023"), ("malung sälen", "2023"), ("Upplands Väsby kommun", "0114"),
    ("Falu kommun", "2080"), ("Falun", "2080"), ("FALUN", "2080"), ("Gävle", "2180"), ("Gävle kommun", "2180"),
    ("Göteborgs stad", "1480"), ("Stockholms stad", "0180"), ("Region Gotland", "0980"),
    ("Malung-Sälens kommun", "2023"), ("Håbo", "0305"), ("Habo kommun", "0643"), ("0114", "0114"),
])
def test_a_kommun_is_found_by_the_names_people_write(written, code):
    plan = plan_import(csv_bytes(f"namn;kommun\nFamiljecentralen Solen;{written}"), "enheter.csv")
    row = only_row(plan)
    assert row.action == "create", row.messages
    assert row.record["municipality_id"] == code


def test_an_unknown_kommun_is_an_error_naming_row_column_and_the_closest_name():
    plan = plan_import(csv_bytes("namn;kommun\nSolen;Falun\nMånen;Mora\nStjärnan;Falum"), "enheter.csv")
    assert [r.action for r in plan.rows] == ["create", "create", "error"]
    assert messages(plan) == ["Okänd kommun 'Falum' på rad 4 (kolumn kommun). Menade du Falun?"]


def test_a_kommun_code_read_as_a_number_from_excel_gets_its_leading_zero():
    workbook = openpyxl.Workbook()
    workbook.active.append(["Namn", "Kommunkod", "Latitud", "Longitud"])
    workbook.active.append(["Familjecentralen Väsby", 114, 59.5185, 17.9113])
    out = io.BytesIO()
    workbook.save(out)
    row = only_row(plan_import(out.getvalue(), "enheter.xlsx"))
    assert row.action == "create", row.messages
    assert row.record["municipality_id"] == "0114"
    assert (row.record["latitude"], row.record["longitude"]) == (59.5185, 17.9113)


def test_sweref_99_tm_coordinates_are_turned_into_wgs_84():
    # Central Falun: N 6 719 127, E 534 796 (SWEREF 99 TM) = 60.6065 N, 15.6355 E (WGS 84).
    for header, values in (("N;E", "6719127;534796"), ("x;y", "6719127;534796"), ("y;x", "534796;6719127"),
                           ("lat;lon", "6719127;534796")):
        row = only_row(plan_import(csv_bytes(f"namn;kommun;{header}\nSolen;Falun;{values}"), "enheter.csv"))
        assert row.action == "create", (header, row.messages)
        assert row.record["latitude"] == pytest.approx(60.6065, abs=0.0001)
        assert row.record["longitude"] == pytest.approx(15.6355, abs=0.0001)


def test_wgs_84_coordinates_with_decimal_comma_are_read():
    row = only_row(plan_import(csv_bytes('namn;kommun;latitud;longitud\nSolen;Falun;60,6065;15,6355'), "a.csv"))
    assert (row.record["latitude"], row.record["longitude"]) == (60.6065, 15.6355)


def test_a_point_far_outside_the_stated_kommun_is_an_error_naming_the_row():
    # Stockholm's coordinates for a unit said to be in Falun.
    plan = plan_import(csv_bytes("namn;kommun;lat;lon\nSolen;Falun;60.6065;15.6355\nMånen;Falun;59.3293;18.0686"),
                       "enheter.csv")
    assert [r.action for r in plan.rows] == ["create", "error"]
    [message] = plan.rows[1].messages
    assert (plan.rows[1].number, message.column) == (3, "lat")
    assert message.text.startswith("Punkten ligger ")
    assert "km utanför Falun (i Stockholm). Kontrollera koordinaterna eller kommunen." in message.text


def test_a_point_outside_sweden_is_an_error():
    plan = plan_import(csv_bytes("namn;lat;lon\nSolen;52.52;13.40"), "enheter.csv")  # Berlin
    [text] = messages(plan)
    assert "på rad 2 ligger utanför Sverige" in text


def test_without_a_kommun_the_postcode_then_the_point_decides():
    plan = plan_import(csv_bytes("namn;postnummer;lat;lon\nSolen;791 71;;\nMånen;;60.6065;15.6355"), "e.csv")
    assert [r.record.get("municipality_id") for r in plan.rows] == ["2080", "2080"]
    assert [r.record.get("postcode") for r in plan.rows] == ["79171", ""]


def test_a_row_without_any_place_says_what_to_add():
    plan = plan_import(csv_bytes("namn;adress\nSolen;Storgatan 1"), "e.csv")
    assert messages(plan) == ["Kommun saknas på rad 2. Ange kommun, kommunkod, postnummer eller koordinater så "
                              "att enheten hamnar rätt."]


def test_services_as_columns_with_part_time_and_default_principals():
    plan = plan_import(csv_bytes("""
name;municipality;MVC;BVC;Öppen förskola;Socialtjänst;huvudman_bvc;driftsform bvc;utförare bvc
Solen;Falun;ja;x;delvis;nej;privat;vårdval;Hälsans Hus AB
"""), "e.csv")
    row = only_row(plan)
    assert row.record["services"] == {
        "maternal_health": {"principal": "region", "operating_form": "own_management", "provider_name": "",
                            "fully_co_located": True},
        "child_health": {"principal": "private", "operating_form": "choice_scheme", "provider_name": "Hälsans Hus AB",
                         "fully_co_located": True},
        "open_preschool": {"principal": "municipality", "operating_form": "own_management", "provider_name": "",
                           "fully_co_located": False},
    }
    result = apply_import(plan)
    unit = Unit.objects.get(name="Solen")
    assert result.created == 1
    assert unit.classification == "similar_service"
    assert not unit.fully_co_located
    assert unit.source == "import_file" and unit.source_detail == "e.csv"


def test_services_as_a_list_column_make_a_family_centre():
    plan = plan_import(csv_bytes('namn,kommun,verksamheter\nSolen,Falun,"BVC; MVC; öppen förskola; socialtjänst"'),
                       "e.csv")
    row = only_row(plan)
    assert set(row.record["services"]) == {"child_health", "maternal_health", "open_preschool",
                                           "preventive_social_services"}
    assert row.record["services"]["preventive_social_services"]["principal"] == "municipality"
    apply_import(plan)
    assert Unit.objects.get(name="Solen").classification == "family_centre"


def test_working_methods_target_groups_status_and_dates_in_swedish_or_english():
    plan = plan_import(csv_bytes("""
Namn;Kommun;Arbetssätt;Målgrupper;Status;Öppnade;Samverkansavtal;Bemanning
Solen;Falun;"Utökade hembesök; parent_groups";"blivande föräldrar; föräldrar; barn 0–6 år";planned;2024-08-15;vet ej;"barnmorska: 1,5; BVC-sjuksköterska: 2"
"""), "e.csv")
    row = only_row(plan)
    assert row.action == "create", row.messages
    record = row.record
    assert record["working_methods"] == ["extended_home_visits", "parent_groups"]
    assert record["serves_expectant_parents"] and record["serves_parents"]
    assert (record["children_age_from"], record["children_age_to"]) == (0, 6)
    assert record["status"] == "planned" and record["opened_on"] == "2024-08-15"
    assert record["has_cooperation_agreement"] is None
    assert record["staffing"] == {"midwife": 1.5, "child_health_nurse": 2.0}


def test_the_dry_run_report_is_precise_per_row_and_field_and_writes_nothing():
    plan = plan_import(csv_bytes("""
namn;kommun;status;öppnade;postnummer;bvc;arbetssätt;hemlig kolumn
Solen;Falun;i drift;2024-01-01;79171;ja;Öppen verksamhet;x
Månen;Mora;stängd för alltid;15 aug;7917;kanske;Yoga;
"""), "enheter.csv")
    assert plan.count("create") == 1 and plan.count("error") == 1
    assert [m.text for m in plan.messages] == ["Kolumnen 'hemlig kolumn' känns inte igen och läses inte in."]
    error_row = plan.rows[1]
    assert error_row.number == 3
    assert [(m.column, m.text) for m in error_row.messages] == [
        ("status", "Okänd status 'stängd för alltid' på rad 3 (kolumn status). Skriv något av: i drift, planerad, "
                   "tillfälligt stängd, nedlagd."),
        ("öppnade", "Datumet '15 aug' går inte att läsa på rad 3 (kolumn öppnade). Skriv det som ÅÅÅÅ-MM-DD, "
                    "till exempel 2024-03-01."),
        ("postnummer", "Postnumret '7917' har inte fem siffror på rad 3 (kolumn postnummer)."),
        ("bvc", "Värdet 'kanske' är inte ja, nej eller delvis på rad 3 (kolumn bvc)."),
        ("arbetssätt", "Okänt arbetssätt 'Yoga' på rad 3 (kolumn arbetssätt)."),
    ]
    assert plan.summary_text() == ("2 rader: 1 nya, 0 ändras, 0 oförändrade, 1 med fel. "
                                   "Inget sparas förrän alla fel är rättade.")
    assert not Unit.objects.exists()


def test_one_bad_row_means_nothing_is_imported():
    plan = plan_import(csv_bytes("namn;kommun\nSolen;Falun\nMånen;Atlantis"), "e.csv")
    with pytest.raises(ImportRefused, match="Ingenting har sparats"):
        apply_import(plan)
    assert not Unit.objects.exists() and not UnitChange.objects.exists()


def test_re_importing_the_same_file_changes_nothing():
    data = csv_bytes("""
externt_id;namn;kommun;adress;postnummer;lat;lon;verksamheter
FC-1;Solen;Falun;Stigaregatan 2;79171;60,6065;15,6355;BVC; MVC
FC-2;Månen;Mora;Kyrkogatan 1;79230;61,0048;14,5373;BVC; öppen förskola
""".replace("BVC; MVC", '"BVC; MVC"').replace("BVC; öppen förskola", '"BVC; öppen förskola"'))
    first = apply_import(plan_import(data, "e.csv"))
    assert (first.created, first.updated) == (2, 0)
    changes = UnitChange.objects.count()
    plan = plan_import(data, "e.csv")
    assert [r.action for r in plan.rows] == ["unchanged", "unchanged"]
    second = apply_import(plan)
    assert (second.created, second.updated, second.unchanged) == (0, 0, 2)
    assert UnitChange.objects.count() == changes
    assert Unit.objects.get(external_id="FC-1").version == 1


def test_a_changed_row_updates_the_unit_found_by_name_and_kommun_and_keeps_what_the_file_does_not_say():
    hours = parse("mån–fre 9–16")
    unit = save_unit(None, {"name": "Solen", "municipality_id": "2080", "opening_hours": hours,
                            "services": {"child_health": {"principal": "region"}}},
                     source="manual_edit").unit
    plan = plan_import(csv_bytes("namn;kommun;status;stängde\nSolen;Falu kommun;nedlagd;2026-06-30"), "e.csv")
    row = only_row(plan)
    assert (row.action, row.unit_pk, row.changed_fields) == ("update", unit.pk, ["status", "stängde"])
    assert apply_import(plan).updated == 1
    unit.refresh_from_db()
    assert (unit.status, unit_record(unit)["opening_hours"], unit.version) == ("closed", hours, 2)
    assert unit.services.get().service_type == "child_health"


def test_rows_in_kommuner_the_user_may_not_edit_are_refused_per_row():
    user = User.objects.create_user("anna")
    Membership.objects.create(user=user, role=Role.MUNICIPAL_COORDINATOR, municipality_id="2080")
    plan = plan_import(csv_bytes("namn;kommun\nSolen;Falun\nMånen;Mora"), "e.csv", user=user)
    assert [r.action for r in plan.rows] == ["create", "error"]
    assert messages(plan) == ["Du får inte ändra enheter i Mora på rad 3 (kolumn kommun). Ta bort raden eller be "
                              "en samordnare för Mora att läsa in den."]
    with pytest.raises(ImportRefused):
        apply_import(plan, user=user)
    assert not Unit.objects.exists()


def test_a_csv_in_cp1252_with_commas_and_a_bom_in_utf8_are_both_read():
    for data in (csv_bytes("namn,kommun\nFamiljecentralen Älven,Gävle", "cp1252"),
                 b"\xef\xbb\xbf" + csv_bytes("namn;kommun\nFamiljecentralen Älven;Gävle")):
        row = only_row(plan_import(data, "e.csv"))
        assert (row.record["name"], row.record["municipality_id"]) == ("Familjecentralen Älven", "2180")


def test_a_geojson_file_of_points_is_read_with_properties_as_columns():
    data = b"""{"type": "FeatureCollection", "features": [
      {"type": "Feature", "geometry": {"type": "Point", "coordinates": [15.6355, 60.6065]},
       "properties": {"name": "Solen", "services": ["BVC", "MVC"], "status": "active"}},
      {"type": "Feature", "geometry": {"type": "Point", "coordinates": [18.0686, 59.3293]},
       "properties": {"name": "M\xc3\xa5nen", "kommun": "Falun"}}]}"""
    plan = plan_import(data, "enheter.geojson")
    assert plan.rows[0].action == "create"
    assert plan.rows[0].record["municipality_id"] == "2080"
    assert set(plan.rows[0].record["services"]) == {"child_health", "maternal_health"}
    assert (plan.rows[1].action, plan.rows[1].number) == ("error", 2)
    assert "km utanför Falun (i Stockholm)" in messages(plan)[0]


def test_an_unsupported_file_type_is_refused_with_what_to_do():
    plan = plan_import(b"\xd0\xcf\x11\xe0", "enheter.xls")
    assert messages(plan) == ["Filtypen .xls kan inte läsas in. Spara filen som CSV, XLSX (Excel) eller GeoJSON "
                              "och försök igen."]
    with pytest.raises(ImportRefused):
        apply_import(plan)


def test_the_command_reports_per_row_and_field_and_fails_without_writing(tmp_path):
    path = tmp_path / "enheter.csv"
    path.write_bytes(csv_bytes("namn;kommun;status\nSolen;Falun;i drift\nStjärnan;Falum;planerad"))
    out = io.StringIO()
    with pytest.raises(CommandError, match="ingenting har sparats"):
        call_command("import_units", str(path), stdout=out)
    report = out.getvalue()
    assert "Okänd kommun 'Falum' på rad 3 (kolumn kommun). Menade du Falun?" in " ".join(report.split())
    assert "2 rader: 1 nya, 0 ändras, 0 oförändrade, 1 med fel." in report
    assert not Unit.objects.exists()


def test_the_command_dry_run_writes_nothing_and_the_real_run_imports(tmp_path):
    path = tmp_path / "enheter.csv"
    path.write_bytes(csv_bytes("namn;kommun;bvc;öppen förskola\nSolen;Falun;ja;ja"))
    out = io.StringIO()
    call_command("import_units", str(path), "--dry-run", stdout=out)
    assert "Provkörning (--dry-run): ingenting har sparats." in out.getvalue()
    assert not Unit.objects.exists()
    out = io.StringIO()
    call_command("import_units", str(path), stdout=out)
    assert "Klart: 1 nya, 0 ändrade, 0 oförändrade enheter från enheter.csv." in out.getvalue()
    assert Unit.objects.get().classification == "similar_service"


def test_sweref_coordinates_count_when_the_lat_lon_columns_are_empty():
    plan = plan_import(csv_bytes("namn;kommun;lat;lon;N;E\nFamiljecentralen Malmö;Malmö;;;6161000;375000"), "enheter.csv")
    row = only_row(plan)
    assert row.action == "create", row.messages
    assert (row.record["latitude"], row.record["longitude"]) == (pytest.approx(55.5789, abs=1e-3),
                                                                 pytest.approx(13.0171, abs=1e-3))


@pytest.mark.parametrize("feature, words", [
    ('"just text"', "Objekt 1 i filen är inte ett GeoJSON-objekt"),
    ('{"type": "Feature", "properties": {"namn": "X", "kommun": "Malmö"}, "geometry": {"type": "Point"}}',
     "Objekt 1 är en punkt utan giltiga koordinater"),
])
def test_a_broken_geojson_feature_is_refused_with_its_number(feature, words):
    plan = plan_import(f'{{"type": "FeatureCollection", "features": [{feature}]}}'.encode(), "enheter.geojson")
    assert plan.has_errors
    assert any(words in text for text in messages(plan) + [m.text for m in plan.messages])
    assert Unit.objects.count() == 0


def test_the_command_imports_as_a_named_user_with_their_permissions(tmp_path, make_user):
    path = tmp_path / "enheter.csv"
    path.write_bytes(csv_bytes("namn;kommun\nFamiljecentralen Solen;Malmö\nFamiljecentralen Norr;Kiruna"))
    make_user("municipal_coordinator", municipality="1280", username="malmo")
    out = io.StringIO()
    with pytest.raises(CommandError, match="ingenting har sparats"):
        call_command("import_units", str(path), "--user", "malmo", stdout=out)
    assert "Kiruna" in out.getvalue() and Unit.objects.count() == 0
    path.write_bytes(csv_bytes("namn;kommun\nFamiljecentralen Solen;Malmö"))
    call_command("import_units", str(path), "--user", "malmo", stdout=io.StringIO())
    assert UnitChange.objects.get().changed_by.username == "malmo"


def test_the_command_refuses_an_unknown_user(tmp_path):
    path = tmp_path / "enheter.csv"
    path.write_bytes(csv_bytes("namn;kommun\nFamiljecentralen Solen;Malmö"))
    with pytest.raises(CommandError, match="ingen användare 'okänd'"):
        call_command("import_units", str(path), "--user", "okänd", stdout=io.StringIO())
    assert Unit.objects.count() == 0


def test_the_command_refuses_a_file_over_the_size_cap_without_reading_it(tmp_path):
    huge = tmp_path / "enheter.csv"
    with open(huge, "wb") as sparse:  # 25 GB on paper, nothing on disk
        sparse.truncate(25 * 1024 ** 3)

    output = io.StringIO()
    with pytest.raises(CommandError, match="ingenting har sparats"):
        call_command("import_units", str(huge), stdout=output)
    assert "Filen enheter.csv är 25\u00a0600,0 MB; största tillåtna storlek är 20 MB. Dela upp filen." in output.getvalue()
    assert Unit.objects.count() == 0
