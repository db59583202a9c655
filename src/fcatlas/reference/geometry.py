"""Kommun boundaries as shapes in SWEREF 99 TM, decoded once per process and shared by every check.

The boundaries live in the database as GeoJSON (WGS 84); decoding and reprojecting 290 of them costs about a
second, so they are built on first use and kept until ``forget()`` (called when the reference data are
reloaded).
"""

from functools import lru_cache

import numpy as np
import shapely
from shapely.geometry import shape

from fcatlas.geo import to_sweref

from .models import Municipality


def _to_sweref(xy: np.ndarray) -> np.ndarray:
    return np.column_stack(to_sweref(xy[:, 0], xy[:, 1]))


@lru_cache(maxsize=1)
def _municipalities() -> tuple[list[str], list, shapely.STRtree, dict[str, str], dict[str, object]]:
    """(codes, polygons, their tree, {code: name}, {code: polygon})."""
    rows = list(Municipality.objects.values_list("code", "geometry", "name"))
    codes = [code for code, _, _ in rows]
    polygons = [shapely.transform(shape(geometry), _to_sweref) for _, geometry, _ in rows]
    return (codes, polygons, shapely.STRtree(polygons), {code: name for code, _, name in rows},
            dict(zip(codes, polygons, strict=True)))


def forget() -> None:
    _municipalities.cache_clear()


def municipality_polygon(code: str):
    """The kommun's boundary in EPSG:3006, or None for an unknown code."""
    return _municipalities()[4].get(code)


def municipality_name(code: str) -> str | None:
    return _municipalities()[3].get(code)


def point(lon: float, lat: float) -> shapely.Point:
    return shapely.Point(*to_sweref(lon, lat))


def nearest_municipality(lon: float, lat: float) -> tuple[str, float]:
    """(code of the kommun containing or nearest to a WGS 84 point, its distance in metres: 0 inside)."""
    codes, polygons, tree, _, _ = _municipalities()
    here = point(lon, lat)
    index = int(tree.nearest(here))
    return codes[index], polygons[index].distance(here)


def place_of(lon: float, lat: float) -> str | None:
    """The name of the kommun a WGS 84 point lies in (None at sea or abroad)."""
    code, distance = nearest_municipality(lon, lat)
    return municipality_name(code) if distance == 0 else None
