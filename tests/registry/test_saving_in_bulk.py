"""``save_units``: many units through the one door at once (an import of 10 000 rows), by the same rules, all or
nothing, with the same stored state and history as saving them one by one."""

import pytest

from fcatlas.registry import editing
from fcatlas.registry.editing import Edit, EditConflict, save_unit, save_units, unit_record
from fcatlas.registry.models import Unit, UnitChange
from fcatlas.registry.rules import RuleViolation
from fcatlas.registry.schedules import parse

pytestmark = pytest.mark.django_db

FULL = {
    "external_id": "FC-1", "name": "Familjecentralen Solen", "municipality_id": "2080", "status": "active",
    "latitude": 60.6065, "longitude": 15.6355, "languages": ["sv", "ar"],
    "services": {"maternal_health": {"principal": "region"}, "child_health": {"principal": "region"},
                 "open_preschool": {"principal": "municipality", "fully_co_located": False},
                 "preventive_social_services": {"principal": "municipality"}},
    "working_methods": ["parent_groups"], "staffing": {"midwife": 1.5},
    "opening_hours": parse("mån–fre 8–16"), "drop_in_hours": parse("tis 9–12"),
}


def stored(unit: Unit) -> dict:
    return {k: v for k, v in unit_record(Unit.objects.get(pk=unit.pk)).items() if k != "source_detail"}


def test_a_batch_stores_what_saving_one_by_one_stores_with_a_history_row_each():
    one_by_one = stored(save_unit(None, FULL, source="import_file").unit)
    Unit.objects.all().delete()
    UnitChange.objects.all().delete()
    second = FULL | {"external_id": "FC-2", "name": "Månen", "staffing": {}}

    results = save_units([Edit(None, FULL), Edit(None, second)], source="import_file", source_detail="fil.csv")

    assert [r.created for r in results] == [True, True]
    assert stored(results[0].unit) == one_by_one
    assert results[0].unit.classification == "family_centre" and results[0].unit.services.count() == 4
    assert stored(results[1].unit)["staffing"] == {}
    changes = UnitChange.objects.order_by("unit_number")
    assert [(c.unit_id, c.version, c.source_detail) for c in changes] == [
        (results[0].unit.pk, 1, "fil.csv"), (results[1].unit.pk, 1, "fil.csv")]
    assert changes[0].fields["staffing"] == [None, {"midwife": 1.5}]


def test_an_update_in_a_batch_replaces_only_what_changed_and_leaves_unchanged_units_alone():
    first = save_unit(None, FULL, source="manual_edit").unit
    other = save_unit(None, FULL | {"external_id": "FC-2", "name": "Månen"}, source="manual_edit").unit

    results = save_units([Edit(first, {"staffing": {"midwife": 2.0}, "opening_hours": parse("mån 8–12")}, 1),
                          Edit(other, {}, 1)], source="import_file")

    assert (results[0].changed, results[1].changed) == (True, False)
    record = stored(first)
    assert (record["staffing"], record["opening_hours"], record["drop_in_hours"]) == (
        {"midwife": 2.0}, parse("mån 8–12"), parse("tis 9–12"))
    assert Unit.objects.get(pk=first.pk).version == 2 and Unit.objects.get(pk=other.pk).version == 1
    assert set(UnitChange.objects.get(unit=first, version=2).fields) == {"staffing", "opening_hours", "source"}


def test_one_bad_record_refuses_the_whole_batch_naming_its_place():
    with pytest.raises(RuleViolation) as refused:
        save_units([Edit(None, FULL), Edit(None, FULL | {"external_id": "FC-2", "staffing": {"midwife": -3}})],
                   source="import_file")

    assert refused.value.index == 1
    assert [p.field for p in refused.value.problems] == ["staffing.midwife"]
    assert not Unit.objects.exists() and not UnitChange.objects.exists()


def test_an_external_id_already_taken_or_given_twice_is_refused_in_swedish():
    taken = save_unit(None, FULL, source="manual_edit").unit

    with pytest.raises(RuleViolation) as refused:
        save_units([Edit(None, FULL | {"name": "Kopian"})], source="import_file")
    assert refused.value.problems[0].message == (
        f"Externt id 'FC-1' används redan av enheten Familjecentralen Solen (nummer {taken.pk}).")

    with pytest.raises(RuleViolation) as refused:
        save_units([Edit(None, FULL | {"external_id": "FC-9"}), Edit(None, FULL | {"external_id": "FC-9"})],
                   source="import_file")
    assert (refused.value.index, refused.value.problems[0].message) == (1, "Externt id 'FC-9' ges två enheter.")
    assert Unit.objects.count() == 1


def test_an_unknown_kommun_code_is_a_rule_problem_not_a_database_error():
    with pytest.raises(RuleViolation) as refused:
        save_unit(None, FULL | {"municipality_id": "9999"}, source="import_file")

    assert [(p.field, p.message) for p in refused.value.problems] == [
        ("municipality_id", "Okänd kommunkod '9999'; en kommunkod är fyra siffror, till exempel 2080 för Falun.")]


def test_a_unit_changed_since_its_version_refuses_the_batch():
    unit = save_unit(None, FULL, source="manual_edit").unit
    save_unit(unit, {"phone": "023-11 11 11"}, source="manual_edit", expected_version=1)

    with pytest.raises(EditConflict) as refused:
        save_units([Edit(None, FULL | {"external_id": "FC-2"}), Edit(unit, {"phone": "023-22 22 22"}, 1)],
                   source="import_file")

    assert (refused.value.index, refused.value.unit.version) == (1, 2)
    assert Unit.objects.get().phone == "023-11 11 11"


def test_a_batch_larger_than_one_insert_keeps_ids_history_and_related_rows_together():
    records = [FULL | {"external_id": f"FC-{n}", "name": f"Enhet {n}", "staffing": {"midwife": 1 + n % 3}}
               for n in range(600)]
    removed = save_unit(None, FULL | {"external_id": "FC-removed"}, source="manual_edit").unit
    removed_pk = removed.pk
    Unit.objects.filter(pk=removed_pk).delete()

    results = save_units([Edit(None, record) for record in records], source="import_file")
    later = save_unit(None, FULL | {"external_id": "FC-later", "name": "Senare"}, source="manual_edit").unit

    pks = [r.unit.pk for r in results]
    assert len(set(pks)) == 600 and later.pk not in pks and removed_pk not in pks, "an id is never given twice"
    assert Unit.objects.count() == 601
    assert {c.unit_id: c.unit_name for c in UnitChange.objects.filter(unit_id__in=pks)} == {
        r.unit.pk: r.unit.name for r in results}
    assert stored(Unit.objects.get(external_id="FC-599"))["staffing"] == {"midwife": 3.0}  # 1 + 599 % 3
    assert Unit.objects.get(external_id="FC-599").services.count() == 4
    assert [r.change.pk is not None for r in results].count(True) == 600


@pytest.fixture
def rows_prepared_by_a_thread(monkeypatch):
    """A batch of more than three units written as a large one is: two at a time, prepared by a thread while the
    caller writes (on SQLite too, which large batches do not do, so that both databases test it)."""
    monkeypatch.setattr(editing, "PIPELINE_MIN_UNITS", 3)
    monkeypatch.setattr(editing, "PIPELINE_CHUNK", 2)
    monkeypatch.setattr(editing, "PIPELINE_VENDORS", ("postgresql", "sqlite"))


def batch(count: int) -> list[dict]:
    return [FULL | {"external_id": f"FC-{n}", "name": f"Enhet {n}", "staffing": {"midwife": 1 + n}}
            for n in range(count)]


def test_a_batch_prepared_by_a_thread_stores_what_saving_one_by_one_stores(rows_prepared_by_a_thread):
    one_by_one = [stored(save_unit(None, record, source="import_file").unit) for record in batch(5)]
    first = Unit.objects.get(external_id="FC-0")
    Unit.objects.exclude(pk=first.pk).delete()
    UnitChange.objects.exclude(unit=first).delete()

    results = save_units([Edit(first, {"phone": "023-22 22 22"}, 1)]
                         + [Edit(None, record) for record in batch(5)[1:]], source="import_file")

    assert [(r.created, r.changed) for r in results] == [(False, True)] + [(True, True)] * 4
    assert stored(first) == one_by_one[0] | {"phone": "023-22 22 22"}
    assert [stored(r.unit) for r in results[1:]] == one_by_one[1:]
    assert [(c.unit_id, c.version) for c in UnitChange.objects.order_by("unit_id", "version")] == [
        (first.pk, 1), (first.pk, 2)] + [(r.unit.pk, 1) for r in results[1:]]
    assert [r.change.pk for r in results] == [
        UnitChange.objects.get(unit=r.unit, version=r.unit.version).pk for r in results]


def test_an_error_while_the_thread_prepares_rows_refuses_the_batch_and_nothing_is_written(
        rows_prepared_by_a_thread, monkeypatch):
    prepared = []

    def failing_on_the_fourth(after, fingerprint):
        prepared.append(after["name"])
        if len(prepared) == 4:  # the first two units are written by then
            raise ValueError("the fourth unit")
        return stored_state(after, fingerprint)

    stored_state = editing._stored_state
    monkeypatch.setattr(editing, "_stored_state", failing_on_the_fourth)

    with pytest.raises(ValueError, match="the fourth unit"):
        save_units([Edit(None, record) for record in batch(5)], source="import_file")

    assert not Unit.objects.exists() and not UnitChange.objects.exists()


def test_the_thread_that_prepares_rows_may_not_use_the_database(rows_prepared_by_a_thread, monkeypatch):
    monkeypatch.setattr(editing, "_stored_state", lambda after, fingerprint: Unit.objects.count())

    with pytest.raises(RuntimeError, match="does not use the database"):
        save_units([Edit(None, record) for record in batch(4)], source="import_file")

    assert not Unit.objects.exists()
