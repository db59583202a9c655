"""What a report says: its figures are the registry's and the demand layer's, each with its source and date."""

import re

import pytest

from fcatlas.formatting import format_distance
from fcatlas.planning.services import coverage_report
from fcatlas.reports.document import build_content
from fcatlas.reports.figures import figure_svg
from fcatlas.reports.scopes import NATIONAL, ScopeError, parse_scope

pytestmark = pytest.mark.django_db

FOUR_CORE = ("maternal_health", "child_health", "open_preschool", "preventive_social_services")
MALMO = (13.0038, 55.6050)
LUND = (13.1910, 55.7047)
STOCKHOLM = (18.0686, 59.3293)


@pytest.fixture
def units(make_unit):
    made = [
        make_unit(name="Familjecentralen Sorgenfri", municipality="1280", services=FOUR_CORE,
                  latitude=MALMO[1], longitude=MALMO[0], has_cooperation_agreement=True, synthetic=True,
                  working_methods=["violence_routine_questions", "father_partner_groups"],
                  children_age_from=0, children_age_to=12, serves_newly_arrived=True),
        make_unit(name="BVC och öppna förskolan Lund", municipality="1281", services=("child_health", "open_preschool"),
                  latitude=LUND[1], longitude=LUND[0], has_cooperation_agreement=False, children_age_to=5),
        make_unit(name="Familjecentralen Rinkeby", municipality="0180", services=FOUR_CORE,
                  latitude=STOCKHOLM[1], longitude=STOCKHOLM[0], working_methods=["violence_routine_questions"]),
        make_unit(name="Planerad familjecentral", municipality="1280", services=FOUR_CORE, status="planned"),
    ]
    return made


def table(content, table_id):
    return next(t for chapter in content["chapters"] for t in chapter["tables"] if t["id"] == table_id)


def rows_by_label(found):
    return {row[0]: row[1:] for row in found["rows"]}


def test_the_national_report_counts_the_units_in_operation_by_classification(units):
    content = build_content(NATIONAL)
    counts = rows_by_label(table(content, "klassificering"))
    assert counts["Familjecentral"][0] == 2
    assert counts["Familjecentralsliknande verksamhet"][0] == 1
    assert counts["Totalt"][0] == 3  # the planned unit is not in operation
    status = rows_by_label(table(content, "status"))
    assert status["Planerad"] == [1] and status["I drift"] == [3]
    per_region = rows_by_label(table(content, "per-region"))
    assert per_region["Skåne län"] == [1, 1, 0, 2]
    assert per_region["Stockholms län"] == [1, 0, 0, 1]
    assert per_region["Uppsala län"] == [0, 0, 0, 0]


def test_methods_governance_and_target_groups_are_counted_from_the_units(units):
    content = build_content(NATIONAL)
    methods = rows_by_label(table(content, "vald-och-jamstalldhet"))
    assert methods["Rutinmässiga frågor om våld"][:2] == [2, pytest.approx(2 / 3)]
    assert methods["Pappa- och partnergrupper"][:1] == [1]
    governance = rows_by_label(table(content, "styrning"))
    assert governance["Samverkansavtal mellan huvudmännen"] == [1, 1, 1, 0.5]  # yes, no, unknown, share of known
    groups = rows_by_label(table(content, "malgrupper"))
    assert groups["Äldre barn (6 år och äldre)"][0] == 1
    assert groups["Nyanlända familjer"][0] == 1


def test_the_coverage_chapter_shows_the_planning_figures(units):
    content = build_content(NATIONAL, radius_m=3000)
    expected = coverage_report(radius_m=3000)
    summary = {row["label"]: row["value"] for row in content["summary"]}
    assert summary[f"Andel barn 0–5 år inom {format_distance(3000)} från en enhet"] == pytest.approx(expected["share_covered"])
    bands = table(content, "avstand")
    assert sum(row[1] for row in bands["rows"]) == pytest.approx(expected["children"])


def test_every_table_and_figure_says_where_its_figures_come_from_and_as_of_when(units):
    content = build_content(NATIONAL)
    stamp = content["as_of_text"]
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", stamp)
    items = [item for chapter in content["chapters"] for item in chapter["tables"] + chapter["figures"]]
    assert len(items) > 20
    for item in items:
        assert item["note"].startswith("Källa:"), item["id"]
        assert stamp in item["note"], item["id"]
        assert "syntetisk demodata" in item["note"], item["id"]  # one unit is synthetic: every figure says so


def test_a_registry_without_synthetic_units_is_not_called_synthetic(make_unit):
    make_unit(municipality="1280", services=FOUR_CORE, latitude=MALMO[1], longitude=MALMO[0])
    content = build_content(NATIONAL)
    assert content["synthetic"] is False
    assert not any("syntetisk" in t["note"] for c in content["chapters"] for t in c["tables"])


def test_a_regional_profile_stands_beside_the_nation(units):
    content = build_content(parse_scope("region:12"))
    assert content["scope"]["name"] == "Skåne län"
    classes = table(content, "klassificering")
    assert [c["label"] for c in classes["columns"]][-1] == "Andel i riket"
    rows = rows_by_label(classes)
    assert rows["Familjecentral"] == [1, 0.5, pytest.approx(2 / 3)]
    per_kommun = rows_by_label(table(content, "per-municipality"))
    assert per_kommun["Malmö"] == [1, 0, 0, 1] and per_kommun["Lund"] == [0, 1, 0, 1]
    summary = {row["label"]: (row["value"], row["nation"]) for row in content["summary"]}
    assert summary["Enheter i drift"] == (2, 3)


def test_a_municipal_profile_lists_its_units_and_its_small_areas(units):
    content = build_content(parse_scope("kommun:1280"))
    names = [row[0] for row in table(content, "enheter")["rows"]]
    assert names == ["Familjecentralen Sorgenfri"]
    small_areas = table(content, "regso")
    assert small_areas.get("appendix") is True and len(small_areas["rows"]) > 20


@pytest.mark.parametrize("text, message", [
    ("kommun:9999", "Det finns ingen kommun med kod '9999'"),
    ("region:99", "Det finns ingen region med länskod '99'"),
    ("land:SE", "Okänd omfattning 'land:SE'"),
])
def test_a_scope_that_names_no_place_is_refused_in_swedish(text, message):
    with pytest.raises(ScopeError, match=message):
        parse_scope(text)


def test_the_same_figure_data_draw_the_same_svg(units):
    figure = next(f for c in build_content(NATIONAL)["chapters"] for f in c["figures"] if f["kind"] == "map")
    first, second = figure_svg(figure), figure_svg(figure)
    assert first == second
    assert first.startswith("<?xml") and "<svg" in first and "Familjecentral (2)" in first


def test_a_comparison_date_shows_the_registry_then_beside_today(make_unit):
    from datetime import date, timedelta

    from django.utils import timezone

    from fcatlas.registry.models import UnitChange

    old = make_unit(name="Familjecentralen Gammal", municipality="1280", services=FOUR_CORE, latitude=MALMO[1],
                    longitude=MALMO[0])
    UnitChange.objects.filter(unit=old).update(changed_at=timezone.now() - timedelta(days=400))
    make_unit(name="Familjecentralen Ny", municipality="1281", services=FOUR_CORE, latitude=LUND[1],
              longitude=LUND[0])
    day = date.today() - timedelta(days=200)
    content = build_content(NATIONAL, compare_on=day)
    found = table(content, "registret-da-och-nu")
    assert found["title"] == f"Registret den {day.isoformat()} och i dag"
    rows = rows_by_label(found)
    assert rows["Familjecentral"] == [1, 2, 1]
    assert rows["Tillkomna enheter"][1] == 1 and rows["Enheter som inte längre är i drift"][1] == 0
    assert "ändringshistoriken till och med" in found["note"]
    assert "registret-da-och-nu" not in [t["id"] for c in build_content(NATIONAL)["chapters"] for t in c["tables"]]
