from django.shortcuts import render

from fcatlas.planning.context import coverage_context
from fcatlas.reference import queries
from fcatlas.reference.models import Region
from fcatlas.registry.models import Unit
from fcatlas.registry.summaries import classification_counts


def start(request):
    year = queries.DEFAULT_POLICE_LIST_YEAR
    return render(request, "atlas/start.html", coverage_context(request) | {
        "regions": Region.objects.all(),
        "years": queries.POLICE_LIST_YEARS,
        "year": year,
        "areas": queries.vulnerable_areas(year=year),
        "units": classification_counts(Unit.objects.all()),
        "municipalities_with_units": Unit.objects.values("municipality").distinct().count(),
    })
