import csv
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from fcatlas.reference.loading import ReferenceDataError, load_reference
from fcatlas.reference.models import Municipality, Postcode, Region, VulnerableArea

pytestmark = pytest.mark.django_db


def snapshot() -> dict:
    return {
        model.__name__: sorted(model.objects.values_list(*[f.attname for f in model._meta.concrete_fields]))
        for model in (Region, Municipality, VulnerableArea, Postcode)
    }


@pytest.fixture
def data_copy(tmp_path) -> Path:
    shutil.copytree(settings.DATA_DIR / "geo", tmp_path / "geo")
    return tmp_path


def test_it_loads_all_21_regions_and_290_kommuner():
    assert Region.objects.count() == 21
    assert Municipality.objects.count() == 290
    assert set(Region.objects.values_list("code", flat=True)) == {
        "01", "03", "04", "05", "06", "07", "08", "09", "10", "12", "13", "14",
        "17", "18", "19", "20", "21", "22", "23", "24", "25"}
    assert Municipality.objects.get(code="1280").region.name == "Skåne län"


def test_every_kommun_lies_in_the_region_its_code_names():
    for municipality in Municipality.objects.all():
        assert municipality.region_id == municipality.code[:2]


def test_it_loads_the_polices_lists_with_their_categories():
    assert VulnerableArea.objects.filter(year=2023).count() == 59
    assert VulnerableArea.objects.filter(year=2025).count() == 65
    counts_2025 = {c: VulnerableArea.objects.filter(year=2025, category=c).count()
                   for c in VulnerableArea.Category.values}
    assert counts_2025 == {"vulnerable": 46, "risk": 0, "especially_vulnerable": 19}
    assert VulnerableArea.objects.filter(year=2023, category="especially_vulnerable").count() == 17
    assert set(VulnerableArea.objects.values_list("year", flat=True)) == {2015, 2017, 2019, 2021, 2023, 2025}


def test_every_vulnerable_area_of_every_list_year_has_a_kommun_and_a_polygon():
    assert not VulnerableArea.objects.filter(municipality__isnull=True).exists()
    assert not VulnerableArea.objects.filter(geometry__isnull=True).exists()
    assert VulnerableArea.objects.get(year=2023, name="Rosengård söder om Amiralsgatan").municipality.name == "Malmö"
    rinkeby = VulnerableArea.objects.get(year=2025, name="Rinkeby")
    assert rinkeby.municipality.name == "Stockholm" and rinkeby.geometry["type"] in {"Polygon", "MultiPolygon"}


def test_a_2025_area_without_its_polygon_is_refused_naming_the_row(data_copy):
    path = data_copy / "geo/polisen_utsatta_omraden_2025.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace("Södra Sofielund / Seved", "Norra Sofielund")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = snapshot()
    with pytest.raises(ReferenceDataError, match=r"polisen_utsatta_omraden_2025.csv, rad 2: 'Norra Sofielund' "
                                                 r"\(Utsatt område\) saknar polygon"):
        load_reference(data_copy)
    assert snapshot() == before


def test_a_postcode_leads_to_its_kommun():
    assert Postcode.objects.get(code="10004").municipality.name == "Stockholm"
    assert Postcode.objects.values("municipality").distinct().count() == 290


def test_loading_twice_changes_nothing():
    before = snapshot()
    results = load_reference(settings.DATA_DIR)
    assert not any(result.changed for result in results)
    assert sum(result.unchanged for result in results) == 21 + 290 + 359 + 15463
    assert snapshot() == before


def test_it_updates_what_changed_in_a_file(data_copy):
    rows = list(csv.DictReader((data_copy / "geo/postnummer_till_kommun.csv").open(encoding="utf-8")))
    rows[0]["locality"] = "Nytt Namn"
    with (data_copy / "geo/postnummer_till_kommun.csv").open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=rows[0].keys())
        writer.writeheader()
        writer.writerows(rows[:-1])
    results = {r.table: r for r in load_reference(data_copy)}
    assert (results["postnummer"].updated, results["postnummer"].deleted) == (1, 1)
    assert Postcode.objects.get(code=rows[0]["postal_code"]).locality == "Nytt Namn"
    assert not Postcode.objects.filter(code=rows[-1]["postal_code"]).exists()


def test_it_refuses_an_unknown_category_naming_the_row_and_changes_nothing(data_copy):
    path = data_copy / "geo/polisen_utsatta_omraden_2025.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace("Utsatt område", "Halvutsatt område")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = snapshot()
    with pytest.raises(ReferenceDataError, match=r"polisen_utsatta_omraden_2025.csv, rad 4: okänd kategori 'Halvutsatt område'"):
        load_reference(data_copy)
    assert snapshot() == before


def test_the_command_reports_what_it_did(capsys):
    call_command("load_reference")
    output = capsys.readouterr().out
    assert "kommuner" in output and "290" in output and "oförändrade" in output


def test_the_fcatlas_command_lists_its_subcommands():
    result = subprocess.run([Path(sys.executable).with_name("fcatlas"), "--help"],
                            capture_output=True, text=True, check=True)
    assert "load-reference" in result.stdout
    assert "serve" in result.stdout


def test_a_load_that_changes_something_gives_the_reference_data_a_new_version_and_one_that_does_not_keeps_it(
        data_copy, django_capture_on_commit_callbacks):
    from fcatlas.reference.versions import reference_version

    with django_capture_on_commit_callbacks(execute=True):
        load_reference(settings.DATA_DIR)
    unchanged = reference_version()

    rows = list(csv.DictReader((data_copy / "geo/postnummer_till_kommun.csv").open(encoding="utf-8")))
    rows[0]["locality"] = "Nytt Namn"
    with (data_copy / "geo/postnummer_till_kommun.csv").open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=rows[0].keys())
        writer.writeheader()
        writer.writerows(rows)
    with django_capture_on_commit_callbacks(execute=True):
        load_reference(data_copy)

    assert reference_version() != unchanged
