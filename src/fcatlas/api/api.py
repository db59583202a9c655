"""Read-only JSON API, /api/v1/. GeoJSON answers are RFC 7946 (WGS 84, lon/lat)."""

import math
from typing import Literal

from django.db.models import BooleanField, ExpressionWrapper, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Field, NinjaAPI, Query, Schema
from ninja.errors import HttpError

from fcatlas.reference import queries
from fcatlas.reference.models import Region
from fcatlas.registry.editing import unit_record, unit_records
from fcatlas.registry.exporting import FORMATS as EXPORT_FORMATS
from fcatlas.registry.exporting import export_units
from fcatlas.registry.models import ServiceType, Unit
from fcatlas.registry.queries import filter_units, unit_feature

from .planning import router as planning_router
from .responses import cached_geojson
from .schemas import (
    Category,
    Classification,
    Error,
    FeatureCollection,
    MunicipalityOut,
    PageNumber,
    RegionOut,
    Status,
    UnitNumber,
    UnitOut,
    UnitPage,
    VulnerableAreaOut,
)

UNITS_PER_PAGE = 100
ExportFormat = Literal[tuple(EXPORT_FORMATS)]

api = NinjaAPI(
    title="fcatlas API",
    version="1",
    description=(
        "Read-only access to the Swedish national family centre atlas: Sweden's regions and kommuner "
        "(SCB boundaries), the Police's vulnerable areas (2015–2025) and the registry of family centres and "
        "similar services. Geometries are GeoJSON in WGS 84. Units with `synthetic: true` are synthetic demo data, "
        "not real family centres."
    ),
    urls_namespace="api-v1",
    docs_url=None,  # the site's own page at /api/ documents both APIs (api/docs.py)
)
api.add_router("/", planning_router)


def _region_out(region: Region) -> dict:
    return {"code": region.code, "name": region.name, "short_name": region.short_name,
            "url": region.get_absolute_url()}


@api.get("/regions", response=list[RegionOut], tags=["reference"], summary="All 21 regions (län)")
def list_regions(request):
    return [_region_out(region) for region in Region.objects.all()]


@api.get("/regions.geojson", response=FeatureCollection, tags=["reference"],
         summary="Region boundaries as GeoJSON")
def regions_geojson(request):
    return cached_geojson(request, lambda: queries.feature_collection(map(queries.region_feature, Region.objects.all())),
                          depends_on=("reference",))


@api.get("/regions/{code}", response={200: RegionOut, 404: Error}, tags=["reference"], summary="One region")
def get_region(request, code: str):
    return _region_out(get_object_or_404(Region, code=code))


class MunicipalityFilter(Schema):
    region: str | None = None
    geometry: bool = False


def _municipality_out(municipality, with_geometry: bool) -> dict:
    properties = queries.municipality_feature(municipality)["properties"]
    return properties | ({"geometry": municipality.geometry} if with_geometry else {})


@api.get("/municipalities", response=list[MunicipalityOut], exclude_none=True, tags=["reference"],
         summary="All 290 kommuner, optionally in one region, optionally with boundaries")
def list_municipalities(request, filters: Query[MunicipalityFilter]):
    return [_municipality_out(m, filters.geometry) for m in queries.municipalities(region=filters.region)]


@api.get("/municipalities.geojson", response=FeatureCollection, tags=["reference"],
         summary="Kommun boundaries as GeoJSON")
def municipalities_geojson(request, region: str | None = None):
    return cached_geojson(request, lambda: queries.feature_collection(
        map(queries.municipality_feature, queries.municipalities(region=region))), depends_on=("reference",))


@api.get("/municipalities/{code}", response={200: MunicipalityOut, 404: Error}, exclude_none=True,
         tags=["reference"], summary="One kommun")
def get_municipality(request, code: str, geometry: bool = False):
    return _municipality_out(get_object_or_404(queries.municipalities(), code=code), geometry)


class VulnerableAreaFilter(Schema):
    year: int | None = None
    category: Category | None = None
    municipality: str | None = None
    region: str | None = None


@api.get("/vulnerable-areas", response=list[VulnerableAreaOut], tags=["reference"],
         summary="The Police's vulnerable areas, by list year and category")
def list_vulnerable_areas(request, filters: Query[VulnerableAreaFilter]):
    areas = queries.vulnerable_areas(**filters.dict()).defer("geometry").annotate(
        has_geometry=ExpressionWrapper(Q(geometry__isnull=False), output_field=BooleanField()))
    return [queries.area_properties(area) | {"id": area.pk, "has_geometry": area.has_geometry}
            for area in areas]


@api.get("/vulnerable-areas.geojson", response=FeatureCollection, tags=["reference"],
         summary="The Police's vulnerable areas as GeoJSON (the 2025 list has names only: null geometry)")
def vulnerable_areas_geojson(request, filters: Query[VulnerableAreaFilter]):
    return cached_geojson(request, lambda: queries.feature_collection(
        map(queries.area_feature, queries.vulnerable_areas(**filters.dict()))), depends_on=("reference",))


class UnitFilter(Schema):
    q: str | None = None
    municipality: str | None = None
    region: str | None = None
    classification: Classification | None = None
    status: Status | None = None
    service: ServiceType | None = None
    method: str | None = None


def _unit_out(unit: Unit, record: dict | None = None) -> dict:
    record = unit_record(unit) if record is None else record
    feature = unit_feature(unit)["properties"]
    return record | feature | {
        "id": unit.pk, "version": unit.version, "completeness": unit.completeness,
        "services": [values | {"service_type": kind, "service_label": ServiceType(kind).label}
                     for kind, values in record["services"].items()],
    }


@api.get("/units", response=UnitPage, tags=["registry"],
         summary="Units (family centres and similar services), filtered, 100 a page")
def list_units(request, filters: Query[UnitFilter], page: PageNumber = 1):
    units = filter_units(**filters.dict()).order_by("municipality_id", "name", "pk")
    count = units.count()
    start = (page - 1) * UNITS_PER_PAGE
    shown = list(units[start:start + UNITS_PER_PAGE])
    records = unit_records(Unit.objects.filter(pk__in=[unit.pk for unit in shown]))
    return {"count": count, "page": page, "page_size": UNITS_PER_PAGE,
            "items": [_unit_out(unit, records[unit.pk]) for unit in shown]}


class UnitMapFilter(UnitFilter):
    bbox: str | None = Field(None, description="Only the units in a map's view: west,south,east,north in WGS 84 "
                                               "degrees, e.g. 11.9,57.6,12.1,57.8")


def _bbox(text: str) -> tuple[float, float, float, float]:
    try:
        west, south, east, north = (float(part) for part in text.split(","))
    except ValueError:
        west = south = east = north = math.nan
    if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
        raise HttpError(422, f"bbox {text[:60]!r} ska vara fyra tal i WGS 84: västligaste longitud, sydligaste "
                             "latitud, östligaste longitud, nordligaste latitud, till exempel 11.9,57.6,12.1,57.8.")
    return west, south, east, north


@api.get("/units.geojson", response=FeatureCollection, tags=["registry"],
         summary="Units as GeoJSON points, with the same filters, or only those in a map's view (bbox); "
                 "`count` is the number of features")
def units_geojson(request, filters: Query[UnitMapFilter]):
    wanted = filters.dict()
    view = wanted.pop("bbox")
    bbox = _bbox(view) if view else None

    def build() -> dict:
        units = filter_units(**wanted)
        if bbox:
            west, south, east, north = bbox
            units = units.filter(longitude__range=(west, east), latitude__range=(south, north))
        collection = queries.feature_collection(map(unit_feature, units))
        return collection | {"count": len(collection["features"])}

    return cached_geojson(request, build, depends_on=("registry", "reference"))


@api.get("/units/export", tags=["registry"], response={200: bytes, 422: Error},
         summary="Download units as csv, xlsx, geojson, gpkg (GeoPackage) or hsds (HSDS 3 data package: one NDJSON file per table, zipped)",
         openapi_extra={"responses": {200: {"description": "The file", "content": {
             chosen.content_type: {} for chosen in EXPORT_FORMATS.values()}}}})
def export_units_file(request, filters: Query[UnitFilter], format: ExportFormat = "csv"):
    content, content_type, filename = export_units(filter_units(**filters.dict()), format)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@api.get("/units/{unit_id}", response={200: UnitOut, 404: Error}, tags=["registry"], summary="One unit")
def get_unit(request, unit_id: UnitNumber):
    return _unit_out(get_object_or_404(filter_units(), pk=unit_id))
