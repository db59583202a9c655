"""Load the shipped reference data (data/geo) into the database, idempotently.

Every table is synchronised with its file: new rows are created, changed rows updated, rows no
longer in the file deleted, and identical rows left alone, so a second run changes nothing.
All of it happens in one transaction: a failure leaves the database as it was.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from django.db import models, transaction

from fcatlas.datafiles import DataFileError, read_csv, read_features

from . import geometry
from .models import Municipality, Postcode, Region, VulnerableArea
from .versions import new_reference_version

CATEGORY_BY_POLICE_NAME = {
    "Utsatt område": VulnerableArea.Category.VULNERABLE,
    "Riskområde": VulnerableArea.Category.RISK,
    "Särskilt utsatt område": VulnerableArea.Category.ESPECIALLY_VULNERABLE,
}


class ReferenceDataError(DataFileError):
    """A reference file says something we cannot load; the message names file and row."""


@dataclass(frozen=True)
class SyncResult:
    table: str
    created: int
    updated: int
    deleted: int
    unchanged: int

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.deleted)


def load_reference(data_dir: Path, on_done: Callable[[SyncResult], None] = lambda _: None) -> list[SyncResult]:
    """Synchronise regions, kommuner, vulnerable areas and postcodes with the files in ``data_dir/geo``.

    ``on_done`` is called after each table, e.g. to advance a progress bar.
    """
    geo = Path(data_dir) / "geo"
    steps = [
        ("regioner", Region, ("code",), lambda: _region_records(geo)),
        ("kommuner", Municipality, ("code",), lambda: _municipality_records(geo)),
        ("utsatta områden", VulnerableArea, ("year", "municipality_id", "name"),
         lambda: _vulnerable_area_records(geo)),
        ("postnummer", Postcode, ("code",), lambda: _postcode_records(geo)),
    ]
    results = []
    with transaction.atomic():
        for label, model, key_fields, records in steps:
            results.append(_sync(label, model, key_fields, records()))
            on_done(results[-1])
    if any(result.changed for result in results):
        transaction.on_commit(geometry.forget)
        transaction.on_commit(new_reference_version)
    return results


def _sync(label: str, model: type[models.Model], key_fields: tuple[str, ...],
          records: Iterable[dict]) -> SyncResult:
    def key(values) -> tuple:
        return tuple(values[f] if isinstance(values, dict) else getattr(values, f) for f in key_fields)

    existing = {key(obj): obj for obj in model.objects.all()}
    to_create, to_update, unchanged = [], [], 0
    update_fields: set[str] = set()
    for record in records:
        obj = existing.pop(key(record), None)
        if obj is None:
            to_create.append(model(**record))
            continue
        changed = [field for field, value in record.items() if getattr(obj, field) != value]
        if not changed:
            unchanged += 1
            continue
        for field in changed:
            setattr(obj, field, record[field])
        update_fields.update(changed)
        to_update.append(obj)
    model.objects.bulk_create(to_create, batch_size=500)
    if to_update:
        model.objects.bulk_update(to_update, sorted(update_fields), batch_size=500)
    model.objects.filter(pk__in=[obj.pk for obj in existing.values()]).delete()
    return SyncResult(label, len(to_create), len(to_update), len(existing), unchanged)


def _region_records(geo: Path) -> list[dict]:
    short_names = {row["county_code"]: row["county_name_short"] for row in read_csv(geo / "lan_koder.csv")}
    records = []
    for feature in read_features(geo / "lan.geojson"):
        code = feature["properties"]["lan_kod"]
        if code not in short_names:
            raise ReferenceDataError(f"lan.geojson: länskod {code!r} finns inte i lan_koder.csv")
        records.append({"code": code, "name": feature["properties"]["lan_namn"],
                        "short_name": short_names[code], "geometry": feature["geometry"]})
    return records


def _municipality_records(geo: Path) -> list[dict]:
    return [
        {"code": f["properties"]["kommun_kod"], "name": f["properties"]["kommun_namn"],
         "region_id": f["properties"]["lan_kod"], "geometry": f["geometry"]}
        for f in read_features(geo / "kommuner.geojson")
    ]


def _category(police_name: str, where: str) -> str:
    try:
        return CATEGORY_BY_POLICE_NAME[police_name.strip()]
    except KeyError:
        raise ReferenceDataError(f"{where}: okänd kategori {police_name!r}") from None


def _vulnerable_area_records(geo: Path) -> list[dict]:
    panel_file = "polisen_utsatta_omraden_panel_2015_2023.geojson"
    records = []
    for number, feature in enumerate(read_features(geo / panel_file), start=1):
        props = feature["properties"]
        records.append({
            "year": int(props["ar"]), "name": props["namn"], "municipality_id": props["kommun_kod"],
            "category": _category(props["kategori"], f"{panel_file}, objekt {number}"),
            "panel_id": int(props["id"]), "geometry": feature["geometry"],
        })
    list_2025, polygons_2025 = "polisen_utsatta_omraden_2025.csv", "polisen_utsatta_omraden_2025.geojson"
    shapes = {}
    for number, feature in enumerate(read_features(geo / polygons_2025), start=1):
        props = feature["properties"]
        shapes[(props["NAMN"], _category(props["KATEGORI"], f"{polygons_2025}, objekt {number}"))] = feature["geometry"]
    for row_number, row in enumerate(read_csv(geo / list_2025), start=2):
        category = _category(row["kategori"], f"{list_2025}, rad {row_number}")
        geometry = shapes.pop((row["namn"], category), None)
        if geometry is None:
            raise ReferenceDataError(f"{list_2025}, rad {row_number}: {row['namn']!r} ({row['kategori']}) saknar "
                                     f"polygon i {polygons_2025}")
        records.append({
            "year": 2025, "name": row["namn"], "municipality_id": row["kommun_kod"], "category": category,
            "panel_id": None, "geometry": geometry,
        })
    if shapes:
        name, _ = next(iter(shapes))
        raise ReferenceDataError(f"{polygons_2025}: området {name!r} finns inte i {list_2025}")
    return records


def _postcode_records(geo: Path) -> list[dict]:
    return [
        {"code": row["postal_code"], "locality": row["locality"], "municipality_id": row["municipality_code"]}
        for row in read_csv(geo / "postnummer_till_kommun.csv")
    ]
