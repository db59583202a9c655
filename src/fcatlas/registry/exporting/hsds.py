"""The Open Referral HSDS 3 data package: a unit is a ``location`` (with its address, phone, contact, opening and
drop-in schedules, languages and accessibility), each service at it a ``service`` + ``service_at_location``, each
principal an ``organization`` under its official name, and working methods, service types and the classification
``taxonomy_term``s. Every table validates against the HSDS 3 schemas shipped in ``registry/hsds_schema``.

``HsdsBuilder`` makes every object, for the export and for the HSDS API (``/api/hsds/``), which nests the same
objects: one mapping, one set of ids (name-based UUIDs, stable between exports). A synthetic unit's location,
services and service-at-location links say so in their descriptions, as does a provider only synthetic units have.
"""

import functools
import hashlib
import io
import json
import shutil
import tempfile
import uuid
import zipfile
from functools import cached_property
from typing import NamedTuple

from fcatlas import jsontext
from fcatlas.reference.names import organisation_name_of

from ..models import ServiceType, UnitService, WorkingMethod
from ..vocabulary import CHOICE_LABELS, LANGUAGES
from .rows import (
    CLASSIFICATION_LABELS,
    DATA_LICENCE,
    SOURCE_TEXT,
    SYNTHETIC_NOTICE,
    ExportItem,
    ExportUnits,
    metadata,
)

HSDS_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:fcatlas:hsds")
_NAMESPACE_BYTES = HSDS_NAMESPACE.bytes
HSDS_STATUS = {"active": "active", "planned": "inactive", "temporarily_closed": "temporarily closed",
               "closed": "defunct"}
HSDS_OPENAPI = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/openapi.json"
SCHEDULE_DESCRIPTIONS = {"opening_hours": "Öppettider", "drop_in_hours": "Drop-in (öppen förskola)"}
TABLES = {"organizations": "organization", "services": "service", "locations": "location",
          "service_at_locations": "service_at_location", "taxonomies": "taxonomy", "taxonomy_terms": "taxonomy_term"}
"""Each table of the package → the HSDS 3 schema its items follow."""


TAXONOMIES = ("working_methods", "service_types", "classification")


_VARIANT = {digit: "89ab"[int(digit, 16) & 0b11] for digit in "0123456789abcdef"}
"""The first hex digit of a UUID's fourth group, given the digest's: the variant bits set to 10 (RFC 4122)."""


@functools.lru_cache(maxsize=2**16, typed=True)
def hsds_id(*parts) -> str:
    """A stable UUID for an HSDS object: the same unit and service give the same id in every export.

    It is ``uuid.uuid5(HSDS_NAMESPACE, "part:part…")`` written out (SHA-1's first 32 hex digits with the version
    digit and the variant bits set): an export of 10 000 units asks for 400 000 ids, and ``uuid.UUID`` objects
    cost three times the hashing. A unit's location and services are named again by its links and attributes,
    and the organisations by many units, hence the cache."""
    text = hashlib.sha1(_NAMESPACE_BYTES + ":".join(map(str, parts)).encode()).hexdigest()
    return f"{text[:8]}-{text[8:12]}-5{text[13:16]}-{_VARIANT[text[16]]}{text[17:20]}-{text[20:32]}"


def service_id(unit_pk: int, kind: str) -> str:
    return hsds_id("service", unit_pk, kind)


def link_id(unit_pk: int, kind: str) -> str:
    """The id of the ``service_at_location`` of the unit's service of ``kind``."""
    return hsds_id("service_at_location", unit_pk, kind)


def taxonomy_id(taxonomy: str) -> str:
    return hsds_id("taxonomy", taxonomy)


PUBLIC_PRINCIPALS = ("region", "municipality")


class Provider(NamedTuple):
    """Who runs a service, as far as its ``organization`` depends on it: the principal, the provider's name and
    where the unit is (a region or kommun organisation is the one of the unit's region or kommun)."""

    principal: str
    provider_name: str
    unit_name: str
    region_code: str
    region_name: str
    municipality_code: str
    municipality_name: str


PROVIDER_VALUES = ("principal", "provider_name", "unit__name", "unit__municipality__region_id",
                   "unit__municipality__region__name", "unit__municipality_id", "unit__municipality__name")
"""The ``UnitService`` values a ``Provider`` is made of, in its order (for readers that skip the unit records)."""


def provider_of(unit: ExportItem, service: dict) -> Provider:
    return Provider(service["principal"], service["provider_name"], unit.record["name"], unit.region_code,
                    unit.region_name, unit.municipality_code, unit.municipality_name)


def _provider_name(principal: str, provider_name: str, unit_name: str) -> str:
    return provider_name.strip() or f"{CHOICE_LABELS['principal'][principal]} vid {unit_name}"


def organisation_id(provider: Provider) -> str:
    if provider.principal == "region":
        return hsds_id("organization", "region", provider.region_code)
    if provider.principal == "municipality":
        return hsds_id("organization", "municipality", provider.municipality_code)
    name = _provider_name(provider.principal, provider.provider_name, provider.unit_name)
    return hsds_id("organization", provider.principal, name.casefold())


def organisation(provider: Provider, *, synthetic: bool = False) -> dict:
    """The HSDS ``organization`` of a principal: a region or kommun under its official name, any other provider
    under its own name. ``synthetic``: it runs services only at synthetic units (a made-up provider), which its
    description says; a region or kommun is real whichever units it serves."""
    if provider.principal == "region":
        return {"id": organisation_id(provider), "name": organisation_name_of("region", provider.region_code),
                "description": f"Regionen som är huvudman för hälso- och sjukvård i {provider.region_name}."}
    if provider.principal == "municipality":
        return {"id": organisation_id(provider), "name": organisation_name_of("kommun", provider.municipality_code),
                "description": f"Kommunen {provider.municipality_name} i {provider.region_name}."}
    label = CHOICE_LABELS["principal"][provider.principal]
    description = f"{label} som driver verksamhet vid familjecentraler."
    return {"id": organisation_id(provider),
            "name": _provider_name(provider.principal, provider.provider_name, provider.unit_name),
            "description": description + (f" {SYNTHETIC_NOTICE}." if synthetic else "")}


def real_organisation_ids() -> set[str]:
    """The ids of the providers other than regions and kommuner that run a service at a unit that is not
    synthetic: one query, of only those services (none in the demo registry)."""
    rows = (UnitService.objects.filter(unit__synthetic=False).exclude(principal__in=PUBLIC_PRINCIPALS)
            .values_list(*PROVIDER_VALUES))
    return {organisation_id(Provider(*row)) for row in rows}


def one_to_one(item: dict) -> dict:
    """An HSDS object without its arrays of child objects: what the API's list pages show of it."""
    return {key: value for key, value in item.items() if not isinstance(value, list)}


def _schedules(unit, record, location_id) -> list[dict]:
    result = []
    for key, description in SCHEDULE_DESCRIPTIONS.items():
        for number, entry in enumerate(record[key]):
            result.append({"id": hsds_id("schedule", unit.pk, key, number), "location_id": location_id,
                           "freq": "WEEKLY", "wkst": "MO", "byday": entry["days"], "opens_at": entry["opens"],
                           "closes_at": entry["closes"], "description": description, "attending_type": "in person"})
    return result


def _reaching(unit, record, location: dict) -> None:
    """Phone, e-mail, website, hours, languages and accessibility: how a family reaches the unit."""
    location_id = location["id"]
    if record["phone"]:
        location["phones"] = [{"id": hsds_id("phone", unit.pk), "location_id": location_id,
                               "number": record["phone"], "type": "voice"}]
    if record["email"]:
        location["contacts"] = [{"id": hsds_id("contact", unit.pk), "location_id": location_id, "name": record["name"],
                                 "email": record["email"]}]
    if record["website"]:
        location["url"] = record["website"]
    location["schedules"] = _schedules(unit, record, location_id)
    location["languages"] = [{"id": hsds_id("language", unit.pk, code), "location_id": location_id,
                              "name": LANGUAGES[code], "code": code} for code in record["languages"]]
    if record["accessibility"]:
        location["accessibility"] = [{"id": hsds_id("accessibility", unit.pk), "location_id": location_id,
                                      "description": record["accessibility"]}]


class HsdsBuilder:
    """Builds the HSDS objects of units: their locations, services, service-at-location links, the
    organisations and the taxonomy terms they refer to (collected on the way and listed after them). The export
    writes them as tables; the HSDS API (``fcatlas.api.hsds``) nests the same objects into its answers."""

    def __init__(self, units):
        self.units = ExportUnits(units)
        self.terms: dict[str, dict] = {}
        self.terms_by_id: dict[str, dict] = {}
        self.organisations: dict[str, dict] = {}
        for method in WorkingMethod.objects.select_related("parent"):
            self.term("working_methods", method.code, method.name, method.description,
                      method.parent.code if method.parent_id else None)

    def term(self, taxonomy: str, code: str, name: str, description: str, parent: str | None = None) -> dict:
        key = f"{taxonomy}:{code}"
        if key not in self.terms:
            self.terms[key] = {"id": hsds_id("taxonomy_term", taxonomy, code), "code": code, "name": name,
                               "description": description or name, "taxonomy": taxonomy,
                               "taxonomy_id": taxonomy_id(taxonomy), "language": "sv"}
            if parent:
                self.terms[key]["parent_id"] = hsds_id("taxonomy_term", taxonomy, parent)
            self.terms_by_id[self.terms[key]["id"]] = self.terms[key]
        return self.terms[key]

    def classification_term(self, code: str) -> dict:
        label = CLASSIFICATION_LABELS[code]
        return self.term("classification", code, label, label)

    def service_type_term(self, kind: str) -> dict:
        label = ServiceType(kind).label
        return self.term("service_types", kind, label, label)

    def all_terms(self) -> list[dict]:
        """Every term of the three taxonomies, also those no unit uses yet (the HSDS API lists them all)."""
        for code in CLASSIFICATION_LABELS:
            self.classification_term(code)
        for kind in ServiceType.values:
            self.service_type_term(kind)
        return self.taxonomy_terms()

    @cached_property
    def real_organisations(self) -> set[str]:
        return real_organisation_ids()

    def organisation(self, provider: Provider) -> dict:
        """The organisation of a provider, built once per builder and then shared by its services."""
        key = organisation_id(provider)
        if key not in self.organisations:
            synthetic = provider.principal not in PUBLIC_PRINCIPALS and key not in self.real_organisations
            self.organisations[key] = organisation(provider, synthetic=synthetic)
        return self.organisations[key]

    @staticmethod
    def attribute(link: str, entity: str, taxonomy_term: dict) -> dict:
        """An attribute names its term by id; the terms are listed once in ``taxonomy_terms``."""
        return {"id": hsds_id("attribute", link, taxonomy_term["id"]), "link_id": link, "link_entity": entity,
                "link_type": taxonomy_term["taxonomy"], "taxonomy_term_id": taxonomy_term["id"]}

    def location(self, unit) -> dict:
        record = unit.record
        location_id = hsds_id("location", unit.pk)
        label_of_class = CLASSIFICATION_LABELS[unit.classification]
        classification = self.classification_term(unit.classification)
        location = {
            "id": location_id, "location_type": "physical", "name": record["name"],
            "description": f"{label_of_class} i {unit.municipality_name}. {unit.classification_reason}"
                           + (f" {SYNTHETIC_NOTICE}." if unit.synthetic else ""),
            "external_identifier": record["external_id"] or str(unit.pk),
            "external_identifier_type": "fcatlas externt id" if record["external_id"] else "fcatlas id",
            "addresses": [], "attributes": [self.attribute(location_id, "location", classification)],
        }
        if record["latitude"] is not None:
            location["latitude"], location["longitude"] = record["latitude"], record["longitude"]
        if record["street_address"] and record["postcode"]:
            location["addresses"].append({
                "id": hsds_id("address", unit.pk), "location_id": location_id,
                "address_1": record["street_address"], "city": record["locality"] or unit.municipality_name,
                "region": unit.municipality_name, "state_province": unit.region_name,
                "postal_code": record["postcode"], "country": "SE", "address_type": "physical"})
        _reaching(unit, record, location)
        for code in record["working_methods"]:
            location["attributes"].append(self.attribute(location_id, "location",
                                                         self.terms[f"working_methods:{code}"]))
        return location

    def service(self, unit, kind: str) -> dict:
        """The unit's service of ``kind`` (one of its ``record["services"]``)."""
        record = unit.record
        service = record["services"][kind]
        organisation = self.organisation(provider_of(unit, service))
        own_id = service_id(unit.pk, kind)
        label = ServiceType(kind).label
        details = [f"Huvudman: {organisation['name']}",
                   f"driftsform: {CHOICE_LABELS['operating_form'][service['operating_form']].lower()}"]
        if service["provider_name"]:
            details.append(f"utförare: {service['provider_name']}")
        entry = {
            "id": own_id, "organization_id": organisation["id"], "name": f"{label} – {record['name']}",
            "description": f"{label} vid {record['name']} i {unit.municipality_name}. " + ", ".join(details) + "."
                           + (f" {SYNTHETIC_NOTICE}." if unit.synthetic else ""),
            "status": HSDS_STATUS[record["status"]],
            "attributes": [self.attribute(own_id, "service", self.service_type_term(kind))],
            "last_modified": unit.updated_at.isoformat(),
        }
        if record["email"]:
            entry["email"] = record["email"]
        if record["website"]:
            entry["url"] = record["website"]
        if record["assured_date"]:
            entry["assured_date"] = record["assured_date"]
        if kind in ("child_health", "open_preschool") and record["children_age_to"] is not None:
            entry["minimum_age"] = record["children_age_from"] or 0
            entry["maximum_age"] = record["children_age_to"]
        return entry

    def services_of(self, unit) -> list[dict]:
        return [self.service(unit, kind) for kind in unit.record["services"]]

    @staticmethod
    def link(unit, kind: str) -> dict:
        """The ``service_at_location`` of the unit's service of ``kind``: the service at the unit."""
        service = unit.record["services"][kind]
        return {"id": link_id(unit.pk, kind), "service_id": service_id(unit.pk, kind),
                "location_id": hsds_id("location", unit.pk),
                "description": ("Finns på plats hela tiden." if service["fully_co_located"]
                                else "Finns på plats delar av tiden.")
                               + (f" {SYNTHETIC_NOTICE}." if unit.synthetic else "")}

    def links_of(self, unit) -> list[dict]:
        return [self.link(unit, kind) for kind in unit.record["services"]]

    def per_unit(self):
        """Each unit's location, services and service-at-location links, in one pass over the units."""
        for unit in self.units:
            yield self.location(unit), self.services_of(unit), self.links_of(unit)

    # Nested forms, as the HSDS API answers with them: the same objects, with what they refer to inside them.

    def with_terms(self, item: dict) -> dict:
        """``item`` with each attribute carrying its taxonomy term."""
        return item | {"attributes": [attribute | {"taxonomy_term": self.terms_by_id[attribute["taxonomy_term_id"]]}
                                      for attribute in item.get("attributes", [])]}

    def service_summary(self, service: dict) -> dict:
        """A service as HSDS list pages give it (``service_list.json``): its own fields and its organisation."""
        return one_to_one(service) | {"organization": self.organisations[service["organization_id"]]}

    def full_service(self, service: dict, link: dict, location: dict) -> dict:
        """A service fully nested (``service.json``): organisation, attributes with their terms, and where it
        is offered — its service-at-location with the whole location inside."""
        return self.with_terms(service) | {
            "organization": self.organisations[service["organization_id"]],
            "service_at_locations": [link | {"location": self.with_terms(location)}]}

    def link_summary(self, link: dict, service: dict, location: dict) -> dict:
        """A service-at-location as HSDS list pages give it (``service_at_location_list.json``)."""
        return link | {"service": self.service_summary(service), "location": one_to_one(location)}

    def full_link(self, link: dict, service: dict, location: dict) -> dict:
        """A service-at-location fully nested (``service_at_location.json``): the whole location and service."""
        return link | {"service": self.with_terms(service) | {
            "organization": self.organisations[service["organization_id"]]},
            "location": self.with_terms(location)}

    def organizations(self):
        return sorted(self.organisations.values(), key=lambda o: o["name"])

    @staticmethod
    def taxonomies():
        return [
            {"id": taxonomy_id("working_methods"), "name": "fcatlas arbetssätt",
             "description": "Arbetssätt och metoder vid familjecentraler (fcatlas taxonomi).", "version": "1"},
            {"id": taxonomy_id("service_types"), "name": "fcatlas verksamheter",
             "description": "Verksamheter som kan finnas vid en familjecentral.", "version": "1"},
            {"id": taxonomy_id("classification"), "name": "fcatlas klassificering",
             "description": "Den nationella definitionen: familjecentral, familjecentralsliknande verksamhet eller "
                            "uppfyller inte definitionen.", "version": "1"},
        ]

    def taxonomy_terms(self):
        return sorted(self.terms.values(), key=lambda t: (t["taxonomy"], t["code"]))

    def about(self) -> dict:
        return about(self.units)


def about(units) -> dict:
    """What the package (and the HSDS API's ``/``) says of itself, with the synthetic notice when any unit is."""
    info = metadata(units if isinstance(units, ExportUnits) else ExportUnits(units))
    return {"version": "3.0", "openapi_url": HSDS_OPENAPI, "title": info["title"],
            "description": f"{SOURCE_TEXT}. Open Referral HSDS 3.0.", "created": info["created"],
            "synthetic": info["synthetic"], "notice": info["notice"]}


TABLE_ORDER = ("locations", "services", "service_at_locations", "organizations", "taxonomies", "taxonomy_terms")
"""The order the tables are produced in: those that refer to terms and organisations before the lists of them."""


def hsds_package(units) -> dict:
    """The whole package as one object (for small exports and for validation)."""
    package = HsdsBuilder(units)
    tables = {name: [] for name in TABLE_ORDER}
    for location, services, links in package.per_unit():
        tables["locations"].append(location)
        tables["services"] += services
        tables["service_at_locations"] += links
    for name in TABLE_ORDER[3:]:
        tables[name] = list(getattr(package, name)())
    return package.about() | {name: tables[name] for name in TABLES}


def _line(item: dict) -> bytes:
    return jsontext.dumps(item) + b"\n"


def write_hsds(units) -> bytes:
    """A zipped data package: ``datapackage.json`` (Frictionless) and one NDJSON file per HSDS table, each line an
    object that validates against that table's HSDS 3 schema. The units are read once: their locations go
    straight into the archive, their services and links to temporary files copied in after, so memory stays flat."""
    package = HsdsBuilder(units)
    counts = dict.fromkeys(TABLE_ORDER, 0)
    out = io.BytesIO()
    # Level 1: deflate at its fastest is a sixth larger (12 MB for 10 000 units) and takes a quarter of the time.
    with (zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive,
          tempfile.TemporaryFile() as services_file, tempfile.TemporaryFile() as links_file):
        with archive.open("locations.ndjson", "w") as locations_member:
            for location, services, links in package.per_unit():
                locations_member.write(_line(location))
                services_file.write(b"".join(map(_line, services)))
                links_file.write(b"".join(map(_line, links)))
                counts["locations"] += 1
                counts["services"] += len(services)
                counts["service_at_locations"] += len(links)
        for name, spooled in (("services", services_file), ("service_at_locations", links_file)):
            spooled.seek(0)
            with archive.open(f"{name}.ndjson", "w") as member:
                shutil.copyfileobj(spooled, member)
        for name in TABLE_ORDER[3:]:
            items = list(getattr(package, name)())
            archive.writestr(f"{name}.ndjson", b"".join(map(_line, items)))
            counts[name] = len(items)
        descriptor = package.about() | {
            "profile": "data-package", "name": "fcatlas-hsds", "licenses": [DATA_LICENCE],
            "resources": [{"name": name, "path": f"{name}.ndjson", "format": "ndjson",
                           "mediatype": "application/x-ndjson", "hsds_schema": TABLES[name], "rows": counts[name]}
                          for name in TABLE_ORDER]}
        archive.writestr("datapackage.json", json.dumps(descriptor, ensure_ascii=False, indent=1))
    return out.getvalue()


def read_package(content: bytes) -> dict:
    """The tables of a zipped package as lists, with the descriptor's fields (the reverse of ``write_hsds``)."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        descriptor = json.loads(archive.read("datapackage.json"))
        tables = {resource["name"]: [json.loads(line) for line in archive.read(resource["path"]).splitlines()]
                  for resource in descriptor["resources"]}
    return descriptor | tables
