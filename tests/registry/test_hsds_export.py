"""The HSDS 3 export validates, table by table, against Open Referral's schemas (copied into the package)."""

import json
import uuid
from functools import cache
from pathlib import Path

import jsonschema
import pytest
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from fcatlas.registry.editing import save_unit
from fcatlas.registry.exporting import export_units
from fcatlas.registry.exporting.hsds import TABLES, hsds_package, read_package
from fcatlas.registry.models import Unit

pytestmark = pytest.mark.django_db

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "src/fcatlas/registry/hsds_schema"


@cache
def registry_of_schemas() -> Registry:
    """Every schema file under its own name, so that ``{"$ref": "phone.json"}`` resolves."""
    resources = [(path.name, Resource.from_contents(json.loads(path.read_text()), default_specification=DRAFT202012))
                 for path in SCHEMA_DIR.glob("*.json")]
    return Registry().with_resources(resources)


@cache
def validator(name: str) -> jsonschema.Draft202012Validator:
    schema = json.loads((SCHEMA_DIR / f"{name}.json").read_text())
    return jsonschema.Draft202012Validator(schema, registry=registry_of_schemas(),
                                           format_checker=jsonschema.FormatChecker())


def errors(name: str, instance: dict) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator(name).iter_errors(instance)]


@pytest.fixture
def registry():
    falun = save_unit(None, {
        "external_id": "FC-0001", "name": "Familjecentralen Solen", "street_address": "Stigaregatan 2",
        "postcode": "79171", "locality": "Falun", "municipality_id": "2080", "latitude": 60.6065, "longitude": 15.6355,
        "children_age_from": 0, "children_age_to": 6, "assured_date": "2026-10-01",
        "services": {
            "maternal_health": {"principal": "region"},
            "child_health": {"principal": "private", "operating_form": "choice_scheme",
                             "provider_name": "Hälsans Hus AB"},
            "open_preschool": {"principal": "municipality", "fully_co_located": False},
            "preventive_social_services": {"principal": "municipality"},
        },
        "working_methods": ["extended_home_visits", "parenting_programme_abc"],
    }, source="manual_edit").unit
    malmo = save_unit(None, {
        "name": "Familjecentralen Rosengård", "municipality_id": "1280", "status": "temporarily_closed",
        "synthetic": True,
        "services": {"child_health": {"principal": "region"}, "open_preschool": {"principal": "municipality"},
                     "civil_society": {"principal": "non_profit", "provider_name": "Rädda Barnen"}},
    }, source="synthetic_demo").unit
    return falun, malmo


def table_problems(package: dict) -> list[tuple[str, str]]:
    return [(table, problem) for table, kind in TABLES.items() for item in package[table]
            for problem in errors(kind, item)]


def test_every_table_of_the_package_is_valid_hsds_3(registry):
    package = read_package(export_units(Unit.objects.all(), "hsds")[0])
    assert package["version"] == "3.0"
    assert table_problems(package) == []
    assert len(package["services"]) == len(package["service_at_locations"]) == 7
    assert len(package["locations"]) == 2


def test_the_validation_catches_what_hsds_forbids(registry):
    package = hsds_package(Unit.objects.all())
    broken = dict(package["services"][0], id="FC-0001-bvc", status="open")
    assert len(errors("service", broken)) == 2
    assert errors("organization", {"id": str(uuid.uuid4()), "name": "Region Dalarna"}) == [
        ": 'description' is a required property"]


def test_principals_become_organizations_with_the_names_people_use(registry):
    package = hsds_package(Unit.objects.all())
    names = sorted(o["name"] for o in package["organizations"])
    assert names == ["Falu kommun", "Hälsans Hus AB", "Malmö stad", "Region Dalarna", "Region Skåne", "Rädda Barnen"]
    by_id = {o["id"]: o["name"] for o in package["organizations"]}
    bvc = next(s for s in package["services"] if s["name"] == "Barnhälsovård – Familjecentralen Solen")
    assert by_id[bvc["organization_id"]] == "Hälsans Hus AB"
    assert "driftsform: vårdval/lov" in bvc["description"]
    assert (bvc["minimum_age"], bvc["maximum_age"], bvc["status"]) == (0, 6, "active")
    closed = next(s for s in package["services"] if s["name"].endswith("Rosengård"))
    assert closed["status"] == "temporarily closed"


def test_the_unit_is_a_location_with_address_coordinates_and_its_working_methods_as_attributes(registry):
    package = hsds_package(Unit.objects.all())
    solen = next(loc for loc in package["locations"] if loc["name"] == "Familjecentralen Solen")
    assert (solen["latitude"], solen["longitude"], solen["location_type"]) == (60.6065, 15.6355, "physical")
    assert solen["addresses"][0] | {"id": "x", "location_id": "x"} == {
        "id": "x", "location_id": "x", "address_1": "Stigaregatan 2", "city": "Falun", "region": "Falun",
        "state_province": "Dalarnas län", "postal_code": "79171", "country": "SE", "address_type": "physical"}
    codes = {t["id"]: t["code"] for t in package["taxonomy_terms"]}
    assert {codes[a["taxonomy_term_id"]] for a in solen["attributes"]} == {
        "extended_home_visits", "parenting_programme_abc", "family_centre"}
    assert all(a["link_id"] == solen["id"] and "taxonomy_term" not in a for a in solen["attributes"]), \
        "each term is listed once, in taxonomy_terms"
    abc = next(t for t in package["taxonomy_terms"] if t["code"] == "parenting_programme_abc")
    assert abc["parent_id"] == next(t["id"] for t in package["taxonomy_terms"] if t["code"] == "parenting_support")
    sal = [s for s in package["service_at_locations"] if s["location_id"] == solen["id"]]
    assert len(sal) == 4
    assert sorted(s["description"] for s in sal).count("Finns på plats delar av tiden.") == 1


def test_ids_are_uuids_and_stable_between_exports(registry):
    first, second = hsds_package(Unit.objects.all()), hsds_package(Unit.objects.all())
    ids = [item["id"] for table in ("organizations", "services", "locations", "service_at_locations",
                                    "taxonomies", "taxonomy_terms") for item in first[table]]
    assert all(str(uuid.UUID(i)) == i for i in ids)
    assert len(ids) == len(set(ids))
    assert [s["id"] for s in first["services"]] == [s["id"] for s in second["services"]]


def test_the_schemas_ship_with_their_licence_and_origin():
    readme = (SCHEMA_DIR / "README.md").read_text()
    assert "279fd2eb3552c349bf698c07c00cc25f5fc8249b" in readme
    assert "Creative Commons Attribution Share-Alike 4.0" in (SCHEMA_DIR / "LICENSE").read_text()


def test_a_full_demo_export_is_valid_in_every_table_with_contact_details_and_schedules():
    from django.conf import settings

    from fcatlas.registry.demo import load_demo

    load_demo(settings.DATA_DIR)
    content, content_type, filename = export_units(Unit.objects.all(), "hsds")
    package = read_package(content)

    assert (content_type, filename[-4:]) == ("application/zip", ".zip")
    assert [r["name"] for r in package["resources"]] == ["locations", "services", "service_at_locations",
                                                         "organizations", "taxonomies", "taxonomy_terms"]
    assert table_problems(package) == []
    assert len(package["locations"]) == 246
    with_phone = [loc for loc in package["locations"] if loc.get("phones")]
    assert len(with_phone) > 150 and all(p["number"].startswith("070-174 06") for loc in with_phone for p in loc["phones"])
    schedules = [s for loc in package["locations"] for s in loc["schedules"]]
    assert {s["description"] for s in schedules} == {"Öppettider", "Drop-in (öppen förskola)"}
    assert all(s["freq"] == "WEEKLY" and s["byday"] for s in schedules)
    languages = {lang["code"] for loc in package["locations"] for lang in loc["languages"]}
    assert {"sv", "ar", "so"} <= languages
    organisations = {o["name"] for o in package["organizations"]}
    assert {"Region Jönköpings län", "Region Sörmland", "Västra Götalandsregionen", "Göteborgs stad"} & organisations
    assert not {name for name in organisations if name.endswith("s kommun") and name[:-8].endswith("s")}
    assert package["synthetic"] is True and "Syntetisk demodata" in package["notice"]


def test_the_official_names_are_the_curated_ones():
    from fcatlas.reference.models import Municipality, Region
    from fcatlas.reference.names import organisation_name

    names = {code: organisation_name(Municipality.objects.get(code=code)) for code in ("0180", "1480", "1490", "2080", "1281", "2584", "0880", "0980", "1421")}
    assert names == {"0180": "Stockholms stad", "1480": "Göteborgs stad", "1490": "Borås stad", "2080": "Falu kommun",
                     "1281": "Lunds kommun", "2584": "Kiruna kommun", "0880": "Kalmar kommun", "0980": "Region Gotland",
                     "1421": "Orust kommun"}
    regions = {code: organisation_name(Region.objects.get(code=code)) for code in ("04", "06", "14", "23", "12")}
    assert regions == {"04": "Region Sörmland", "06": "Region Jönköpings län", "14": "Västra Götalandsregionen",
                       "23": "Region Jämtland Härjedalen", "12": "Region Skåne"}


@pytest.mark.parametrize("parts", [("location", 5), ("service", 12, "child_health"), ("attribute", "x", "å ä ö"),
                                   ("taxonomy_term", "working_methods", "parent_groups")])
def test_ids_are_the_uuid5_of_their_parts_so_they_stay_the_same_in_every_export(parts):
    import uuid

    from fcatlas.registry.exporting.hsds import HSDS_NAMESPACE, hsds_id

    assert hsds_id(*parts) == str(uuid.uuid5(HSDS_NAMESPACE, ":".join(map(str, parts))))
