"""The analysis inputs the web app and the command line share: the demand layer and the units.

The demand layer lives in ``var/demand.gpkg``: SCB's children 0–5 per RegSO 2025 built from the shipped
files (``fcatlas build-demand``, or on first use), or newer statistics loaded with ``fcatlas load-demand``.
It is held in SWEREF 99 TM (EPSG:3006), with a prepared :class:`~fcatlas.analysis.coverage.DemandIndex`
per Police list year, so that no request reprojects or re-reads it.
"""

from functools import lru_cache
from pathlib import Path

import geopandas as gpd
from django.conf import settings

from fcatlas.analysis.coverage import METRIC_CRS, DemandIndex
from fcatlas.analysis.demand import DemandLayer, build_shipped_demand, read_demand, with_police_year, write_demand
from fcatlas.analysis.police import DEFAULT_LIST_YEAR, LIST_YEARS, check_list_year
from fcatlas.formatting import format_number
from fcatlas.registry.models import Status, Unit

SERVING_STATUSES = (Status.ACTIVE, Status.TEMPORARILY_CLOSED)


def demand_path() -> Path:
    return Path(settings.VAR_DIR) / "demand.gpkg"


def build_demand() -> DemandLayer:
    """Build the layer from SCB's files in ``settings.DATA_DIR`` and make it the current demand layer."""
    layer = build_shipped_demand(Path(settings.DATA_DIR))
    write_demand(layer, demand_path())
    return layer


def install_demand(layer: DemandLayer) -> None:
    """Make ``layer`` (e.g. from newer statistics) the current demand layer."""
    write_demand(layer, demand_path())


def demand_version() -> int:
    """Changes whenever the demand layer file is replaced (its modification time, ns)."""
    if not demand_path().exists():
        build_demand()
    return demand_path().stat().st_mtime_ns


def current_layer() -> DemandLayer:
    """The current layer (points and areas) in EPSG:3006. A layer replaced by another process (``fcatlas
    load-demand`` while the server runs) is picked up at the next call."""
    return _layer_at(str(demand_path()), demand_version())


def current_demand(year: int = DEFAULT_LIST_YEAR) -> gpd.GeoDataFrame:
    """The demand points, with ``vulnerable_category`` from the Police list of ``year``."""
    return current_index(year).frame


def current_index(year: int = DEFAULT_LIST_YEAR) -> DemandIndex:
    return _index_at(str(demand_path()), demand_version(), check_list_year(year))


@lru_cache(maxsize=1)
def _layer_at(path: str, modified_ns: int) -> DemandLayer:
    return read_demand(Path(path)).to_crs(METRIC_CRS)


@lru_cache(maxsize=len(LIST_YEARS))
def _index_at(path: str, modified_ns: int, year: int) -> DemandIndex:
    return DemandIndex(with_police_year(_layer_at(path, modified_ns).points, year))


def demand_source() -> dict:
    """What the figures stand on, in Swedish, for every page, table and file that shows them."""
    attrs = current_layer().attrs
    return {
        "label": attrs.get("label", "SCB"),
        "text": attrs.get("source", ""),
        "children_method": attrs.get("children_method", ""),
        "placement": attrs.get("placement", ""),
        "note": f"Källa: {attrs.get('source', 'SCB')}; {attrs.get('children_method', '')}. Barnen är placerade "
                f"{attrs.get('placement', '')} ({format_number(attrs.get('points', 0))} punkter).",
    }


def serving_units(units=None):
    """Units that serve families today (active or temporarily closed) and have coordinates."""
    units = Unit.objects.all() if units is None else units
    return units.filter(status__in=SERVING_STATUSES, latitude__isnull=False)


def units_frame(units=None) -> gpd.GeoDataFrame:
    """``serving_units`` as WGS 84 points."""
    rows = list(serving_units(units).values_list("pk", "name", "classification", "municipality_id", "longitude", "latitude"))
    return gpd.GeoDataFrame(
        {"unit_id": [r[0] for r in rows], "name": [r[1] for r in rows], "classification": [r[2] for r in rows],
         "municipality_code": [r[3] for r in rows]},
        geometry=gpd.points_from_xy([r[4] for r in rows], [r[5] for r in rows]), crs="EPSG:4326",
    )
