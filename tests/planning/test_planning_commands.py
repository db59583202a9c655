import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from fcatlas.analysis import pxweb
from fcatlas.planning.management.commands import fetch_statistics

pytestmark = pytest.mark.django_db

RECORDED = Path(__file__).parents[1] / "analysis" / "fixtures" / "pxweb_v2_tab6574_0114_2024.json"


def run(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command(args[0].replace("-", "_"), *args[1:], stdout=out, stderr=StringIO())
    return out.getvalue()


def test_coverage_prints_a_table_with_its_source_or_json(make_unit):
    make_unit(municipality="2584", latitude=67.8558, longitude=20.2253)
    text = run("coverage", "--kommun", "2584")
    assert "Kiruna:" in text and "bor mer än 2\u00a0km" in text and "Efter SCB:s områdestyp" in text
    assert "folkmängd per DeSO den 31 december 2022" in text
    result = json.loads(run("coverage", "--kommun", "2584", "--year", "2023", "--json"))
    assert result["scope"] == "Kiruna" and result["year"] == 2023 and result["source"]["label"] == "SCB 2022"
    assert 0 < result["covered"] < result["children"]


def test_coverage_refuses_an_unknown_kommun():
    with pytest.raises(CommandError, match="ingen kommun med kod '9999'"):
        run("coverage", "--kommun", "9999")


def test_optimise_proposes_sites_with_the_gap_to_the_exact_solution():
    result = json.loads(run("optimise", "--region", "25", "-n", "2", "--exact", "--json"))
    assert len(result["sites"]) == 2 and result["region_name"] == "Norrbottens län"
    assert result["exact_proven_optimal"] is True
    assert 0 <= result["gap"] <= 0.05
    assert result["objective"] == pytest.approx(result["exact_objective"] * (1 - result["gap"]))
    text = run("optimise", "--region", "25", "-n", "2", "--exact")
    assert "Exakt lösning (HiGHS)" in text and "heuristikens gap" in text


def test_priority_ranks_kommuner_and_small_areas_with_reasons():
    rows = json.loads(run("priority", "--json"))["rows"]
    assert len(rows) == 290
    assert rows[0]["rank"] == 1
    assert rows[0]["explanation"].startswith("Avgörande: ")
    assert [row["priority"] for row in rows] == sorted((row["priority"] for row in rows), reverse=True)
    areas = json.loads(run("priority", "--level", "area", "--json"))["rows"]
    assert len(areas) == 3362 and {"small_area_code", "name"} <= set(areas[0])  # every RegSO with children
    assert "Prioritering av statistikområden" in run("priority", "--level", "area", "--top", "3")


def test_fetch_statistics_saves_what_scb_answers(tmp_path, monkeypatch):
    recorded = RECORDED.read_text(encoding="utf-8")

    def answer(method, url, body, headers):
        assert url.startswith(pxweb.V2_BASE_URL) and "TAB6574" in url
        return pxweb.HttpResponse(200, recorded.encode("utf-8"), url)

    monkeypatch.setattr(fetch_statistics, "fetch_v2",
                        lambda table, selection: pxweb.fetch_v2(table, selection, transport=answer))
    output = tmp_path / "pop.json"
    text = run("fetch-statistics", "population", "--selection", "Tid=2024", "-o", str(output))
    assert json.loads(output.read_text(encoding="utf-8")) == json.loads(recorded)
    assert "fcatlas load-demand" in text


def test_fetch_statistics_says_clearly_when_offline(monkeypatch):
    def offline(table, selection):
        raise OSError("Name or service not known")

    monkeypatch.setattr(fetch_statistics, "fetch_v2", offline)
    with pytest.raises(CommandError, match="Kunde inte nå SCB:s API"):
        run("fetch-statistics", "population")
