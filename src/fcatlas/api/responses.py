"""GeoJSON answers: compact JSON (RFC 7946, WGS 84), computed once per version of the data they come from, with an
ETag so that a browser that has the layer gets ``304 Not Modified``, gzip-compressed for clients that accept it.

Map layers are most of the bytes the atlas sends; compressing them (and only them: they carry no secret, so
BREACH does not apply) cuts a region's small areas to about a third. The cache is the process's own (Django's
local-memory cache): each worker builds a layer once per data version, then answers from memory.
"""

import gzip
from collections.abc import Callable

from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_vary_headers

from fcatlas import jsontext
from fcatlas.planning.answers import data_versions
from fcatlas.registry.queries import cache_key

GEOJSON = "application/geo+json"
MIN_COMPRESSED_BYTES = 1024


def _encoded(collection: dict) -> tuple[bytes, bytes | None]:
    body = jsontext.dumps(collection)
    return body, gzip.compress(body, compresslevel=6, mtime=0) if len(body) >= MIN_COMPRESSED_BYTES else None


def _gzip_etag(etag: str) -> str:
    """The compressed bytes are another representation of the answer, so they carry their own ETag."""
    return f'{etag[:-1]}-gzip"'


def _send(request, body: bytes, compressed: bytes | None, etag: str | None = None) -> HttpResponse:
    response = HttpResponse(content_type=GEOJSON)
    if compressed is not None and "gzip" in request.headers.get("Accept-Encoding", ""):
        body, response["Content-Encoding"] = compressed, "gzip"
        etag = etag and _gzip_etag(etag)
    if etag:
        response["ETag"] = etag
        response["Cache-Control"] = "public, no-cache"  # keep it, but ask each time: a 304 costs nothing
    response.content = body
    patch_vary_headers(response, ("Accept-Encoding",))
    return response


def cached_geojson(request, build: Callable[[], dict], *, depends_on: tuple[str, ...]) -> HttpResponse:
    """The GeoJSON answer ``build()`` gives for this path and query, built once per version of the data it
    ``depends_on`` (``reference``, ``registry``, ``demand``)."""
    query = sorted((key, values) for key, values in request.GET.lists())
    key = cache_key("geojson", request.path, query, data_versions(depends_on))
    etag = f'"{key.removeprefix("geojson:")}"'
    held = {tag.strip().removeprefix("W/") for tag in request.headers.get("If-None-Match", "").split(",")}
    matched = held & {etag, _gzip_etag(etag)}
    if matched:
        not_modified = HttpResponseNotModified()
        not_modified["ETag"], not_modified["Cache-Control"] = matched.pop(), "public, no-cache"
        patch_vary_headers(not_modified, ("Accept-Encoding",))
        return not_modified
    encoded = cache.get(key)
    if encoded is None:
        encoded = _encoded(build())
        cache.set(key, encoded, timeout=None)
    return _send(request, *encoded, etag=etag)
