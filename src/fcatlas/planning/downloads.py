"""A result as a file, wherever a page shows one: CSV the Swedish Excel way, XLSX with an "Om filen" sheet, and
GeoJSON where the rows have geometry — each saying what it is, as of when, and where its figures come from."""

import json
import math

from django.http import HttpResponse
from django.utils import timezone

from fcatlas.registry.models import Unit
from fcatlas.spreadsheets import csv_bytes, xlsx_bytes

DOWNLOAD_FORMATS = {"csv": "text/csv; charset=utf-8",
                    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    "geojson": "application/geo+json"}
SYNTHETIC_WORDS = "Syntetisk demodata – inte verkliga familjecentraler"


def requested_format(request, *, geometry: bool) -> str | None:
    """The ``?format=`` a page was asked for (``None`` for the page itself, or for GeoJSON without geometry)."""
    chosen = request.GET.get("format")
    if chosen == "geojson" and not geometry:
        return None
    return chosen if chosen in DOWNLOAD_FORMATS else None


def about_rows(title: str, source: str, extra: list[tuple[str, str]] = ()) -> list[tuple[str, str]]:
    rows = [("Innehåll", title), ("Uppgifternas läge", timezone.localtime().strftime("%Y-%m-%d %H:%M")),
            ("Källa", source.removeprefix("Källa: ")), *extra]
    if Unit.objects.filter(synthetic=True).exists():
        rows.append(("Obs", SYNTHETIC_WORDS))
    return rows


def _rounded(value):
    """Four decimals: a share to a hundredth of a per cent, a modelled count of children to far below one child."""
    return round(value, 4) if isinstance(value, float) and math.isfinite(value) else _finite(value)


def _finite(value):
    """JSON has no NaN: a share of no children is ``null``."""
    return None if isinstance(value, float) and not math.isfinite(value) else value


def table_response(file_format: str, *, name: str, title: str, source: str, headers, rows,
                   features: list[dict] | None = None, extra: list[tuple[str, str]] = ()) -> HttpResponse:
    """``rows`` (lists in the order of ``headers``) as a download; ``features`` (GeoJSON) for ``geojson``."""
    about = about_rows(title, source, list(extra))
    rows = [[_rounded(value) for value in row] for row in rows]
    if file_format == "csv":
        data = csv_bytes(headers, [*rows, [], *[[f"{label}: {value}"] for label, value in about]])
    elif file_format == "xlsx":
        data = xlsx_bytes([("Tabell", headers, rows), ("Om filen", ("Uppgift", "Värde"), about)])
    else:
        features = [feature | {"properties": {key: _finite(value) for key, value in feature["properties"].items()}}
                    for feature in features or []]
        data = json.dumps({"type": "FeatureCollection", "features": features,
                           "metadata": dict(about)}, ensure_ascii=False).encode("utf-8")
    response = HttpResponse(data, content_type=DOWNLOAD_FORMATS[file_format])
    stamp = timezone.localtime().strftime("%Y-%m-%d")
    response["Content-Disposition"] = f'attachment; filename="fcatlas-{name}-{stamp}.{file_format}"'
    return response
