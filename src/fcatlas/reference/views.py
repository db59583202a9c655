from itertools import groupby

from django.shortcuts import get_object_or_404, render

from . import queries
from .models import Municipality, Region


def region_list(request):
    return render(request, "reference/region_list.html", {"regions": Region.objects.all()})


def region_detail(request, code):
    region = get_object_or_404(Region, code=code)
    return render(request, "reference/region_detail.html", {
        "region": region,
        "municipalities": region.municipalities.all(),
        "areas_by_year": _by_year(queries.vulnerable_areas(region=region.code)),
    })


def municipality_list(request):
    return render(request, "reference/municipality_list.html", {
        "regions": Region.objects.prefetch_related("municipalities"),
    })


def municipality_detail(request, code):
    municipality = get_object_or_404(queries.municipalities(), code=code)
    return render(request, "reference/municipality_detail.html", {
        "municipality": municipality,
        "areas_by_year": _by_year(queries.vulnerable_areas(municipality=municipality.code)),
        "map_year": queries.DEFAULT_POLICE_LIST_YEAR,
    })


def _by_year(areas) -> list[tuple[int, list]]:
    return [(year, list(group)) for year, group in groupby(areas.order_by("-year", "name"), key=lambda a: a.year)]
