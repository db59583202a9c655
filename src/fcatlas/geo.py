"""Coordinates in one place: the two reference systems, their transformers, and Sweden's bounds.

Pure (pyproj only). Stored coordinates are WGS 84 (EPSG:4326, longitude/latitude as GeoJSON orders them);
distances are computed in SWEREF 99 TM (EPSG:3006, metres).
"""

from functools import cache

from pyproj import Transformer

WGS84 = "EPSG:4326"
SWEREF99TM = "EPSG:3006"

SWEDEN_LATITUDE = (55.0, 69.2)
SWEDEN_LONGITUDE = (10.5, 24.2)
"""A box around Sweden in WGS 84 degrees: a point outside it is not in Sweden."""
SWEDEN_NORTHING = (6_000_000.0, 7_800_000.0)
SWEDEN_EASTING = (200_000.0, 1_000_000.0)
"""The same in SWEREF 99 TM metres (northing 6,1–7,7 million m, easting 0,2–1 million m, with a margin)."""


@cache
def _transformer(source: str, target: str) -> Transformer:
    return Transformer.from_crs(source, target, always_xy=True)


def to_sweref(lon, lat):
    """WGS 84 longitude, latitude (scalars or arrays) → SWEREF 99 TM easting, northing in metres."""
    return _transformer(WGS84, SWEREF99TM).transform(lon, lat)


def to_wgs84(easting, northing):
    """SWEREF 99 TM easting, northing in metres → WGS 84 longitude, latitude."""
    return _transformer(SWEREF99TM, WGS84).transform(easting, northing)


def in_sweden(lon: float, lat: float) -> bool:
    """Whether a WGS 84 point lies in the box around Sweden."""
    return SWEDEN_LONGITUDE[0] <= lon <= SWEDEN_LONGITUDE[1] and SWEDEN_LATITUDE[0] <= lat <= SWEDEN_LATITUDE[1]


def sweref_in_sweden(easting: float, northing: float) -> bool:
    return SWEDEN_EASTING[0] <= easting <= SWEDEN_EASTING[1] and SWEDEN_NORTHING[0] <= northing <= SWEDEN_NORTHING[1]
