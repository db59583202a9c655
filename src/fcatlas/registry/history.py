"""The registry as it stood at a moment, replayed from its history: every saved change (``UnitChange``) carries
each changed field's new value, so the record of every unit at any time is the last value of each field saved
before it — removed units included until their removal."""

from datetime import datetime

from .classification import classify
from .models import UnitChange


def records_at(moment: datetime) -> dict[int, dict]:
    """Each unit's record (the fields its history holds) as of ``moment``, by unit number; units created after it
    or removed before it are absent. Classification is recomputed from the services as saving does."""
    records: dict[int, dict] = {}
    changes = UnitChange.objects.filter(changed_at__lte=moment).order_by("unit_number", "version").values_list(
        "unit_number", "removed", "fields")
    for number, removed, fields in changes.iterator(chunk_size=2000):
        if removed:
            records.pop(number, None)
            continue
        record = records.setdefault(number, {})
        for field, (_, new) in fields.items():
            record[field] = new
    for record in records.values():
        services = record.get("services") or {}
        record["classification"] = classify({kind: bool(values.get("fully_co_located", True))
                                             for kind, values in services.items()}).value
    return records
