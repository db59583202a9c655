"""Finding a place from what a person types — a postcode, a town or a district — and the sites nearest to it.

Pure (NumPy, SciPy, pandas): a notebook builds a ``PlaceIndex`` from the same frames the web page does.
Matching folds case and the Swedish letters (``"goteborg"`` finds Göteborg, ``"malmo"`` Malmö), ignores
punctuation and spaces in postcodes (``"413 19"`` is 41319), and needs every word typed to be found in the name.
Distances are straight-line metres in SWEREF 99 TM (EPSG:3006).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from fcatlas.formatting import fold
from fcatlas.geo import to_sweref

PLACE_KINDS = ("postcode", "locality", "small_area", "municipality")
_POSTCODE = re.compile(r"^\s*(\d{3})\s?(\d{2})\s*$")
_PREFIX = re.compile(r"^\s*(\d{3})\s*$")


def postcode_of(text: str) -> str | None:
    """The five digits of a Swedish postcode written with or without its space (``"413 19"`` → ``"41319"``)."""
    found = _POSTCODE.match(text)
    return found.group(1) + found.group(2) if found else None


@dataclass(frozen=True)
class Place:
    kind: str
    name: str
    detail: str
    longitude: float
    latitude: float


class PlaceIndex:
    """Places to look up by name or postcode.

    ``postcodes``: ``postal_code``, ``locality``, ``municipality_name``, ``latitude``, ``longitude``;
    ``places``: ``kind`` (one of ``locality``, ``small_area``, ``municipality``), ``name``, ``detail`` (e.g. the
    kommun), ``population`` (to rank equal matches) and ``latitude``/``longitude`` (WGS 84)."""

    def __init__(self, postcodes: pd.DataFrame, places: pd.DataFrame):
        missing = {"postal_code", "locality", "latitude", "longitude"} - set(postcodes.columns)
        if missing:
            raise ValueError(f"postcodes lacks the columns {sorted(missing)}")
        kinds = set(places["kind"]) - set(PLACE_KINDS)
        if kinds:
            raise ValueError(f"unknown place kinds {sorted(kinds)}; allowed: {PLACE_KINDS}")
        self.postcodes = postcodes.assign(postal_code=postcodes["postal_code"].astype(str).str.zfill(5)).set_index(
            "postal_code")
        self.places = places.assign(folded=places["name"].map(fold)).reset_index(drop=True)

    def find(self, text: str, limit: int = 8) -> list[Place]:
        """The places ``text`` names, best first: a postcode (or the mean point of a three-digit postcode area),
        else names that equal, start with or contain every word typed; within each, the more populous first."""
        code = postcode_of(text)
        if code is not None:
            if code not in self.postcodes.index:
                return []
            row = self.postcodes.loc[code]
            return [Place("postcode", f"{code[:3]} {code[3:]}", f"{row['locality']}", float(row["longitude"]),
                          float(row["latitude"]))]
        prefix = _PREFIX.match(text)
        if prefix:
            area = self.postcodes[self.postcodes.index.str.startswith(prefix.group(1))]
            if area.empty:
                return []
            localities = ", ".join(sorted(set(area["locality"]))[:3])
            return [Place("postcode", f"{prefix.group(1)} xx", localities, float(area["longitude"].mean()),
                          float(area["latitude"].mean()))]
        words = fold(text).split()
        if not words:
            return []
        names = self.places["folded"]
        matches = np.logical_and.reduce([names.str.contains(rf"\b{re.escape(word)}", regex=True) for word in words])
        found = self.places[matches]
        if found.empty:
            return []
        wanted = " ".join(words)
        rank = np.where(found["folded"] == wanted, 0, np.where(found["folded"].str.startswith(wanted), 1, 2))
        kind_order = found["kind"].map({"municipality": 0, "locality": 1, "small_area": 2})
        ordered = found.assign(rank=rank, kind_order=kind_order).sort_values(
            ["rank", "kind_order", "population"], ascending=[True, True, False])
        return [Place(row.kind, row.name, row.detail, float(row.longitude), float(row.latitude))
                for row in ordered.head(limit).itertuples()]


def nearest_sites(longitude: float, latitude: float, sites_lonlat: np.ndarray, k: int = 3) -> tuple[np.ndarray,
                                                                                                   np.ndarray]:
    """The indices of the ``k`` sites (an (n, 2) array of WGS 84 lon/lat) nearest the point, nearest first, and
    their straight-line distances in metres (SWEREF 99 TM). Fewer when there are fewer sites."""
    sites_lonlat = np.asarray(sites_lonlat, dtype=float).reshape(-1, 2)
    if not len(sites_lonlat):
        return np.array([], dtype=int), np.array([], dtype=float)
    x, y = to_sweref(sites_lonlat[:, 0], sites_lonlat[:, 1])
    origin = np.array(to_sweref(longitude, latitude), dtype=float)
    count = min(k, len(sites_lonlat))
    distances, indices = cKDTree(np.column_stack([x, y])).query(origin, k=count)
    return np.atleast_1d(indices).astype(int), np.atleast_1d(distances).astype(float)
