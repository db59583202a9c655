from itertools import groupby

from django.db.models import Count

from django.shortcuts import get_object_or_404, render

from fcatlas.planning.context import coverage_context
from fcatlas.registry.models import Unit
from fcatlas.registry.summaries import classification_counts

from . import queries
from .models import Municipality, Region


def region_list(request):
    return render(request, "reference/region_list.html", {"regions": Region.objects.all()})


def region_detail(request, code):
    region = get_object_or_404(Region, code=code)
    return render(request, "reference/region_detail.html", coverage_context(request, region=region.code) | {
        "region": region,
        "municipalities": region.municipalities.all(),
        "areas_by_year": _by_year(queries.vulnerable_areas(region=region.code)),
        "units": classification_counts(Unit.objects.filter(municipality__region=region)),
        "units_per_municipality": dict(
            Unit.objects.filter(municipality__region=region).values_list("municipality").annotate(n=Count("pk")).order_by()),
    })


def municipality_list(request):
    return render(request, "reference/municipality_list.html", {
        "regions": Region.objects.prefetch_related("municipalities"),
    })


def municipality_detail(request, code):
    municipality = get_object_or_404(queries.municipalities(), code=code)
    return render(request, "reference/municipality_detail.html", coverage_context(request, municipality=municipality.code) | {
        "municipality": municipality,
        "areas_by_year": _by_year(queries.vulnerable_areas(municipality=municipality.code)),
        "map_year": queries.DEFAULT_POLICE_LIST_YEAR,
        "units": classification_counts(municipality.units.all()),
        "unit_list": municipality.units.order_by("name"),
    })


def _by_year(areas) -> list[tuple[int, list]]:
    return [(year, list(group)) for year, group in groupby(areas.order_by("-year", "name"), key=lambda a: a.year)]
