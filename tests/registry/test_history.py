import pytest

from fcatlas.registry.editing import EditConflict, remove_unit, save_unit, unit_record
from fcatlas.registry.models import Unit, UnitChange
from fcatlas.registry.rules import RuleViolation
from fcatlas.registry.schedules import parse

pytestmark = pytest.mark.django_db


def test_a_new_unit_is_classified_and_its_creation_is_kept(make_unit):
    unit = make_unit(services=("maternal_health", "child_health", "open_preschool", "preventive_social_services"))
    assert unit.classification == "family_centre"
    assert unit.version == 1
    change = unit.changes.get()
    assert change.fields["name"] == [None, "Familjecentralen Exempel"]
    assert "budget" not in change.fields, "a new unit's history lists only the fields given a value"


def test_every_change_keeps_who_when_and_old_and_new_values(make_unit, make_user):
    unit = make_unit()
    editor = make_user("national_administrator")
    record = unit_record(unit)
    record["services"]["preventive_social_services"] = {"principal": "municipality"}
    record["opening_hours"] = parse("mån–fre 8–16")
    result = save_unit(unit, record, user=editor, source="manual_edit", expected_version=1)

    assert result.unit.version == 2
    assert result.unit.classification == "similar_service"
    change = UnitChange.objects.get(unit=unit, version=2)
    assert change.changed_by == editor
    assert change.fields["opening_hours"] == [[], [{"days": "MO,TU,WE,TH,FR", "opens": "08:00", "closes": "16:00"}]]
    old_services, new_services = change.fields["services"]
    assert "preventive_social_services" not in old_services and "preventive_social_services" in new_services


def test_the_classification_is_recomputed_when_a_service_goes(make_unit):
    unit = make_unit(services=("maternal_health", "child_health", "open_preschool", "preventive_social_services"))
    record = unit_record(unit)
    del record["services"]["child_health"]
    unit = save_unit(unit, record, source="manual_edit", expected_version=unit.version).unit
    assert unit.classification == "not_qualifying"
    assert unit.classification_reason.startswith("Saknar barnhälsovård")


def test_saving_the_same_record_changes_nothing(make_unit):
    unit = make_unit()
    result = save_unit(unit, unit_record(unit), source="manual_edit", expected_version=1)
    assert not result.changed
    assert Unit.objects.get(pk=unit.pk).version == 1
    assert unit.changes.count() == 1


def test_a_concurrent_edit_is_refused_and_nothing_is_overwritten(make_unit):
    unit = make_unit()
    save_unit(unit, {"name": "Först sparad"}, source="manual_edit", expected_version=1)
    with pytest.raises(EditConflict) as refusal:
        save_unit(unit, {"name": "Sent sparad"}, source="manual_edit", expected_version=1)
    assert [c.version for c in refusal.value.newer_changes] == [2]
    unit.refresh_from_db()
    assert (unit.name, unit.version) == ("Först sparad", 2)
    assert unit.changes.count() == 2


def test_an_invalid_record_writes_nothing(make_unit):
    unit = make_unit()
    with pytest.raises(RuleViolation) as refusal:
        save_unit(unit, {"latitude": 40.0, "longitude": 2.0}, source="manual_edit", expected_version=1)
    assert [p.field for p in refusal.value.problems] == ["latitude"]
    assert "Koordinaterna ligger inte i Sverige" in refusal.value.problems[0].message
    unit.refresh_from_db()
    assert unit.latitude is None and unit.version == 1 and unit.changes.count() == 1


def test_the_completeness_score_rises_as_questions_are_answered(make_unit):
    unit = make_unit()
    before = unit.completeness
    unit = save_unit(unit, {"opening_hours": parse("mån–fre 8–16"), "has_steering_group": True}, source="manual_edit",
                     expected_version=1).unit
    assert 0 < before < unit.completeness < 1


def test_the_unit_page_shows_the_history(client, make_unit):
    unit = make_unit()
    save_unit(unit, {"opening_hours": parse("tis 9–12")}, source="manual_edit", expected_version=1)
    page = client.get(unit.get_absolute_url()).content.decode()
    assert "Ändringshistorik" in page
    assert "Öppettider: – → tis 9.00–12.00" in page


def test_a_coordinator_fte_with_one_decimal_is_kept_exactly(make_unit):
    unit = make_unit(coordinator_fte=0.4)
    unit.refresh_from_db()
    assert str(unit.coordinator_fte) == "0.40"
    assert not save_unit(unit, {"coordinator_fte": 0.4}, source="manual_edit", expected_version=1).changed


def test_updating_without_the_version_started_from_is_refused(make_unit):
    unit = make_unit()
    with pytest.raises(TypeError, match="needs the version"):
        save_unit(unit, {"name": "Utan version"}, source="manual_edit")
    unit.refresh_from_db()
    assert unit.name == "Familjecentralen Exempel"


def test_removing_a_unit_keeps_its_history_with_a_last_change(make_unit, make_user, client):
    unit = make_unit(name="Familjecentralen Borta")
    save_unit(unit, {"street_address": "Exempelgatan 3"}, source="manual_edit", expected_version=1)
    editor = make_user("national_administrator")
    number = unit.pk

    change = remove_unit(unit, user=editor, source="manual_edit", source_detail="Dubblett", expected_version=2)

    assert not Unit.objects.filter(pk=number).exists()
    history = list(UnitChange.objects.filter(unit_number=number).order_by("version"))
    assert [(c.version, c.removed) for c in history] == [(1, False), (2, False), (3, True)]
    assert change.fields["street_address"] == ["Exempelgatan 3", None]
    assert change.changed_by == editor and change.unit_name == "Familjecentralen Borta"
    page = client.get(f"/enheter/historik/{number}/").content.decode()
    assert "Enheten är borttagen ur registret" in page and "3 (borttagen)" in page and "Dubblett" in page


def test_the_registry_of_a_past_day_is_replayed_from_the_history(make_unit):
    from datetime import datetime, timedelta

    from django.utils import timezone

    from fcatlas.registry.history import records_at

    long_ago = timezone.now() - timedelta(days=400)
    kept = make_unit(name="BVC Gamla stan", services=("child_health", "open_preschool"))
    gone = make_unit(name="Familjecentralen Nedlagd")
    UnitChange.objects.filter(unit__in=[kept, gone]).update(changed_at=long_ago)
    record = unit_record(kept)
    record["services"] |= {"maternal_health": {"principal": "region"},
                           "preventive_social_services": {"principal": "municipality"}}
    save_unit(kept, record, source="manual_edit", expected_version=1)
    remove_unit(gone, expected_version=1)
    make_unit(name="Familjecentralen Ny")

    then = records_at(long_ago + timedelta(days=1))
    assert {r["name"]: r["classification"] for r in then.values()} == {
        "BVC Gamla stan": "similar_service", "Familjecentralen Nedlagd": "similar_service"}
    now = records_at(timezone.now())
    assert {r["name"]: r["classification"] for r in now.values()} == {
        "BVC Gamla stan": "family_centre", "Familjecentralen Ny": "similar_service"}
    assert records_at(datetime(2000, 1, 1, tzinfo=timezone.get_current_timezone())) == {}
