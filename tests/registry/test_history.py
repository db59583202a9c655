import pytest

from fcatlas.registry.editing import EditConflict, save_unit, unit_record
from fcatlas.registry.models import Unit, UnitChange

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
    record["opening_hours"] = "mån–fre 8–16"
    result = save_unit(unit, record, user=editor, source="manual_edit", expected_version=1)

    assert result.unit.version == 2
    assert result.unit.classification == "similar_service"
    change = UnitChange.objects.get(unit=unit, version=2)
    assert change.changed_by == editor
    assert change.fields["opening_hours"] == ["", "mån–fre 8–16"]
    old_services, new_services = change.fields["services"]
    assert "preventive_social_services" not in old_services and "preventive_social_services" in new_services


def test_the_classification_is_recomputed_when_a_service_goes(make_unit):
    unit = make_unit(services=("maternal_health", "child_health", "open_preschool", "preventive_social_services"))
    record = unit_record(unit)
    del record["services"]["child_health"]
    unit = save_unit(unit, record, source="manual_edit").unit
    assert unit.classification == "not_qualifying"
    assert unit.classification_reason.startswith("Saknar barnhälsovård")


def test_saving_the_same_record_changes_nothing(make_unit):
    unit = make_unit()
    result = save_unit(unit, unit_record(unit), source="manual_edit")
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
    from django.core.exceptions import ValidationError

    unit = make_unit()
    with pytest.raises(ValidationError) as refusal:
        save_unit(unit, {"latitude": 40.0, "longitude": 2.0}, source="manual_edit")
    assert "Koordinaterna ligger inte i Sverige" in str(refusal.value)
    unit.refresh_from_db()
    assert unit.latitude is None and unit.version == 1 and unit.changes.count() == 1


def test_the_completeness_score_rises_as_questions_are_answered(make_unit):
    unit = make_unit()
    before = unit.completeness
    unit = save_unit(unit, {"opening_hours": "mån–fre 8–16", "has_steering_group": True}, source="manual_edit").unit
    assert 0 < before < unit.completeness < 1


def test_the_unit_page_shows_the_history(client, make_unit):
    unit = make_unit()
    save_unit(unit, {"opening_hours": "tis 9–12"}, source="manual_edit")
    page = client.get(unit.get_absolute_url()).content.decode()
    assert "Ändringshistorik" in page
    assert "Öppettider: – → tis 9–12" in page


def test_a_coordinator_fte_with_one_decimal_is_kept_exactly(make_unit):
    unit = make_unit(coordinator_fte=0.4)
    unit.refresh_from_db()
    assert str(unit.coordinator_fte) == "0.40"
    assert not save_unit(unit, {"coordinator_fte": 0.4}, source="manual_edit").changed
