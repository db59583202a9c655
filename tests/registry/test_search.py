"""The unit search finds what a person types however they spell it: without å/ä/ö, a postcode with or without
its space, several words, and services by their short forms."""

import pytest

from fcatlas.registry.editing import save_unit, unit_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def units(make_unit):
    make_unit(name="Familjecentralen Backa", municipality="1480", street_address="Backavägen 1", postcode="41705",
              locality="Göteborg", services=("maternal_health", "child_health", "open_preschool",
                                             "preventive_social_services"))
    make_unit(name="Barnavårdscentralen Väster", municipality="1280", postcode="21119", locality="Malmö",
              services=("child_health",))
    make_unit(name="Öppna förskolan Solen", municipality="0180", services=("open_preschool",))


def names(client, query: str) -> list[str]:
    return sorted(unit.name for unit in client.get("/enheter/", {"q": query}).context["page"])


@pytest.mark.parametrize("query, found", [
    ("goteborg", ["Familjecentralen Backa"]),
    ("GÖTEBORG", ["Familjecentralen Backa"]),
    ("417 05", ["Familjecentralen Backa"]),
    ("41705", ["Familjecentralen Backa"]),
    ("familjecentralen backa", ["Familjecentralen Backa"]),
    ("backa familj", ["Familjecentralen Backa"]),
    ("BVC", ["Barnavårdscentralen Väster", "Familjecentralen Backa"]),
    ("MVC", ["Familjecentralen Backa"]),
    ("öppna förskolan", ["Familjecentralen Backa", "Öppna förskolan Solen"]),
    ("oppen forskola stockholm", ["Öppna förskolan Solen"]),
    ("malmo bvc", ["Barnavårdscentralen Väster"]),
    ("vaster", ["Barnavårdscentralen Väster"]),
    ("backa stockholm", []),
])
def test_a_search_finds_units_by_every_word_folded(client, units, query, found):
    assert names(client, query) == found


def test_a_unit_is_found_by_what_it_is_now_after_an_edit(client, units):
    from fcatlas.registry.models import Unit

    unit = Unit.objects.get(name="Barnavårdscentralen Väster")
    record = unit_record(unit)
    record["name"], record["services"] = "Familjecentralen Väster", record["services"] | {
        "open_preschool": {"principal": "municipality"}}
    save_unit(unit, record, source="manual_edit", expected_version=1)
    assert names(client, "familjecentralen vaster") == ["Familjecentralen Väster"]
    assert names(client, "barnavardscentralen") == []
    assert "Familjecentralen Väster" in names(client, "öppen förskola")
