"""Read-side helpers shared by the pages and the API."""

from django.db.models import QuerySet

from .models import Municipality, Region, VulnerableArea

POLICE_LIST_YEARS = (2015, 2017, 2019, 2021, 2023, 2025)
DEFAULT_POLICE_LIST_YEAR = 2023


def vulnerable_areas(*, year: int | None = None, category: str | None = None,
                     municipality: str | None = None, region: str | None = None) -> QuerySet[VulnerableArea]:
    areas = VulnerableArea.objects.select_related("municipality").defer("municipality__geometry")
    if year is not None:
        areas = areas.filter(year=year)
    if category:
        areas = areas.filter(category=category)
    if municipality:
        areas = areas.filter(municipality_id=municipality)
    if region:
        areas = areas.filter(municipality__region_id=region)
    return areas


def municipalities(*, region: str | None = None) -> QuerySet[Municipality]:
    found = Municipality.objects.select_related("region").defer("region__geometry")
    return found.filter(region_id=region) if region else found


def area_properties(area: VulnerableArea) -> dict:
    return {"name": area.name, "year": area.year, "category": area.category,
            "category_label": area.get_category_display(),
            "municipality_code": area.municipality_id, "municipality_name": area.municipality.name,
            "municipality_url": area.municipality.get_absolute_url()}


def area_feature(area: VulnerableArea) -> dict:
    return {"type": "Feature", "id": area.pk, "geometry": area.geometry, "properties": area_properties(area)}


def municipality_feature(municipality: Municipality) -> dict:
    return {
        "type": "Feature",
        "id": municipality.code,
        "geometry": municipality.geometry,
        "properties": {
            "code": municipality.code, "name": municipality.name,
            "region_code": municipality.region_id, "region_name": municipality.region.name,
            "url": municipality.get_absolute_url(),
        },
    }


def region_feature(region: Region) -> dict:
    return {
        "type": "Feature",
        "id": region.code,
        "geometry": region.geometry,
        "properties": {"code": region.code, "name": region.name, "url": region.get_absolute_url()},
    }


def feature_collection(features) -> dict:
    return {"type": "FeatureCollection", "features": list(features)}
