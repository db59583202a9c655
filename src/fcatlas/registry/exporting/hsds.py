"""The Open Referral HSDS 3 data package: a unit is a ``location`` (with its address, phone, contact, opening and
drop-in schedules, languages and accessibility), each service at it a ``service`` + ``service_at_location``, each
principal an ``organization`` under its official name, and working methods, service types and the classification
``taxonomy_term``s. Every table validates against the HSDS 3 schemas shipped in ``registry/hsds_schema``.
"""

import hashlib
import io
import json
import shutil
import tempfile
import uuid
import zipfile

from fcatlas.reference.names import organisation_name_of

from ..models import ServiceType, WorkingMethod
from ..vocabulary import CHOICE_LABELS, LANGUAGES
from .rows import CLASSIFICATION_LABELS, SOURCE_TEXT, SYNTHETIC_NOTICE, ExportItem, ExportUnits, metadata

HSDS_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:fcatlas:hsds")
_NAMESPACE_BYTES = HSDS_NAMESPACE.bytes
HSDS_STATUS = {"active": "active", "planned": "inactive", "temporarily_closed": "temporarily closed",
               "closed": "defunct"}
HSDS_OPENAPI = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/openapi.json"
SCHEDULE_DESCRIPTIONS = {"opening_hours": "Öppettider", "drop_in_hours": "Drop-in (öppen förskola)"}
TABLES = {"organizations": "organization", "services": "service", "locations": "location",
          "service_at_locations": "service_at_location", "taxonomies": "taxonomy", "taxonomy_terms": "taxonomy_term"}
"""Each table of the package → the HSDS 3 schema its items follow."""


def hsds_id(*parts) -> str:
    """A stable UUID for an HSDS object: the same unit and service give the same id in every export.

    It is ``uuid.uuid5(HSDS_NAMESPACE, "part:part…")`` written out (SHA-1, version and variant bits): an export of
    10 000 units makes 400 000 of them, and ``uuid.UUID`` objects cost three times the hashing."""
    digest = bytearray(hashlib.sha1(_NAMESPACE_BYTES + ":".join(map(str, parts)).encode()).digest()[:16])
    digest[6], digest[8] = (digest[6] & 0x0F) | 0x50, (digest[8] & 0x3F) | 0x80
    text = digest.hex()
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


def _organisation(unit: ExportItem, service: dict) -> dict:
    if service["principal"] == "region":
        return {"id": hsds_id("organization", "region", unit.region_code),
                "name": organisation_name_of("region", unit.region_code),
                "description": f"Regionen som är huvudman för hälso- och sjukvård i {unit.region_name}."}
    if service["principal"] == "municipality":
        return {"id": hsds_id("organization", "municipality", unit.municipality_code),
                "name": organisation_name_of("kommun", unit.municipality_code),
                "description": f"Kommunen {unit.municipality_name} i {unit.region_name}."}
    label = CHOICE_LABELS["principal"][service["principal"]]
    name = service["provider_name"].strip() or f"{label} vid {unit.record['name']}"
    return {"id": hsds_id("organization", service["principal"], name.casefold()), "name": name,
            "description": f"{label} som driver verksamhet vid familjecentraler."}


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


class _Package:
    """The package's tables, each produced as a stream over the units; the terms and organisations they refer to
    are collected on the way and listed after them."""

    def __init__(self, units):
        self.units = ExportUnits(units)
        methods = {m.code: m for m in WorkingMethod.objects.select_related("parent")}
        self.terms: dict[str, dict] = {}
        self.organisations: dict[str, dict] = {}
        for method in methods.values():
            self.term("working_methods", method.code, method.name, method.description,
                      method.parent.code if method.parent_id else None)

    def term(self, taxonomy: str, code: str, name: str, description: str, parent: str | None = None) -> dict:
        key = f"{taxonomy}:{code}"
        if key not in self.terms:
            self.terms[key] = {"id": hsds_id("taxonomy_term", taxonomy, code), "code": code, "name": name,
                               "description": description or name, "taxonomy": taxonomy,
                               "taxonomy_id": hsds_id("taxonomy", taxonomy), "language": "sv"}
            if parent:
                self.terms[key]["parent_id"] = hsds_id("taxonomy_term", taxonomy, parent)
        return self.terms[key]

    @staticmethod
    def attribute(link: str, entity: str, taxonomy_term: dict) -> dict:
        """An attribute names its term by id; the terms are listed once in ``taxonomy_terms``."""
        return {"id": hsds_id("attribute", link, taxonomy_term["id"]), "link_id": link, "link_entity": entity,
                "link_type": taxonomy_term["taxonomy"], "taxonomy_term_id": taxonomy_term["id"]}

    def location(self, unit) -> dict:
        record = unit.record
        location_id = hsds_id("location", unit.pk)
        label_of_class = CLASSIFICATION_LABELS[unit.classification]
        classification = self.term("classification", unit.classification, label_of_class, label_of_class)
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

    def services_of(self, unit):
        record = unit.record
        for kind, service in record["services"].items():
            organisation = _organisation(unit, service)
            self.organisations.setdefault(organisation["id"], organisation)
            service_id = hsds_id("service", unit.pk, kind)
            label = ServiceType(kind).label
            details = [f"Huvudman: {organisation['name']}",
                       f"driftsform: {CHOICE_LABELS['operating_form'][service['operating_form']].lower()}"]
            if service["provider_name"]:
                details.append(f"utförare: {service['provider_name']}")
            entry = {
                "id": service_id, "organization_id": organisation["id"], "name": f"{label} – {record['name']}",
                "description": f"{label} vid {record['name']} i {unit.municipality_name}. "
                               + ", ".join(details) + ".",
                "status": HSDS_STATUS[record["status"]],
                "attributes": [self.attribute(service_id, "service", self.term("service_types", kind, label,
                                                                               label))],
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
            yield entry

    def links_of(self, unit):
        for kind, service in unit.record["services"].items():
            yield {"id": hsds_id("service_at_location", unit.pk, kind),
                   "service_id": hsds_id("service", unit.pk, kind), "location_id": hsds_id("location", unit.pk),
                   "description": ("Finns på plats hela tiden." if service["fully_co_located"]
                                   else "Finns på plats delar av tiden.")}

    def per_unit(self):
        """Each unit's location, services and service-at-location links, in one pass over the units."""
        for unit in self.units:
            yield self.location(unit), list(self.services_of(unit)), list(self.links_of(unit))

    def organizations(self):
        return sorted(self.organisations.values(), key=lambda o: o["name"])

    @staticmethod
    def taxonomies():
        return [
            {"id": hsds_id("taxonomy", "working_methods"), "name": "fcatlas arbetssätt",
             "description": "Arbetssätt och metoder vid familjecentraler (fcatlas taxonomi).", "version": "1"},
            {"id": hsds_id("taxonomy", "service_types"), "name": "fcatlas verksamheter",
             "description": "Verksamheter som kan finnas vid en familjecentral.", "version": "1"},
            {"id": hsds_id("taxonomy", "classification"), "name": "fcatlas klassificering",
             "description": "Den nationella definitionen: familjecentral, familjecentralsliknande verksamhet eller "
                            "uppfyller inte definitionen.", "version": "1"},
        ]

    def taxonomy_terms(self):
        return sorted(self.terms.values(), key=lambda t: (t["taxonomy"], t["code"]))

    def about(self) -> dict:
        about = metadata(self.units)
        return {"version": "3.0", "openapi_url": HSDS_OPENAPI, "title": about["title"],
                "description": f"{SOURCE_TEXT}. Open Referral HSDS 3.0.", "created": about["created"],
                "synthetic": about["synthetic"], "notice": about["notice"]}


TABLE_ORDER = ("locations", "services", "service_at_locations", "organizations", "taxonomies", "taxonomy_terms")
"""The order the tables are produced in: those that refer to terms and organisations before the lists of them."""


def hsds_package(units) -> dict:
    """The whole package as one object (for small exports and for validation)."""
    package = _Package(units)
    tables = {name: [] for name in TABLE_ORDER}
    for location, services, links in package.per_unit():
        tables["locations"].append(location)
        tables["services"] += services
        tables["service_at_locations"] += links
    for name in TABLE_ORDER[3:]:
        tables[name] = list(getattr(package, name)())
    return package.about() | {name: tables[name] for name in TABLES}


def _line(item: dict) -> bytes:
    return json.dumps(item, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"


def write_hsds(units) -> bytes:
    """A zipped data package: ``datapackage.json`` (Frictionless) and one NDJSON file per HSDS table, each line an
    object that validates against that table's HSDS 3 schema. The units are read once: their locations go
    straight into the archive, their services and links to temporary files copied in after, so memory stays flat."""
    package = _Package(units)
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
            "profile": "data-package", "name": "fcatlas-hsds",
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
