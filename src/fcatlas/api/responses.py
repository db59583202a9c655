"""GeoJSON answers: compact JSON (RFC 7946, WGS 84), gzip-compressed for clients that accept it.

Map layers are most of the bytes the atlas sends; compressing them (and only them: they carry no secret, so
BREACH does not apply) cuts a region's small areas to about a third.
"""

import gzip
import json

from django.http import HttpResponse
from django.utils.cache import patch_vary_headers

GEOJSON = "application/geo+json"
MIN_COMPRESSED_BYTES = 1024


def geojson_response(request, collection: dict) -> HttpResponse:
    body = json.dumps(collection, ensure_ascii=False, separators=(",", ":")).encode()
    response = HttpResponse(content_type=GEOJSON)
    if len(body) >= MIN_COMPRESSED_BYTES and "gzip" in request.headers.get("Accept-Encoding", ""):
        body = gzip.compress(body, compresslevel=6, mtime=0)
        response["Content-Encoding"] = "gzip"
    response.content = body
    patch_vary_headers(response, ("Accept-Encoding",))
    return response
