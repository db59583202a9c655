from django.shortcuts import render

from fcatlas.reference import queries
from fcatlas.reference.models import Region


def start(request):
    year = queries.DEFAULT_POLICE_LIST_YEAR
    return render(request, "atlas/start.html", {
        "regions": Region.objects.all(),
        "years": queries.POLICE_LIST_YEARS,
        "year": year,
        "areas": queries.vulnerable_areas(year=year),
    })
