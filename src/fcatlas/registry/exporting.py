"""Export registry units: CSV, XLSX, GeoJSON, GeoPackage and an Open Referral HSDS 3 data package.

The tabular formats carry every field of the unit record under Swedish headers that
``importing.plan_import`` reads back, so an export re-imports to the same registry; classification,
kommun name and region are added for people to read (the importer knows and skips them).
Synthetic demo units are marked in the column ``syntetisk`` and, when there are any, the file says
"Syntetisk demodata – inte verkliga familjecentraler" where each format has room for it (XLSX: the
sheet "Om filen", shown when the file opens; GeoJSON and HSDS: top-level metadata; file name).
Text cells that a spreadsheet would run as a formula get a leading apostrophe in CSV and XLSX.
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
import uuid
from pathlib import Path

from django.db.models import QuerySet
from django.utils import timezone

from .editing import unit_record
from .importing import (SCALAR_COLUMNS, SERVICE_EXPORT_NAMES, SERVICE_PART_EXPORT_NAMES, SYNTHETIC_NOTICE,
                        escape_formula)
from .models import (Budget, Classification, OperatingForm, Principal, Profession, ServiceType, Status, Unit,
                     WorkingMethod)

FORMATS = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "geojson": ("application/geo+json", "geojson"),
    "gpkg": ("application/geopackage+sqlite3", "gpkg"),
    "hsds": ("application/json", "json"),
}
GPKG_LAYER = "enheter"
SOURCE_TEXT = "Källa: fcatlas, det nationella registret över familjecentraler"

STATUS_LABELS = dict(Status.choices)
BUDGET_LABELS = dict(Budget.choices)
PRINCIPAL_LABELS = dict(Principal.choices)
OPERATING_FORM_LABELS = dict(OperatingForm.choices)
PROFESSION_LABELS = dict(Profession.choices)
CLASSIFICATION_LABELS = dict(Classification.choices)

BOOLEAN = {"serves_expectant_parents", "serves_parents", "serves_other_adults", "serves_newly_arrived", "synthetic",
           "has_cooperation_agreement", "has_steering_group", "has_coordinator", "has_state_or_project_funding"}
NUMBER = {"latitude", "longitude", "children_age_from", "children_age_to", "coordinator_fte"}


def _header(field_name: str) -> str:
    return SCALAR_COLUMNS[field_name][0]


def columns() -> list[str]:
    """The export's headers, in order."""
    head = ["externt id", "namn", "status", "öppnade", "stängde", "besöksadress", "postnummer", "postort",
            "kommunkod", "kommun", "region", "latitud", "longitud"]
    targets = [_header(f) for f in ("serves_expectant_parents", "serves_parents", "children_age_from",
                                    "children_age_to", "serves_other_adults", "serves_newly_arrived")]
    services = []
    for kind in ServiceType.values:
        name = SERVICE_EXPORT_NAMES[kind]
        services += [name] + [f"{SERVICE_PART_EXPORT_NAMES[p]} {name}" for p in SERVICE_PART_EXPORT_NAMES]
    tail = ["arbetssätt", "bemanning"] + [_header(f) for f in (
        "has_cooperation_agreement", "has_steering_group", "has_coordinator", "coordinator_fte", "budget",
        "has_state_or_project_funding", "opening_hours", "assured_date", "synthetic")]
    readable = ["klassificering", "skäl", "samlokaliserad fullt ut", "skäl samlokalisering", "fullständighet",
                "källa"]
    return head + targets + services + tail + readable


def _units(units) -> list[Unit]:
    if isinstance(units, QuerySet):
        units = units.select_related("municipality__region").prefetch_related(
            "services", "working_methods", "staffing")
    return list(units)


def _yes_no(value) -> str:
    return "" if value is None else ("ja" if value else "nej")


def _row(unit: Unit, method_names: dict[str, str]) -> dict:
    """One unit as {header: value}: text, numbers (float/int) or None. Not yet escaped for spreadsheets."""
    r = unit_record(unit)
    row = {
        "externt id": r["external_id"] or "", "namn": r["name"], "status": STATUS_LABELS.get(r["status"], r["status"]),
        "öppnade": r["opened_on"] or "", "stängde": r["closed_on"] or "",
        "besöksadress": r["street_address"], "postnummer": r["postcode"], "postort": r["locality"],
        "kommunkod": unit.municipality.code, "kommun": unit.municipality.name,
        "region": unit.municipality.region.name, "latitud": r["latitude"], "longitud": r["longitude"],
    }
    for f in ("serves_expectant_parents", "serves_parents", "children_age_from", "children_age_to",
              "serves_other_adults", "serves_newly_arrived"):
        row[_header(f)] = _yes_no(r[f]) if f in BOOLEAN else r[f]
    for kind in ServiceType.values:
        name, service = SERVICE_EXPORT_NAMES[kind], r["services"].get(kind)
        row[name] = "nej" if service is None else ("ja" if service["fully_co_located"] else "delvis")
        row[f"huvudman {name}"] = PRINCIPAL_LABELS[service["principal"]] if service else ""
        row[f"driftsform {name}"] = OPERATING_FORM_LABELS[service["operating_form"]] if service else ""
        row[f"utförare {name}"] = service["provider_name"] if service else ""
    row["arbetssätt"] = "; ".join(sorted(method_names[code] for code in r["working_methods"]))
    row["bemanning"] = "; ".join(
        f"{PROFESSION_LABELS[profession]}: {_decimal_comma(fte)}" for profession, fte in r["staffing"].items())
    for f in ("has_cooperation_agreement", "has_steering_group", "has_coordinator"):
        row[_header(f)] = _yes_no(r[f])
    row[_header("coordinator_fte")] = r["coordinator_fte"]
    row[_header("budget")] = BUDGET_LABELS.get(r["budget"], "")
    row[_header("has_state_or_project_funding")] = _yes_no(r["has_state_or_project_funding"])
    row[_header("opening_hours")] = r["opening_hours"]
    row[_header("assured_date")] = r["assured_date"] or ""
    row[_header("synthetic")] = _yes_no(r["synthetic"])
    row["klassificering"] = CLASSIFICATION_LABELS[unit.classification]
    row["skäl"] = unit.classification_reason
    row["samlokaliserad fullt ut"] = _yes_no(unit.fully_co_located)
    row["skäl samlokalisering"] = unit.co_location_reason
    row["fullständighet"] = round(unit.completeness, 3)
    row["källa"] = unit.get_source_display()
    return row


def _decimal_comma(number: float) -> str:
    return (str(int(number)) if float(number).is_integer() else repr(float(number))).replace(".", ",")


def _rows(units: list[Unit]) -> list[dict]:
    method_names = dict(WorkingMethod.objects.values_list("code", "name"))
    return [_row(unit, method_names) for unit in units]


def _filename(extension: str, synthetic: bool, stem: str = "enheter") -> str:
    marker = "-syntetisk-demodata" if synthetic else ""
    return f"{stem}{marker}-{timezone.localdate().isoformat()}.{extension}"


def _about_lines(units: list[Unit]) -> list[str]:
    lines = []
    if any(u.synthetic for u in units):
        lines.append(SYNTHETIC_NOTICE)
    lines += [f"{SOURCE_TEXT}. Utdrag {timezone.localdate().isoformat()}: {len(units)} enheter.",
              "Filen kan läsas in igen (Enheter → Importera); kolumnerna region, klassificering, skäl, "
              "samlokaliserad fullt ut, fullständighet och källa räknas fram och läses inte in.",
              "Koordinater i WGS 84 (EPSG:4326), latitud och longitud i grader.",
              "Text som börjar med =, +, - eller @ har fått en inledande apostrof så att kalkylprogram inte "
              "tolkar den som en formel."]
    return lines


# --- formats -------------------------------------------------------------------------------------

def _csv(units: list[Unit]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    headers = columns()
    writer.writerow(headers)
    for row in _rows(units):
        writer.writerow([_csv_cell(row[h]) for h in headers])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float | int) and not isinstance(value, bool):
        return _decimal_comma(value)
    return escape_formula(str(value))


def _xlsx(units: list[Unit]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Enheter"
    headers = columns()
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in _rows(units):
        sheet.append([escape_formula(row[h]) if isinstance(row[h], str) else row[h] for h in headers])
    sheet.freeze_panes = "C2"
    about = workbook.create_sheet("Om filen")
    synthetic = any(u.synthetic for u in units)
    for line in _about_lines(units):
        about.append([escape_formula(line)])
    about.column_dimensions["A"].width = 120
    if synthetic:
        about["A1"].font = Font(bold=True, color="B35806", size=14)
        about.sheet_properties.tabColor = "B35806"
        workbook.active = 1  # opens on the notice; the data stay the first sheet, which the importer reads
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _features(units: list[Unit]) -> list[dict]:
    features = []
    for unit, row in zip(units, _rows(units), strict=True):
        properties = {k: v for k, v in row.items() if k not in ("latitud", "longitud")}
        geometry = ({"type": "Point", "coordinates": [unit.longitude, unit.latitude]}
                    if unit.latitude is not None and unit.longitude is not None else None)
        features.append({"type": "Feature", "id": unit.pk, "geometry": geometry, "properties": properties})
    return features


def _metadata(units: list[Unit]) -> dict:
    synthetic = any(u.synthetic for u in units)
    return {"title": "Familjecentraler och familjecentralsliknande verksamheter",
            "source": SOURCE_TEXT, "created": timezone.localdate().isoformat(), "units": len(units),
            "synthetic": synthetic, "notice": SYNTHETIC_NOTICE if synthetic else ""}


def _geojson(units: list[Unit]) -> bytes:
    collection = {"type": "FeatureCollection", "name": GPKG_LAYER, "metadata": _metadata(units),
                  "features": _features(units)}
    return json.dumps(collection, ensure_ascii=False, indent=1).encode("utf-8")


def _gpkg(units: list[Unit]) -> bytes:
    import geopandas as gpd
    from shapely.geometry import Point

    rows = _rows(units)
    headers = columns()
    frame = gpd.GeoDataFrame(
        [{h: row[h] for h in headers} for row in rows] if rows else {h: [] for h in headers},
        geometry=[Point(u.longitude, u.latitude) if u.latitude is not None else None for u in units],
        crs="EPSG:4326")
    for name in ("latitud", "longitud", "barn från ålder", "barn till och med ålder", "samordnare årsarbetare",
                 "fullständighet"):
        frame[name] = frame[name].astype("float64")
    metadata = _metadata(units)
    description = " ".join(filter(None, [metadata["notice"], metadata["source"], f"Utdrag {metadata['created']}."]))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "enheter.gpkg"
        frame.to_file(path, layer=GPKG_LAYER, driver="GPKG", engine="pyogrio",
                      layer_options={"DESCRIPTION": description}, metadata={"DESCRIPTION": description})
        return path.read_bytes()


# --- HSDS 3 --------------------------------------------------------------------------------------

HSDS_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:fcatlas:hsds")
HSDS_STATUS = {"active": "active", "planned": "inactive", "temporarily_closed": "temporarily closed",
               "closed": "defunct"}
HSDS_OPENAPI = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/openapi.json"


def hsds_id(*parts) -> str:
    """A stable UUID for an HSDS object: the same unit and service give the same id in every export."""
    return str(uuid.uuid5(HSDS_NAMESPACE, ":".join(str(p) for p in parts)))


def region_organisation_name(region) -> str:
    if region.code == "14":
        return "Västra Götalandsregionen"
    return f"Region {region.short_name}"


def municipality_organisation_name(municipality) -> str:
    if municipality.code == "0980":
        return "Region Gotland"
    special = {"0180": "Stockholms stad", "1480": "Göteborgs stad", "2080": "Falu kommun"}
    return special.get(municipality.code, f"{municipality.name} kommun")


def _organisation(unit: Unit, service) -> dict:
    municipality = unit.municipality
    if service.principal == "region":
        return {"id": hsds_id("organization", "region", municipality.region_id),
                "name": region_organisation_name(municipality.region),
                "description": f"Regionen som är huvudman för hälso- och sjukvård i {municipality.region.name}."}
    if service.principal == "municipality":
        return {"id": hsds_id("organization", "municipality", municipality.code),
                "name": municipality_organisation_name(municipality),
                "description": f"Kommunen {municipality.name} i {municipality.region.name}."}
    label = PRINCIPAL_LABELS[service.principal]
    name = service.provider_name.strip() or f"{label} vid {unit.name}"
    return {"id": hsds_id("organization", service.principal, name.casefold()), "name": name,
            "description": f"{label} som driver verksamhet vid familjecentraler."}


def hsds_package(units) -> dict:
    units = _units(units)
    methods = {m.code: m for m in WorkingMethod.objects.all()}
    taxonomies = [
        {"id": hsds_id("taxonomy", "working_methods"), "name": "fcatlas arbetssätt",
         "description": "Arbetssätt och metoder vid familjecentraler (fcatlas taxonomi).", "version": "1"},
        {"id": hsds_id("taxonomy", "service_types"), "name": "fcatlas verksamheter",
         "description": "Verksamheter som kan finnas vid en familjecentral.", "version": "1"},
        {"id": hsds_id("taxonomy", "classification"), "name": "fcatlas klassificering",
         "description": "Den nationella definitionen: familjecentral, familjecentralsliknande verksamhet eller "
                        "uppfyller inte definitionen.", "version": "1"},
    ]
    terms: dict[str, dict] = {}

    def term(taxonomy: str, code: str, name: str, description: str, parent: str | None = None) -> dict:
        key = f"{taxonomy}:{code}"
        if key not in terms:
            terms[key] = {"id": hsds_id("taxonomy_term", taxonomy, code), "code": code, "name": name,
                          "description": description or name, "taxonomy": taxonomy,
                          "taxonomy_id": hsds_id("taxonomy", taxonomy), "language": "sv"}
            if parent:
                terms[key]["parent_id"] = hsds_id("taxonomy_term", taxonomy, parent)
        return terms[key]

    def attribute(link: str, entity: str, taxonomy_term: dict, value: str | None = None) -> dict:
        result = {"id": hsds_id("attribute", link, taxonomy_term["id"]), "link_id": link, "link_entity": entity,
                  "link_type": taxonomy_term["taxonomy"], "taxonomy_term_id": taxonomy_term["id"],
                  "taxonomy_term": taxonomy_term}
        if value is not None:
            result["value"] = value
        return result

    for method in methods.values():
        term("working_methods", method.code, method.name, method.description,
             methods[method.parent.code].code if method.parent_id else None)

    organisations: dict[str, dict] = {}
    services, locations, service_at_locations = [], [], []
    for unit in units:
        location_id = hsds_id("location", unit.pk)
        municipality = unit.municipality
        classification = term("classification", unit.classification, CLASSIFICATION_LABELS[unit.classification],
                              CLASSIFICATION_LABELS[unit.classification])
        location = {
            "id": location_id, "location_type": "physical", "name": unit.name,
            "description": f"{CLASSIFICATION_LABELS[unit.classification]} i {municipality.name}. "
                           f"{unit.classification_reason}"
                           + (f" {SYNTHETIC_NOTICE}." if unit.synthetic else ""),
            "external_identifier": unit.external_id or str(unit.pk),
            "external_identifier_type": "fcatlas externt id" if unit.external_id else "fcatlas id",
            "addresses": [], "attributes": [attribute(location_id, "location", classification)],
        }
        if unit.latitude is not None:
            location["latitude"], location["longitude"] = unit.latitude, unit.longitude
        if unit.street_address and unit.postcode:
            location["addresses"].append({
                "id": hsds_id("address", unit.pk), "location_id": location_id, "address_1": unit.street_address,
                "city": unit.locality or municipality.name, "region": municipality.name,
                "state_province": municipality.region.name, "postal_code": unit.postcode, "country": "SE",
                "address_type": "physical"})
        for method in sorted(unit.working_methods.all(), key=lambda m: m.code):
            location["attributes"].append(attribute(location_id, "location", terms[f"working_methods:{method.code}"]))
        locations.append(location)

        for service in sorted(unit.services.all(), key=lambda s: s.service_type):
            organisation = _organisation(unit, service)
            organisations.setdefault(organisation["id"], organisation)
            service_id = hsds_id("service", unit.pk, service.service_type)
            label = ServiceType(service.service_type).label
            kind_term = term("service_types", service.service_type, label, label)
            details = [f"Huvudman: {organisation['name']}",
                       f"driftsform: {OPERATING_FORM_LABELS[service.operating_form].lower()}"]
            if service.provider_name:
                details.append(f"utförare: {service.provider_name}")
            record = {
                "id": service_id, "organization_id": organisation["id"], "name": f"{label} – {unit.name}",
                "description": f"{label} vid {unit.name} i {municipality.name}. " + ", ".join(details) + ".",
                "status": HSDS_STATUS[unit.status],
                "attributes": [attribute(service_id, "service", kind_term)],
                "last_modified": unit.updated_at.isoformat(),
            }
            if unit.assured_date:
                record["assured_date"] = unit.assured_date.isoformat()
            if service.service_type in ("child_health", "open_preschool") and unit.children_age_to is not None:
                record["minimum_age"] = unit.children_age_from or 0
                record["maximum_age"] = unit.children_age_to
            services.append(record)
            service_at_locations.append({
                "id": hsds_id("service_at_location", unit.pk, service.service_type),
                "service_id": service_id, "location_id": location_id,
                "description": ("Finns på plats hela tiden." if service.fully_co_located
                                else "Finns på plats delar av tiden."),
                "location": location,
            })

    metadata = _metadata(units)
    return {
        "version": "3.0", "openapi_url": HSDS_OPENAPI,
        "title": metadata["title"], "description": f"{SOURCE_TEXT}. Open Referral HSDS 3.0.",
        "created": metadata["created"], "synthetic": metadata["synthetic"], "notice": metadata["notice"],
        "organizations": sorted(organisations.values(), key=lambda o: o["name"]),
        "services": services, "locations": locations, "service_at_locations": service_at_locations,
        "taxonomies": taxonomies, "taxonomy_terms": sorted(terms.values(), key=lambda t: (t["taxonomy"], t["code"])),
    }


def _hsds(units: list[Unit]) -> bytes:
    return json.dumps(hsds_package(units), ensure_ascii=False, indent=1).encode("utf-8")


WRITERS = {"csv": _csv, "xlsx": _xlsx, "geojson": _geojson, "gpkg": _gpkg, "hsds": _hsds}


def export_units(units, fmt: str) -> tuple[bytes, str, str]:
    """(file content, content type, suggested file name) for units in one of ``FORMATS``."""
    if fmt not in FORMATS:
        raise ValueError(f"Okänt format {fmt!r}; välj ett av {', '.join(FORMATS)}.")
    units = _units(units)
    content_type, extension = FORMATS[fmt]
    synthetic = any(u.synthetic for u in units)
    return WRITERS[fmt](units), content_type, _filename(extension, synthetic,
                                                        "enheter-hsds" if fmt == "hsds" else "enheter")

