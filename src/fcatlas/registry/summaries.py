"""Counts of units by classification, for the start page and the region and kommun pages."""

from django.db.models import Count, QuerySet

from .models import Classification, Unit


def classification_counts(units: QuerySet[Unit]) -> dict:
    counts = dict(units.values_list("classification").annotate(n=Count("pk")).order_by())
    rows = [(value, label, counts.get(value, 0)) for value, label in Classification.choices]
    return {"rows": rows, "total": sum(counts.values()), "any_synthetic": units.filter(synthetic=True).exists()}
