"""Finding units: the filters shared by the list page, the map and the API."""

import hashlib

from django.core.paginator import Page, Paginator
from django.db.models import Max, QuerySet

from fcatlas.formatting import swedish_key

from .models import Unit, UnitChange
from .search import matching


def filter_units(units: QuerySet[Unit] | None = None, *, q: str | None = None, municipality: str | None = None,
                 region: str | None = None, classification: str | None = None, status: str | None = None,
                 service: str | None = None, method: str | None = None) -> QuerySet[Unit]:
    units = Unit.objects.all() if units is None else units
    # The kommun's and region's boundaries are the largest columns and no unit answer shows them.
    units = units.select_related("municipality__region").defer("municipality__geometry",
                                                              "municipality__region__geometry")
    if q:
        units = units.filter(matching(q))
    if municipality:
        units = units.filter(municipality_id=municipality)
    if region:
        units = units.filter(municipality__region_id=region)
    if classification:
        units = units.filter(classification=classification)
    if status:
        units = units.filter(status=status)
    if service:
        units = units.filter(services__service_type=service)
    if method:
        units = units.filter(working_methods__code=method)
    return units.distinct() if service or method else units


def unit_feature(unit: Unit) -> dict:
    """A unit as a GeoJSON Feature (WGS 84); units without coordinates have a null geometry."""
    geometry = None
    if unit.latitude is not None and unit.longitude is not None:
        # Six decimals are 0.1 m: all a map needs, in about half the bytes of a float's seventeen digits.
        geometry = {"type": "Point", "coordinates": [round(unit.longitude, 6), round(unit.latitude, 6)]}
    return {
        "type": "Feature",
        "id": unit.pk,
        "geometry": geometry,
        "properties": {
            "name": unit.name, "url": unit.get_absolute_url(), "status": unit.status,
            "status_label": unit.get_status_display(),
            "classification": unit.classification, "classification_label": unit.get_classification_display(),
            "classification_reason": unit.classification_reason, "fully_co_located": unit.fully_co_located,
            "municipality_code": unit.municipality_id, "municipality_name": unit.municipality.name,
            "region_code": unit.municipality.region_id, "synthetic": unit.synthetic,
        },
    }


def page_in_swedish_order(units: QuerySet[Unit], number, per_page: int = 50) -> Page:
    """One page of units by kommun and name in Swedish alphabetical order (Å, Ä, Ö after Z), which neither
    database collates by itself; only the page's units are loaded."""
    keys = sorted(units.values_list("pk", "municipality__name", "name"),
                  key=lambda row: (swedish_key(row[1]), swedish_key(row[2]), row[0]))
    page = Paginator([pk for pk, _, _ in keys], per_page).get_page(number)
    loaded = units.select_related("municipality").in_bulk(page.object_list)
    page.object_list = [loaded[pk] for pk in page.object_list]
    return page


def cache_key(kind: str, *parts) -> str:
    """A cache key for an answer of ``kind`` from ``parts`` (its arguments and the data versions it was built from)."""
    return f"{kind}:" + hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def registry_version() -> tuple[int, int]:
    """Changes whenever a unit is saved or removed (each writes a history row), so answers cached by it never
    outlive the registry they were computed from: (units, newest history row), two index lookups."""
    return Unit.objects.count(), UnitChange.objects.aggregate(newest=Max("pk"))["newest"] or 0
