from itertools import product

import pytest

from fcatlas.registry.classification import CORE_SERVICES, classify

MVC, BVC, OF, SOC = CORE_SERVICES


def expected(services: set[str]) -> str:
    if services == set(CORE_SERVICES):
        return "family_centre"
    if BVC in services and services & {OF, SOC}:
        return "similar_service"
    return "not_qualifying"


ALL_COMBINATIONS = [
    {service for service, present in zip(CORE_SERVICES, flags) if present}
    for flags in product([False, True], repeat=4)
]

# Every one of the 16 combinations of the four core services, with its expected class and reason.
TABLE = [
    (set(), "not_qualifying", "Saknar barnhälsovård"),
    ({MVC}, "not_qualifying", "Saknar barnhälsovård"),
    ({BVC}, "not_qualifying", "varken öppen förskola eller förebyggande socialtjänst"),
    ({OF}, "not_qualifying", "Saknar barnhälsovård"),
    ({SOC}, "not_qualifying", "Saknar barnhälsovård"),
    ({MVC, BVC}, "not_qualifying", "varken öppen förskola eller förebyggande socialtjänst"),
    ({MVC, OF}, "not_qualifying", "Saknar barnhälsovård"),
    ({MVC, SOC}, "not_qualifying", "Saknar barnhälsovård"),
    ({BVC, OF}, "similar_service", "Saknar mödrahälsovård och förebyggande socialtjänst för att vara familjecentral."),
    ({BVC, SOC}, "similar_service", "Saknar mödrahälsovård och öppen förskola för att vara familjecentral."),
    ({OF, SOC}, "not_qualifying", "Saknar barnhälsovård"),
    ({MVC, BVC, OF}, "similar_service", "Saknar förebyggande socialtjänst för att vara familjecentral."),
    ({MVC, BVC, SOC}, "similar_service", "Saknar öppen förskola för att vara familjecentral."),
    ({MVC, OF, SOC}, "not_qualifying", "Saknar barnhälsovård"),
    ({BVC, OF, SOC}, "similar_service", "Saknar mödrahälsovård för att vara familjecentral."),
    ({MVC, BVC, OF, SOC}, "family_centre", "Har alla fyra grundverksamheter"),
]


def test_the_table_covers_every_combination_once():
    assert sorted(map(sorted, (row[0] for row in TABLE))) == sorted(map(sorted, ALL_COMBINATIONS))


@pytest.mark.parametrize(("services", "value", "reason"), TABLE, ids=lambda v: "+".join(sorted(v)) if isinstance(v, set) else None)
def test_it_classifies_by_the_national_definition_and_says_why(services, value, reason):
    result = classify({service: True for service in services})
    assert result.value == value == expected(services)
    assert reason in result.reason


@pytest.mark.parametrize("services", ALL_COMBINATIONS)
def test_other_services_never_change_the_class(services):
    with_others = {s: True for s in services} | {"library": True, "dental_care": False, "sfi": True}
    assert classify(with_others).value == classify({s: True for s in services}).value


def test_a_part_time_core_service_keeps_the_class_but_not_full_co_location():
    result = classify({MVC: True, BVC: True, OF: False, SOC: True})
    assert result.value == "family_centre"
    assert not result.fully_co_located
    assert result.co_location_reason == "Öppen förskola finns bara på plats delar av tiden."


def test_full_co_location_needs_every_present_core_service_on_site_all_the_time():
    assert classify({s: True for s in CORE_SERVICES}).fully_co_located
    assert classify({BVC: True, OF: True}).fully_co_located
    assert not classify({}).fully_co_located
    assert not classify({BVC: False, OF: False}).fully_co_located


def test_labels_are_the_swedish_terms():
    assert classify({s: True for s in CORE_SERVICES}).label == "Familjecentral"
    assert classify({BVC: True, SOC: True}).label == "Familjecentralsliknande verksamhet"
    assert classify({MVC: True}).label == "Uppfyller inte definitionen"
