"""A small client for Statistics Sweden's PxWeb API, returning JSON-stat2 documents.

* v1: ``POST https://api.scb.se/OV0104/v1/doris/sv/ssd/<path>/<table>`` with a JSON query
  ``{"query": [{"code": ..., "selection": {"filter": "item", "values": [...]}}],
  "response": {"format": "json-stat2"}}`` (:func:`fetch_v1`).
* v2: ``GET https://statistikdatabasen.scb.se/api/v2/tables/<TAB id>/data?lang=sv&
  outputFormat=json-stat2&valueCodes[Region]=0114,0115&codelist[Region]=vs_RegSO2025``
  (:func:`fetch_v2`).

The HTTP transport is injectable: any callable ``(method, url, body, headers) -> HttpResponse``.
The default, :func:`urllib_transport`, uses the standard library only. Turn a document into a
tidy frame with :func:`fcatlas.analysis.statistics.population_from_jsonstat`.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import quote

from fcatlas.analysis.statistics import StatisticsFormatError, jsonstat2_to_frame

V1_BASE_URL = "https://api.scb.se/OV0104/v1/doris/sv/ssd"
V2_BASE_URL = "https://statistikdatabasen.scb.se/api/v2"

# Tables the atlas uses (v1 path / v2 id).
POPULATION_BY_AGE_KOMMUN_V1 = "BE/BE0101/BE0101A/BefolkningNy"  # BE0101N1, single-year ages
POPULATION_BY_AGE_AREA_V2 = "TAB6574"  # FolkmDesoAldKon: DeSO/RegSO/kommun, 5-year bands
AREA_TYPE_V2 = "TAB6586"  # socioekonomiskt index and områdestyp per RegSO

Selection = Mapping[str, str | Sequence[str]]


@dataclass(frozen=True)
class HttpResponse:
    """What a transport returns: HTTP status, raw body and the URL answered."""

    status: int
    body: bytes
    url: str


Transport = Callable[[str, str, bytes | None, Mapping[str, str]], HttpResponse]


class PxWebError(RuntimeError):
    """The API answered with an error status or a document that is not JSON-stat2."""


def urllib_transport(
    method: str, url: str, body: bytes | None, headers: Mapping[str, str], *, timeout: float = 60.0
) -> HttpResponse:
    """Send one request with :mod:`urllib.request`; HTTP error statuses are returned, not raised."""
    request = urllib.request.Request(url, data=body, headers=dict(headers), method=method)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return HttpResponse(response.status, response.read(), url)
    except urllib.error.HTTPError as error:
        return HttpResponse(error.code, error.read() or b"", url)
    except urllib.error.URLError as error:
        raise PxWebError(f"{method} {url}: no answer ({error.reason})") from error


def v1_query(selection: Selection) -> dict:
    """The v1 JSON query body for ``{"Region": ["0114"], "Tid": "2023", "Alder": "*"}``.

    A value ``"*"`` or one containing ``*`` selects with filter ``all``; others with ``item``.
    """
    query = []
    for code, values in selection.items():
        values = [values] if isinstance(values, str) else list(values)
        wildcard = any("*" in value for value in values)
        query.append({"code": code, "selection": {"filter": "all" if wildcard else "item", "values": values}})
    return {"query": query, "response": {"format": "json-stat2"}}


def v2_data_url(
    table_id: str,
    selection: Selection,
    *,
    codelists: Mapping[str, str] | None = None,
    language: str = "sv",
    base_url: str = V2_BASE_URL,
) -> str:
    """The v2 GET URL for a table's data in JSON-stat2, e.g. ``.../tables/TAB6574/data?...``."""
    parts = [f"lang={quote(language)}", "outputFormat=json-stat2"]
    for code, values in selection.items():
        values = [values] if isinstance(values, str) else list(values)
        parts.append(f"valueCodes[{quote(code)}]=" + ",".join(quote(value, safe="*()") for value in values))
    for code, codelist in (codelists or {}).items():
        parts.append(f"codelist[{quote(code)}]={quote(codelist)}")
    return f"{base_url.rstrip('/')}/tables/{quote(table_id)}/data?" + "&".join(parts)


def fetch_v1(
    table_path: str,
    selection: Selection,
    *,
    transport: Transport = urllib_transport,
    base_url: str = V1_BASE_URL,
) -> dict:
    """POST a v1 query for ``table_path`` (e.g. ``"BE/BE0101/BE0101A/BefolkningNy"``) and
    return the checked JSON-stat2 document."""
    url = f"{base_url.rstrip('/')}/{table_path.strip('/')}"
    body = json.dumps(v1_query(selection), ensure_ascii=False).encode("utf-8")
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    return _checked_document("POST", url, transport("POST", url, body, headers))


def fetch_v2(
    table_id: str,
    selection: Selection,
    *,
    codelists: Mapping[str, str] | None = None,
    transport: Transport = urllib_transport,
    base_url: str = V2_BASE_URL,
) -> dict:
    """GET a v2 table's data (e.g. ``"TAB6574"``) and return the checked JSON-stat2 document."""
    url = v2_data_url(table_id, selection, codelists=codelists, base_url=base_url)
    return _checked_document("GET", url, transport("GET", url, None, {"Accept": "application/json"}))


def _checked_document(method: str, url: str, response: HttpResponse) -> dict:
    if response.status != 200:
        detail = response.body[:300].decode("utf-8", errors="replace").strip()
        raise PxWebError(f"{method} {url}: HTTP {response.status}" + (f": {detail}" if detail else ""))
    try:
        document = json.loads(response.body.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise PxWebError(f"{method} {url}: the answer is not JSON ({error})") from None
    try:
        jsonstat2_to_frame(document, source=f"{method} {url}")
    except StatisticsFormatError as error:
        raise PxWebError(str(error)) from None
    return document
