"""Export registry units: CSV, XLSX, GeoJSON, GeoPackage and an Open Referral HSDS 3 data package.

``FORMATS`` is the one registry of formats (in the style of Healthchecks' ``TRANSPORTS``): the API's allowed
values, the command line's choices and the docs are derived from it. The tabular formats carry every field of the
unit record under the vocabulary's Swedish headers, which the importer reads back. Synthetic demo units are marked
in the column ``syntetisk`` and, when there are any, the file says "Syntetisk demodata – inte verkliga
familjecentraler" where the format has room for it (XLSX: the sheet "Om filen", shown when the file opens; GeoJSON
and HSDS: top-level metadata; the file name). Text a spreadsheet would run as a formula is made harmless: an
apostrophe in CSV, Excel's quote prefix in XLSX.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module

from django.utils import timezone

from fcatlas.bulk import no_collections

from .rows import SYNTHETIC_NOTICE, ExportUnits, columns


@dataclass(frozen=True)
class Format:
    label: str
    content_type: str
    extension: str
    writer: str
    """Dotted path of the function that writes the file, imported on first use."""
    stem: str = "enheter"

    def write(self, units) -> bytes:
        module, name = self.writer.rsplit(".", 1)
        return getattr(import_module(module, __name__), name)(units)


FORMATS: dict[str, Format] = {
    "csv": Format("CSV (semikolon, UTF-8)", "text/csv; charset=utf-8", "csv", ".tables.write_csv"),
    "xlsx": Format("Excel (XLSX)", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx",
                   ".tables.write_xlsx"),
    "geojson": Format("GeoJSON", "application/geo+json", "geojson", ".geo.write_geojson"),
    "gpkg": Format("GeoPackage", "application/geopackage+sqlite3", "gpkg", ".geo.write_gpkg"),
    "hsds": Format("Open Referral HSDS 3 (datapaket: en NDJSON-fil per tabell, i zip)", "application/zip", "zip",
                   ".hsds.write_hsds", "enheter-hsds"),
}


def filename(fmt: Format, synthetic: bool) -> str:
    marker = "-syntetisk-demodata" if synthetic else ""
    return f"{fmt.stem}{marker}-{timezone.localdate().isoformat()}.{fmt.extension}"


@no_collections()
def export_units(units, fmt: str) -> tuple[bytes, str, str]:
    """(file content, content type, suggested file name) for units in one of ``FORMATS``."""
    if fmt not in FORMATS:
        raise ValueError(f"Okänt format {fmt!r}; välj ett av {', '.join(FORMATS)}.")
    units = ExportUnits(units)
    chosen = FORMATS[fmt]
    return chosen.write(units), chosen.content_type, filename(chosen, units.synthetic)


__all__ = ["FORMATS", "SYNTHETIC_NOTICE", "Format", "columns", "export_units"]
