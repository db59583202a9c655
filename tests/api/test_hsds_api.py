"""The HSDS 3 API (/api/hsds/) answers what HSDS 3's OpenAPI document and schemas say, with the export's ids.

Every answer is validated twice: against the response schema of its path in Open Referral's ``openapi.json`` (for
a list, the ``Page`` envelope with its ``contents`` items by the compiled list schema the document names) and
against the compiled HSDS schema of its objects. The documents are the copies in ``registry/hsds_schema``; their
``https://raw.githubusercontent.com/...`` references are resolved to those files, never fetched.
"""

import json
import time
import uuid
from functools import cache
from pathlib import Path

import jsonschema
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from referencing import Registry, Resource
from referencing.exceptions import NoSuchResource
from referencing.jsonschema import DRAFT202012

from fcatlas.registry.editing import save_unit, unit_record
from fcatlas.registry.exporting import export_units
from fcatlas.registry.exporting.hsds import read_package
from fcatlas.registry.models import Unit, UnitService

pytestmark = pytest.mark.django_db

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "src/fcatlas/registry/hsds_schema"
PUBLISHED = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/"
NOTICE = "Syntetisk demodata – inte verkliga familjecentraler"
PAGE_KEYS = {"total_items", "total_pages", "page_number", "size", "first_page", "last_page", "empty", "contents"}
LISTS = {"/services": "compiled/service_list.json", "/service_at_locations": "compiled/service_at_location_list.json",
         "/organizations": "compiled/organization_list.json", "/taxonomies": "taxonomy.json",
         "/taxonomy_terms": "taxonomy_term.json"}
FULL = {"/services": "compiled/service.json", "/service_at_locations": "compiled/service_at_location.json",
        "/organizations": "compiled/organization.json"}
"""What each list's items are with ``full=true``."""


def _local_copy(uri: str) -> Resource:
    """A schema the documents refer to, from the copy shipped with fcatlas; anything else is not there."""
    path = SCHEMA_DIR / uri.removeprefix(PUBLISHED)
    if not uri.startswith(PUBLISHED) or not path.is_file():
        raise NoSuchResource(ref=uri)
    return Resource.from_contents(json.loads(path.read_text()), default_specification=DRAFT202012)


SCHEMAS = Registry(retrieve=_local_copy)


@cache
def validator(reference: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator({"$ref": reference}, registry=SCHEMAS,
                                           format_checker=jsonschema.FormatChecker())


def problems(reference: str, instance) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator(reference).iter_errors(instance)]


def openapi_answer(path: str) -> str:
    """The reference to the OpenAPI document's schema of the 200 answer of ``GET path``."""
    escaped = path.replace("~", "~0").replace("/", "~1")
    return f"{PUBLISHED}openapi.json#/paths/{escaped}/get/responses/200/content/application~1json/schema"


def hsds_schema(name: str) -> str:
    return PUBLISHED + name


def get(client, path: str, **query) -> dict:
    response = client.get("/api/hsds" + path, query)
    assert response.status_code == 200, (path, response.content[:500])
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def every_item(client, path: str, **query) -> list[dict]:
    items, page = [], 1
    while True:
        answer = get(client, path, page=page, per_page=200, **query)
        items += answer["contents"]
        if answer["last_page"]:
            return items
        page += 1


@pytest.fixture
def registry():
    """A real unit in Falun (with a private provider) and a synthetic one in Malmö, as the export tests have them,
    and a planned unit with one service."""
    falun = save_unit(None, {
        "external_id": "FC-0001", "name": "Familjecentralen Solen", "street_address": "Stigaregatan 2",
        "postcode": "79171", "locality": "Falun", "municipality_id": "2080", "latitude": 60.6065, "longitude": 15.6355,
        "phone": "023-123 45", "email": "solen@falun.se", "website": "https://www.falun.se/solen",
        "opening_hours": [{"days": "MO,TU,WE,TH,FR", "opens": "08:00", "closes": "16:30"}],
        "languages": ["sv", "ar"], "accessibility": "Ramp vid entrén.",
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
                     "civil_society": {"principal": "non_profit", "provider_name": "Exempelföreningen"}},
    }, source="synthetic_demo").unit
    planned = save_unit(None, {"name": "BVC Väster", "municipality_id": "1280", "status": "planned",
                               "services": {"child_health": {"principal": "region"}}}, source="manual_edit").unit
    return falun, malmo, planned


def test_the_root_says_which_hsds_it_is_and_where_its_openapi_document_is(client, registry):
    answer = get(client, "/")
    assert problems(openapi_answer("/"), answer) == []
    assert answer["version"] == "3.0"
    assert answer["openapi_url"] == PUBLISHED + "openapi.json"
    assert answer["profile"].startswith("https://")
    assert answer["synthetic"] is True and answer["notice"] == NOTICE


@pytest.mark.parametrize(("path", "full"), [(path, False) for path in LISTS] + [(path, True) for path in FULL])
def test_every_list_is_a_page_of_valid_hsds_objects(client, registry, path, full):
    answer = get(client, path, **({"full": "true"} if full else {}))
    assert set(answer) == PAGE_KEYS, "the Page schema names its properties without requiring them"
    assert problems(openapi_answer(path), answer) == []
    assert answer["contents"], "an empty page would validate against anything"
    item_schema = FULL[path] if full else LISTS[path]
    assert [p for item in answer["contents"] for p in problems(hsds_schema(item_schema), item)] == []
    if path == "/services":
        assert ("service_at_locations" in answer["contents"][0]) is full
        assert "attributes" not in answer["contents"][0] or full, "a list item has only one-to-one fields"


def test_the_validation_is_not_vacuous(client, registry):
    page = get(client, "/services")
    broken = json.loads(json.dumps(page))
    broken["contents"][0]["status"] = "open"
    del broken["contents"][1]["name"]
    broken["total_items"] = "many"
    assert len(problems(openapi_answer("/services"), broken)) == 3
    service = get(client, f"/services/{page['contents'][0]['id']}")
    service["service_at_locations"][0]["location"]["location_type"] = "somewhere"
    assert len(problems(openapi_answer("/services/{id}"), service)) == 1


def test_every_object_by_id_is_valid_hsds(client, registry):
    service = get(client, "/services")["contents"][0]
    link = get(client, "/service_at_locations")["contents"][0]
    organisation = get(client, "/organizations")["contents"][0]
    taxonomy = get(client, "/taxonomies")["contents"][0]
    term = get(client, "/taxonomy_terms")["contents"][0]
    for path, wanted, schema, answered in (
            ("/services/{id}", service["id"], "compiled/service.json", service["id"]),
            ("/service_at_locations/{id}", link["id"], "compiled/service.json", link["service_id"]),
            ("/organizations/{id}", organisation["id"], "compiled/organization.json", organisation["id"]),
            ("/taxonomies/{id}", taxonomy["id"], "taxonomy.json", taxonomy["id"]),
            ("/taxonomy_terms/{id}", term["id"], "taxonomy_term.json", term["id"])):
        answer = get(client, path.replace("{id}", wanted))
        assert problems(openapi_answer(path), answer) == [], path
        assert problems(hsds_schema(schema), answer) == [], path
        assert answer["id"] == answered, path


def test_a_service_comes_fully_nested_with_its_organisation_terms_and_location(client, registry):
    solen = next(s for s in every_item(client, "/services", search="Solen") if s["name"].startswith("Barnhälsovård"))
    service = get(client, f"/services/{solen['id']}")
    assert service["organization"]["name"] == "Hälsans Hus AB"
    assert [a["taxonomy_term"]["name"] for a in service["attributes"]] == ["Barnhälsovård"]
    [at] = service["service_at_locations"]
    assert at["service_id"] == service["id"]
    location = at["location"]
    assert (location["name"], location["latitude"], location["addresses"][0]["postal_code"]) == (
        "Familjecentralen Solen", 60.6065, "79171")
    assert location["phones"][0]["number"] == "023-123 45"
    assert location["schedules"][0]["byday"] == "MO,TU,WE,TH,FR"
    assert {lang["code"] for lang in location["languages"]} == {"sv", "ar"}
    assert {a["taxonomy_term"]["code"] for a in location["attributes"]} == {
        "family_centre", "extended_home_visits", "parenting_programme_abc"}


def test_a_service_at_location_by_id_is_the_service_at_just_that_location(client, registry):
    link = get(client, "/service_at_locations")["contents"][0]
    answer = get(client, f"/service_at_locations/{link['id']}")
    assert answer["id"] == link["service_id"]
    assert [(at["id"], at["location"]["id"]) for at in answer["service_at_locations"]] == [
        (link["id"], link["location_id"])]


def test_pages_cover_every_service_once_and_say_which_is_the_last(client, registry):
    count = UnitService.objects.count()
    assert count == 8
    first = get(client, "/services", per_page=3)
    assert (first["total_items"], first["total_pages"], first["page_number"], first["size"]) == (count, 3, 1, 3)
    assert (first["first_page"], first["last_page"], first["empty"]) == (True, False, False)
    last = get(client, "/services", per_page=3, page=3)
    assert (last["size"], last["first_page"], last["last_page"], last["empty"]) == (2, False, True, False)
    pages = [get(client, "/services", per_page=3, page=n)["contents"] for n in (1, 2, 3)]
    ids = [s["id"] for page in pages for s in page]
    assert len(ids) == len(set(ids)) == count
    beyond = get(client, "/services", per_page=3, page=4)
    assert (beyond["contents"], beyond["empty"], beyond["last_page"], beyond["total_items"]) == ([], True, True, count)
    assert get(client, "/services")["size"] == count, "50 a page unless asked"
    assert len(get(client, "/service_at_locations", per_page=5)["contents"]) == 5


def test_a_page_reads_its_units_in_bulk_whatever_its_size(client, registry):
    counts = []
    for per_page in (4, 8):  # 2 units or 3, a provider that is neither region nor kommun on both
        with CaptureQueriesContext(connection) as queries:
            get(client, "/services", per_page=per_page, full="true")
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 12


def test_modified_after_gives_only_the_services_of_units_changed_since(client, registry):
    falun, malmo, planned = registry
    since = timezone.now()
    time.sleep(0.01)
    save_unit(malmo, unit_record(malmo) | {"phone": "040-34 10 00"}, source="manual_edit",
              expected_version=malmo.version)
    changed = every_item(client, "/services", modified_after=since.isoformat())
    assert {s["name"].split(" – ")[1] for s in changed} == {"Familjecentralen Rosengård"}
    assert len(changed) == 3
    assert all(s["last_modified"] >= since.isoformat() for s in changed)
    links = every_item(client, "/service_at_locations", modified_after=since.isoformat())
    assert {link["location"]["name"] for link in links} == {"Familjecentralen Rosengård"}
    swedish_time = timezone.localtime(since).replace(tzinfo=None).isoformat()
    assert len(every_item(client, "/services", modified_after=swedish_time)) == 3, "no zone: Swedish time"
    assert len(every_item(client, "/services", modified_after="2020-01-01")) == 8
    assert every_item(client, "/services", modified_after=timezone.now().isoformat()) == []


def test_the_ids_are_the_ids_of_the_hsds_export(client, registry):
    package = read_package(export_units(Unit.objects.all(), "hsds")[0])
    services = every_item(client, "/services")
    assert [s["id"] for s in services] == [s["id"] for s in package["services"]]
    exported = {s["id"]: s for s in package["services"]}
    for service in services:
        assert {k: v for k, v in exported[service["id"]].items() if k != "attributes"} == {
            k: v for k, v in service.items() if k != "organization"}, "one mapping: the same fields"
    assert [s["id"] for s in every_item(client, "/service_at_locations")] == [
        s["id"] for s in package["service_at_locations"]]
    assert every_item(client, "/organizations") == package["organizations"]
    assert every_item(client, "/taxonomies") == package["taxonomies"]
    terms = {t["id"]: t for t in every_item(client, "/taxonomy_terms")}
    assert all(terms[t["id"]] == t for t in package["taxonomy_terms"])
    location_ids = {loc["id"] for loc in package["locations"]}
    assert {s["location_id"] for s in every_item(client, "/service_at_locations")} == location_ids


def test_synthetic_units_stay_labelled_as_synthetic(client, registry):
    for service in every_item(client, "/services", full="true"):
        synthetic = service["name"].endswith("Rosengård")
        assert (NOTICE in service["description"]) is synthetic
        location = service["service_at_locations"][0]
        assert (NOTICE in location["description"]) is synthetic
        assert (NOTICE in location["location"]["description"]) is synthetic
    organisations = {o["name"]: o["description"] for o in every_item(client, "/organizations")}
    assert NOTICE in organisations["Exempelföreningen"], "a provider only synthetic units have is made up"
    assert NOTICE not in organisations["Hälsans Hus AB"] and NOTICE not in organisations["Region Skåne"]
    assert NOTICE in get(client, "/")["notice"]


def test_an_organisation_lists_the_services_it_is_principal_for(client, registry):
    by_name = {o["name"]: o for o in every_item(client, "/organizations")}
    skane = get(client, f"/organizations/{by_name['Region Skåne']['id']}")
    assert sorted(s["name"] for s in skane["services"]) == ["Barnhälsovård – BVC Väster",
                                                            "Barnhälsovård – Familjecentralen Rosengård"]
    assert "service_at_locations" not in skane["services"][0] and "organization" not in skane["services"][0]
    assert {s["organization_id"] for s in skane["services"]} == {skane["id"]}
    full = get(client, f"/organizations/{by_name['Region Skåne']['id']}", full_service="true")
    assert problems(hsds_schema("compiled/organization.json"), full) == []
    assert all(s["service_at_locations"] for s in full["services"])
    assert [o["name"] for o in get(client, "/organizations", search="region")["contents"]] == [
        "Region Dalarna", "Region Skåne"]


def test_services_filter_by_organisation_term_taxonomy_and_words(client, registry):
    by_name = {o["name"]: o["id"] for o in every_item(client, "/organizations")}
    terms = {(t["taxonomy"], t["code"]): t["id"] for t in every_item(client, "/taxonomy_terms")}
    taxonomies = {t["name"]: t["id"] for t in every_item(client, "/taxonomies")}

    def names(**query):
        return sorted(s["name"] for s in every_item(client, "/services", **query))

    assert names(organization_id=by_name["Region Dalarna"]) == ["Mödrahälsovård – Familjecentralen Solen"]
    assert names(organization_id=by_name["Malmö stad"], search="Rosengård") == [
        "Öppen förskola – Familjecentralen Rosengård"]
    assert names(taxonomy_term_id=terms[("service_types", "child_health")]) == [
        "Barnhälsovård – BVC Väster", "Barnhälsovård – Familjecentralen Rosengård",
        "Barnhälsovård – Familjecentralen Solen"]
    assert len(names(taxonomy_term_id=terms[("working_methods", "extended_home_visits")])) == 4
    assert names(taxonomy_term_id=terms[("classification", "not_qualifying")]) == ["Barnhälsovård – BVC Väster"]
    assert len(names(taxonomy_id=taxonomies["fcatlas arbetssätt"])) == 4
    assert names(search="barnhälsovård väster") == ["Barnhälsovård – BVC Väster"]
    assert names(search="Hälsans Hus") == ["Barnhälsovård – Familjecentralen Solen"]
    assert names(organization_id=str(uuid.uuid4())) == [], "a filter by an id nobody has finds nothing"
    child_terms = get(client, "/taxonomy_terms", parent_id=terms[("working_methods", "parenting_support")])
    assert "parenting_programme_abc" in {t["code"] for t in child_terms["contents"]}
    assert all("parent_id" not in t for t in every_item(client, "/taxonomy_terms", top_only="true"))


@pytest.mark.parametrize(("query", "detail"), [
    ("per_page=500", "per_page måste vara mellan 1 och 200, inte 500."),
    ("per_page=0", "per_page måste vara mellan 1 och 200, inte 0."),
    ("page=0", "page måste vara mellan 1 och 1 000 000, inte 0."),
    ("page=två", "page måste vara ett heltal mellan 1 och 1 000 000, inte ”två”."),
    ("page=" + "9" * 400, "page måste vara ett heltal mellan 1 och 1 000 000, inte ”" + "9" * 40 + "…”."),
    ("modified_after=igår", "modified_after måste vara en tidpunkt enligt ISO 8601, till exempel "
                            "2025-01-31T12:00:00+01:00 eller 2025-01-31 (svensk tid om ingen tidszon anges), "
                            "inte ”igår”."),
    ("modified_after=2025-13-01", "modified_after måste vara en tidpunkt"),
    ("modified_after=2025-01-31T12:00:00+01:00", "modified_after måste vara en tidpunkt enligt ISO 8601, till exempel "
                                                 "2025-01-31T12:00:00+01:00 eller 2025-01-31 (svensk tid om ingen "
                                                 "tidszon anges), inte ”2025-01-31T12:00:00 01:00” (ett + i en adress "
                                                 "skrivs %2B; oskrivet blir det ett mellanslag)."),
    ("modified_after=0001-01-01T00:00:00%2B05:00", "modified_after måste vara en tidpunkt"),
    ("full=kanske", "full måste vara true eller false, inte ”kanske”."),
    ("organization_id=Region%20Sk%C3%A5ne", "organization_id måste vara ett HSDS-id (ett UUID, som id:na i svaren), "
                                            "inte ”Region Skåne”."),
    ("format=ndjson", "format ”ndjson” stöds inte"),
    ("minimal=true", "minimal=true stöds inte"),
    ("page=0&per_page=500", "page måste vara mellan 1 och 1 000 000, inte 0. per_page måste vara mellan 1 och 200, "
                            "inte 500."),
])
def test_a_bad_parameter_is_refused_in_swedish_naming_it(client, registry, query, detail):
    response = client.get("/api/hsds/services?" + query)
    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"].startswith(detail)


@pytest.mark.parametrize("path", ["/service_at_locations", "/organizations", "/taxonomies", "/taxonomy_terms"])
def test_every_list_refuses_bad_paging_the_same_way(client, path):
    response = client.get(f"/api/hsds{path}?per_page=500")
    assert (response.status_code, response.json()) == (422, {"detail": "per_page måste vara mellan 1 och 200, "
                                                                       "inte 500."})


def test_the_filters_the_api_does_not_have_are_refused_not_ignored(client, registry):
    response = client.get("/api/hsds/service_at_locations?postcode=21432&proximity=1000")
    assert response.status_code == 422 and "postcode stöds inte" in response.json()["detail"]


@pytest.mark.parametrize("path", ["/services", "/service_at_locations", "/organizations", "/taxonomies",
                                  "/taxonomy_terms"])
def test_an_unknown_id_is_404_in_swedish(client, registry, path):
    for wanted in (str(uuid.uuid4()), "finns-inte", "9" * 30):
        response = client.get(f"/api/hsds{path}/{wanted}")
        assert response.status_code == 404, (path, wanted)
        assert response.json()["detail"].startswith("Det finns ingen "), response.json()


def test_odd_values_of_every_parameter_never_give_a_server_error(client, registry):
    client.raise_request_exception = False
    schema = client.get("/api/hsds/openapi.json").json()
    unit_id = get(client, "/services")["contents"][0]["id"]
    crashed = []
    for path, operations in schema["paths"].items():
        names = [p["name"] for p in operations["get"].get("parameters", []) if p["in"] == "query"]
        for name in names:
            for value in ("9" * 20, "-" + "9" * 400, "1e309", "nan", "", " ", "0001-01-01T00:00:00+14:00",
                          "9999-12-31T23:59:59-12:00", str(uuid.uuid4()), "å"):
                response = client.get(path.replace("{id}", unit_id), {name: value})
                if response.status_code >= 500 or "detail" not in response.json() and response.status_code >= 400:
                    crashed.append(f"{response.status_code} {path}?{name}={value}")
    assert not crashed, "\n".join(crashed)


def test_the_whole_demo_registry_reads_as_valid_hsds_page_by_page(client):
    """Every service of the demo registry through the list pages, and one fully nested per unit (validating all
    1 066 nested would take ten seconds and check the same locations again)."""
    from django.conf import settings

    from fcatlas.registry.demo import load_demo

    load_demo(settings.DATA_DIR)
    services, nested = [], {}
    for page in range(1, 100):
        answer = get(client, "/services", page=page, per_page=200, full="true")
        assert problems(openapi_answer("/services"), answer) == []
        services += answer["contents"]
        nested |= {s["service_at_locations"][0]["location_id"]: s for s in answer["contents"]}
        if answer["last_page"]:
            break
    assert len(services) == answer["total_items"] == UnitService.objects.count() > 1000
    assert len(nested) == Unit.objects.count() == 246
    assert [p for item in nested.values() for p in problems(hsds_schema("compiled/service.json"), item)] == []
    assert all(NOTICE in s["description"] for s in services), "the demo registry is synthetic, all of it"
    organisations = every_item(client, "/organizations", full="true")
    assert [p for item in organisations for p in problems(hsds_schema("compiled/organization.json"), item)] == []
    assert sum(len(o["services"]) for o in organisations) == len(services)
