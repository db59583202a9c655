"""Read-only JSON API, /api/v1/. GeoJSON answers are RFC 7946 (WGS 84, lon/lat)."""

from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from ninja import NinjaAPI, Query, Schema

from fcatlas.reference import queries
from fcatlas.reference.models import Region

from .schemas import Category, Error, FeatureCollection, MunicipalityOut, RegionOut, VulnerableAreaOut

api = NinjaAPI(
    title="fcatlas API",
    version="1",
    description=(
        "Read-only access to the Swedish national family centre atlas: Sweden's regions and kommuner "
        "(SCB boundaries) and the Police's vulnerable areas (2015–2025). Geometries are GeoJSON in WGS 84."
    ),
    urls_namespace="api-v1",
)


def _geojson(collection: dict) -> JsonResponse:
    return JsonResponse(collection, content_type="application/geo+json", json_dumps_params={"ensure_ascii": False})


def _region_out(region: Region) -> dict:
    return {"code": region.code, "name": region.name, "short_name": region.short_name,
            "url": region.get_absolute_url()}


@api.get("/regions", response=list[RegionOut], tags=["reference"], summary="All 21 regions (län)")
def list_regions(request):
    return [_region_out(region) for region in Region.objects.all()]


@api.get("/regions.geojson", response=FeatureCollection, tags=["reference"],
         summary="Region boundaries as GeoJSON")
def regions_geojson(request):
    return _geojson(queries.feature_collection(map(queries.region_feature, Region.objects.all())))


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
    found = queries.municipalities(region=region)
    return _geojson(queries.feature_collection(map(queries.municipality_feature, found)))


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
    return [
        queries.area_feature(area)["properties"] | {"id": area.pk, "has_geometry": area.geometry is not None}
        for area in queries.vulnerable_areas(**filters.dict())
    ]


@api.get("/vulnerable-areas.geojson", response=FeatureCollection, tags=["reference"],
         summary="The Police's vulnerable areas as GeoJSON (the 2025 list has names only: null geometry)")
def vulnerable_areas_geojson(request, filters: Query[VulnerableAreaFilter]):
    areas = queries.vulnerable_areas(**filters.dict())
    return _geojson(queries.feature_collection(map(queries.area_feature, areas)))
