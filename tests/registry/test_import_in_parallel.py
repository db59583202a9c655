"""A large file checked by several processes gets the plan one process would make, row for row: duplicates across
the runs of rows, updates and unchanged rows, kommuner found by postcode, errors — and a run whose process needed
the database it is closed to is checked again by the parent."""

import pytest

from fcatlas.registry.importing import apply_import, plan_import, planning
from fcatlas.registry.importing.rows import RowChecker
from fcatlas.registry.models import Unit

pytestmark = pytest.mark.django_db

HEADER = "externt id;namn;kommun;postnummer;bvc;öppen förskola;telefon"


def csv_bytes(lines: list[str]) -> bytes:
    return "\r\n".join([HEADER, *lines, ""]).encode("utf-8")


def rows_as_seen(plan):
    return [(row.number, row.action, row.name, row.municipality_code, row.unit_pk, row.changed_fields, row.checked,
             row.fingerprint, [(m.column, m.text) for m in row.messages], row.record) for row in plan.rows]


@pytest.fixture
def small_runs(monkeypatch):
    """Files of a few rows shared between processes; the list holds the numbers of the rows this process planned
    (the other processes' lists are their own)."""
    monkeypatch.setattr(planning, "PARALLEL_MIN_ROWS", 4)
    planned_here = []
    plan = planning._Reading.plan
    monkeypatch.setattr(planning._Reading, "plan",
                        lambda self, checker, number, cells: planned_here.append(number) or plan(self, checker, number, cells))
    return planned_here


def test_a_file_checked_in_two_processes_is_planned_as_in_one(small_runs):
    apply_import(plan_import(csv_bytes(["FC-1;Solen;Falun;;ja;ja;", "FC-2;Månen;Mora;;ja;nej;"]), "förra.csv"))
    lines = [f"NY-{n};Familjecentralen {n};Falun;;ja;ja;" for n in range(1, 11)]
    lines[1] = "FC-1;Solen;Falun;;ja;ja;"              # unchanged: the row that last wrote the unit
    lines[7] = "FC-2;Månen;Mora;;ja;ja;"               # an update, in the second run
    lines[8] = "NY-3;Dubbletten;Falun;;ja;ja;"         # the same unit as row 4, across the runs
    lines[9] = "NY-99;Postnumret;;79171;ja;ja;"        # the kommun found by postcode alone
    lines[5] = "NY-6;Felet;Falun;;ja;ja;inte ett nummer"
    data = csv_bytes(lines)
    small_runs.clear()

    shared = plan_import(data, "enheter.csv", workers=2)
    assert small_runs == [2, 3, 4, 5, 6, 10]  # the first run, and the duplicate in the second, checked again here
    alone = plan_import(data, "enheter.csv")

    assert rows_as_seen(shared) == rows_as_seen(alone)
    by_number = {row.number: row for row in shared.rows}
    assert (by_number[3].action, by_number[9].action, by_number[11].municipality_name) == (
        "unchanged", "update", "Falun")
    assert any("samma enhet som på rad 4" in m.text for m in by_number[10].messages)
    assert by_number[7].action == "error" and by_number[7].messages[0].column == "telefon"
    assert Unit.objects.count() == 2  # planning wrote nothing


def test_a_run_that_needs_the_database_is_checked_again_by_the_parent(small_runs, monkeypatch):
    monkeypatch.setattr(RowChecker, "read_ahead", lambda self, rows, prepared: None)  # nothing read beforehand
    lines = [f"NY-{n};Familjecentralen {n};;{79171 if n > 4 else ''};ja;ja;" for n in range(1, 9)]
    lines[:4] = [f"NY-{n};Familjecentralen {n};Falun;;ja;ja;" for n in range(1, 5)]
    data = csv_bytes(lines)

    shared = plan_import(data, "enheter.csv", workers=2)

    assert small_runs == list(range(2, 10))  # the second run stopped at its first postcode: all checked here
    assert rows_as_seen(shared) == rows_as_seen(plan_import(data, "enheter.csv"))
    assert [row.municipality_name for row in shared.rows] == ["Falun"] * 8
    assert apply_import(shared).created == 8
