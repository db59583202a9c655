"""The atlas pages: the start page and a page per region and kommun, with coverage on SCB's small areas.

Views gather and render; the figures come from ``fcatlas.planning`` and the registry's summaries.
"""

from itertools import groupby

from django.shortcuts import get_object_or_404, render

from fcatlas.formatting import swedish_key
from fcatlas.planning.context import coverage_context
from fcatlas.planning.services import small_area_table
from fcatlas.reference import queries
from fcatlas.reference.models import Municipality, Region
from fcatlas.registry.models import Unit
from fcatlas.registry.summaries import classification_counts


def start(request):
    context = coverage_context(request, compare="region")
    return render(request, "atlas/start.html", context | {
        "regions": Region.objects.all(),
        "areas": queries.vulnerable_areas(year=context["year"]).defer("geometry"),
        "units": classification_counts(Unit.objects.all()),
        "municipalities_with_units": Unit.objects.values("municipality").distinct().count(),
    })


def region_list(request):
    return render(request, "atlas/region_list.html", coverage_context(request, compare="region"))


def region_detail(request, code):
    region = get_object_or_404(Region.objects.defer("geometry"), code=code)
    return render(request, "atlas/region_detail.html",
                  coverage_context(request, region=region.code, compare="municipality") | {
        "region": region,
        "municipality_count": region.municipalities.count(),
        "areas_by_year": _by_year(queries.vulnerable_areas(region=region.code)),
        "units": classification_counts(Unit.objects.filter(municipality__region=region)),
    })


def municipality_list(request):
    return render(request, "atlas/municipality_list.html", coverage_context(request, compare="municipality"))


def municipality_detail(request, code):
    municipality = get_object_or_404(Municipality.objects.select_related("region").defer(
        "geometry", "region__geometry"), code=code)
    context = coverage_context(request, municipality=municipality.code)
    return render(request, "atlas/municipality_detail.html", context | {
        "municipality": municipality,
        "areas_by_year": _by_year(queries.vulnerable_areas(municipality=municipality.code)),
        "units": classification_counts(municipality.units.all()),
        "unit_list": sorted(municipality.units.all(), key=lambda unit: swedish_key(unit.name)),
        "small_areas": small_area_table(municipality=municipality.code, radius_m=context["coverage"]["radius_m"],
                                        year=context["year"]),
    })


def _by_year(areas) -> list[tuple[int, list]]:
    return [(year, list(group)) for year, group in groupby(areas.order_by("-year", "name"), key=lambda a: a.year)]
