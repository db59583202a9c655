"""The synthetic demo registry: calibrated to the 2023 mapping, deterministic, plausible, loaded idempotently."""

import io
from collections import Counter
from datetime import date
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from django.conf import settings
from django.core.management import call_command

from fcatlas.reference.models import Municipality, Postcode
from fcatlas.registry import demo
from fcatlas.registry.classification import classify
from fcatlas.registry.editing import save_unit
from fcatlas.registry.models import Unit, UnitChange
from fcatlas.registry.working_methods import INITIAL_WORKING_METHODS

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.filterwarnings("ignore:Several features with id:RuntimeWarning"),  # the panel repeats ids by year
]

DATA_DIR = Path(settings.DATA_DIR)


@pytest.fixture(scope="module")
def records():
    return demo.demo_records(DATA_DIR)


@pytest.fixture(scope="module")
def areas_2023():
    panel = gpd.read_file(DATA_DIR / "geo" / "polisen_utsatta_omraden_panel_2015_2023.geojson")
    return panel[panel["ar"].astype(int) == 2023].to_crs(3006)


def _points(records):
    return gpd.GeoSeries(gpd.points_from_xy([r["longitude"] for r in records], [r["latitude"] for r in records]),
                         crs=4326).to_crs(3006)


def test_demo_registry_matches_the_published_2023_aggregates(records):
    regions = dict(Municipality.objects.values_list("code", "region_id"))
    assert len(records) == 246
    assert len({r["municipality_id"] for r in records}) == 158
    unit_regions = {regions[r["municipality_id"]] for r in records}
    assert len(unit_regions) == 18
    assert unit_regions.isdisjoint({"03", "09", "10"})  # Uppsala, Gotland, Blekinge


def test_about_a_third_of_units_lie_in_or_within_1_km_of_the_2023_vulnerable_areas(records, areas_2023):
    assert len(areas_2023) == 59
    distances = _points(records).apply(lambda p: areas_2023.distance(p).min())
    share = (distances <= 1000).mean()
    assert 0.30 <= share <= 0.37
    # the generator's own measure says the same, unit by unit
    ours = demo.distances_to_vulnerable_areas(records, DATA_DIR)
    assert ours == pytest.approx(distances.to_numpy(), abs=1.0)


def test_vulnerable_area_distance_is_measured_to_that_years_polygons_in_metres(areas_2023):
    panel = gpd.read_file(DATA_DIR / "geo" / "polisen_utsatta_omraden_panel_2015_2023.geojson").to_crs(4326)
    ostberga = panel[(panel["namn"] == "Östberga") & (panel["ar"].astype(int) == 2021)].geometry.iloc[0]
    rosengard = areas_2023.to_crs(4326)
    rosengard = rosengard[rosengard["namn"].str.startswith("Rosengård")].geometry.iloc[0]
    inside_old = ostberga.representative_point()
    inside_2023 = rosengard.representative_point()
    polygon = areas_2023[areas_2023["namn"].str.startswith("Rosengård")].geometry.iloc[0]
    x, y = max(shapely.get_coordinates(polygon).tolist())  # the polygon's easternmost vertex
    beside = gpd.GeoSeries([shapely.Point(x + 500, y)], crs=3006).to_crs(4326).iloc[0]
    points = [{"longitude": p.x, "latitude": p.y} for p in (inside_old, inside_2023, beside)]

    d2023 = demo.distances_to_vulnerable_areas(points, DATA_DIR, year=2023)
    d2021 = demo.distances_to_vulnerable_areas(points, DATA_DIR, year=2021)
    assert d2023[0] > 1000  # Östberga is not on the 2023 list
    assert d2021[0] == 0
    assert d2023[1] == 0
    assert d2023[2] == pytest.approx(500, abs=1)  # 500 m east of Rosengård's easternmost point


def test_same_seed_gives_identical_records_and_another_seed_differs(records):
    demo._demo_records.cache_clear()
    again = demo.demo_records(DATA_DIR, seed=2023)
    assert again == records
    other = demo.demo_records(DATA_DIR, seed=7)
    assert other != records
    assert {r["municipality_id"] for r in other} != {r["municipality_id"] for r in records}
    assert len(other) == 246 and len({r["municipality_id"] for r in other}) == 158


def test_every_unit_is_marked_synthetic_and_lies_inside_or_near_its_kommun(records):
    assert all(r["synthetic"] is True for r in records)
    assert all(r["source"] == "synthetic_demo" for r in records)
    assert {r["source_detail"] for r in records} == {"Syntetisk demodata, frö 2023 (fcatlas load-demo)"}
    assert [r["external_id"] for r in records] == [f"demo-{i:04d}" for i in range(1, 247)]
    assert all(r["street_address"].startswith("Exempel") for r in records)

    kommuner = gpd.read_file(DATA_DIR / "geo" / "kommuner.geojson").to_crs(3006).set_index("kommun_kod")
    points = _points(records)
    distances = [kommuner.geometry[r["municipality_id"]].distance(p) for r, p in zip(records, points)]
    assert max(distances) <= 2000
    assert sum(d == 0 for d in distances) >= 240  # almost all strictly inside


def test_postcodes_belong_to_the_units_kommun(records):
    postcode_kommun = dict(Postcode.objects.values_list("code", "municipality_id"))
    assert all(postcode_kommun[r["postcode"]] == r["municipality_id"] for r in records)


def test_bigger_kommuner_get_more_units(records):
    per_kommun = Counter(r["municipality_id"] for r in records)
    for city in ("0180", "1480", "1280"):  # Stockholm, Göteborg, Malmö
        assert per_kommun[city] >= 5
    assert max(per_kommun, key=per_kommun.get) in {"0180", "1480"}


def test_units_vary_in_classification_principals_services_and_answers(records):
    classes = Counter(classify({k: s["fully_co_located"] for k, s in r["services"].items()}).value for r in records)
    assert set(classes) == {"family_centre", "similar_service", "not_qualifying"}
    assert classes["family_centre"] > classes["similar_service"] > classes["not_qualifying"]

    services = [(kind, s) for r in records for kind, s in r["services"].items()]
    assert {s["principal"] for _, s in services} >= {"region", "municipality", "private", "non_profit"}
    assert {s["operating_form"] for _, s in services} == {"own_management", "contracted", "choice_scheme"}
    assert any(not s["fully_co_located"] for _, s in services)  # part-time services
    assert {kind for kind, _ in services} >= {"family_counselling", "dental_care", "library", "sfi", "psychologist",
                                             "civil_society"}

    codes = {code for code, *_ in INITIAL_WORKING_METHODS}
    assert all(2 <= len(r["working_methods"]) <= 7 and set(r["working_methods"]) <= codes for r in records)
    ages = Counter(r["children_age_to"] for r in records)
    assert ages[5] + ages[6] > 0.8 * len(records) and any(a and a > 6 for a in ages)
    assert any(r["has_cooperation_agreement"] is None for r in records)  # some answers missing
    assert sum(r["assured_date"] is not None for r in records) > 0.7 * len(records)
    assert any(r["staffing"] for r in records)


def test_opening_dates_fit_the_status(records):
    statuses = Counter(r["status"] for r in records)
    assert statuses["active"] > 0.9 * len(records) and statuses["planned"] and statuses["temporarily_closed"]
    for r in records:
        if r["status"] == "planned":
            assert r["opened_on"] is None
        else:
            assert date(1995, 1, 1) <= date.fromisoformat(r["opened_on"]) <= date(2025, 12, 31)


def test_newly_arrived_are_served_more_often_near_vulnerable_areas(records):
    near = demo.distances_to_vulnerable_areas(records, DATA_DIR) <= 1000
    share_near = sum(r["serves_newly_arrived"] for r, n in zip(records, near) if n) / near.sum()
    share_far = sum(r["serves_newly_arrived"] for r, n in zip(records, near) if not n) / (~near).sum()
    assert share_near > share_far + 0.2


def test_loading_the_demo_twice_changes_nothing_the_second_time():
    first = demo.load_demo(DATA_DIR)
    assert (first.created, first.updated, first.removed) == (246, 0, 0)
    assert (first.units, first.municipalities, first.regions) == (246, 158, 18)
    units = Unit.objects.filter(external_id__startswith="demo-")
    assert units.count() == 246 and not units.filter(synthetic=False).exists()
    assert set(units.values_list("source", flat=True)) == {"synthetic_demo"}
    assert sum(first.classifications.values()) == 246
    versions = dict(units.values_list("external_id", "version"))
    history = UnitChange.objects.count()

    second = demo.load_demo(DATA_DIR)
    assert (second.created, second.updated, second.unchanged, second.removed) == (0, 0, 246, 0)
    assert dict(units.values_list("external_id", "version")) == versions
    assert UnitChange.objects.count() == history


def test_load_demo_command_removes_only_stale_synthetic_demo_units():
    def unit(external_id, synthetic):
        record = {"external_id": external_id, "name": external_id, "municipality_id": "0180", "synthetic": synthetic,
                  "services": {"child_health": {"principal": "region"}}}
        return save_unit(None, record, source="synthetic_demo" if synthetic else "manual_edit").unit

    stale = unit("demo-9999", True)
    real_with_demo_id = unit("demo-9998", False)
    other_synthetic = unit("annan-1", True)

    out = io.StringIO()
    call_command("load_demo", stdout=out)
    text = out.getvalue()
    assert "Syntetisk demodata" in text and "borttagna" in text and "158" in text
    assert not Unit.objects.filter(pk=stale.pk).exists()
    assert Unit.objects.filter(pk__in=[real_with_demo_id.pk, other_synthetic.pk]).count() == 2
    assert Unit.objects.filter(synthetic=True, external_id__startswith="demo-").count() == 246


def test_load_demo_never_overwrites_a_demo_unit_a_person_has_edited_and_says_so():
    from django.conf import settings

    from fcatlas.registry.demo import load_demo

    load_demo(settings.DATA_DIR)
    unit = Unit.objects.get(external_id="demo-0001")
    save_unit(unit, {"name": "Familjecentralen som Anna ändrade"}, source="manual_edit", expected_version=unit.version)

    out = io.StringIO()
    call_command("load_demo", stdout=out)

    unit.refresh_from_db()
    assert unit.name == "Familjecentralen som Anna ändrade" and unit.version == 2
    text = " ".join(out.getvalue().split())
    assert "Lämnade 1 demoenheter orörda, eftersom någon har ändrat dem sedan de skapades: Familjecentralen som Anna ändrade (demo-0001)." in text
    assert Unit.objects.filter(external_id__startswith="demo-").count() == 246
