"""The analysis inputs the web app and the command line share: the demand layer and the units.

The demand layer lives in ``var/demand.gpkg``. Until real statistics are loaded (``fcatlas load-demand``)
it is the *modelled* layer built from the shipped data (``fcatlas build-demand``, or on first use).
"""

from functools import lru_cache
from pathlib import Path

import geopandas as gpd
from django.conf import settings

from fcatlas.analysis.coverage import METRIC_CRS as COMPUTE_CRS
from fcatlas.analysis.demand import build_modelled_demand, read_demand, write_demand
from fcatlas.registry.models import Status, Unit

SERVING_STATUSES = (Status.ACTIVE, Status.TEMPORARILY_CLOSED)


def demand_path() -> Path:
    return Path(settings.VAR_DIR) / "demand.gpkg"


def build_demand() -> gpd.GeoDataFrame:
    """Build the modelled layer (WGS 84) from ``settings.DATA_DIR`` and make it the current demand layer."""
    frame = build_modelled_demand(Path(settings.DATA_DIR))
    write_demand(frame, demand_path())
    return frame


def install_demand(frame: gpd.GeoDataFrame) -> None:
    """Make ``frame`` (e.g. from real statistics) the current demand layer."""
    write_demand(frame, demand_path())


def current_demand() -> gpd.GeoDataFrame:
    """The current demand layer, held in SWEREF 99 TM (EPSG:3006) so that no request reprojects it;
    built from the shipped data when none exists yet. A layer replaced by another process (``fcatlas
    load-demand`` while the server runs) is picked up at the next call."""
    return _demand_at(str(demand_path()), demand_version())


def demand_version() -> int:
    """Changes whenever the demand layer file is replaced (its modification time, ns)."""
    if not demand_path().exists():
        build_demand()
    return demand_path().stat().st_mtime_ns


@lru_cache(maxsize=1)
def _demand_at(path: str, modified_ns: int) -> gpd.GeoDataFrame:
    return read_demand(Path(path)).to_crs(COMPUTE_CRS)


def is_modelled(demand: gpd.GeoDataFrame) -> bool:
    return bool(demand["modelled"].any())


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
