"""Hitta familjecentral: from a postcode, a place name or a position to the nearest centres, across kommun borders.

The places come from the shipped files (GeoNames' postcodes, SCB's tätorter, the RegSO names of the demand layer,
the kommuner), looked up by ``fcatlas.analysis.places``; the centres are the family centres and similar services
that serve families today. An address is looked up only when a geocoder is configured (``FCATLAS_GEOCODER_URL``,
a Nominatim-compatible search endpoint); without one the page says to type a postcode or a place instead.
"""

import json
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import numpy as np
import pandas as pd
from django.conf import settings
from django.utils.translation import gettext

from fcatlas.analysis.places import Place, PlaceIndex, nearest_sites
from fcatlas.geo import SWEDEN_LATITUDE, SWEDEN_LONGITUDE, WGS84
from fcatlas.planning.inputs import current_layer, demand_version
from fcatlas.planning.services import COUNTING_CLASSES
from fcatlas.reference.models import Municipality, Region
from fcatlas.reference.versions import reference_version
from fcatlas.registry import schedules
from fcatlas.registry.editing import PREFETCH, unit_record
from fcatlas.registry.models import Status, Unit
from fcatlas.registry.translations import day_names
from fcatlas.registry.vocabulary import LANGUAGES

NEAREST = 3
SERVING = (Status.ACTIVE, Status.TEMPORARILY_CLOSED)
POSTCODE_ATTRIBUTION = "Postnummer: GeoNames (CC BY 4.0)"
YOUR_POSITION = "Din position"


@lru_cache(maxsize=2)
def _index(reference_state, demand_state) -> PlaceIndex:
    data = settings.DATA_DIR
    postcodes = pd.read_csv(data / "geo" / "postnummer_koordinater.csv", dtype={"postal_code": str},
                            usecols=["postal_code", "locality", "municipality_name", "latitude", "longitude"])
    towns = pd.read_csv(data / "pop" / "tatorter_2020.csv", dtype={"kommun_kod": str},
                        usecols=["tatort_namn", "kommun_kod", "kommun_namn", "folkmangd", "lat", "lon"])
    localities = pd.DataFrame({"kind": "locality", "name": towns["tatort_namn"], "detail": towns["kommun_namn"],
                               "population": towns["folkmangd"], "latitude": towns["lat"], "longitude": towns["lon"]})
    areas = current_layer().areas
    points = areas.geometry.representative_point().to_crs(WGS84)
    names = dict(Municipality.objects.values_list("code", "name"))
    small_areas = pd.DataFrame({"kind": "small_area", "name": areas["name"].to_numpy(),
                                "detail": areas["municipality_code"].map(names).to_numpy(),
                                "population": areas["population"].to_numpy(),
                                "latitude": points.y.to_numpy(), "longitude": points.x.to_numpy()})
    largest = towns.sort_values("folkmangd", ascending=False).drop_duplicates("kommun_kod")
    regions = dict(Region.objects.values_list("code", "name"))
    kommuner = pd.DataFrame({"kind": "municipality", "name": largest["kommun_kod"].map(names),
                             "detail": largest["kommun_kod"].str[:2].map(regions), "population": largest["folkmangd"],
                             "latitude": largest["lat"], "longitude": largest["lon"]}).dropna(subset=["name"])
    return PlaceIndex(postcodes, pd.concat([localities, small_areas, kommuner], ignore_index=True))


def place_index() -> PlaceIndex:
    return _index(reference_version(), demand_version())


class GeocoderError(Exception):
    """The configured address search did not answer; the message says so in Swedish."""


def geocode_address(text: str) -> list[Place]:
    """Addresses from the configured geocoder (Nominatim's ``/search`` API), in Sweden only."""
    base = settings.GEOCODER_URL
    if not base:
        return []
    query = urllib.parse.urlencode({"q": text, "format": "jsonv2", "countrycodes": "se", "limit": 5})
    request = urllib.request.Request(f"{base}?{query}", headers={"User-Agent": "fcatlas (familjecentraler)"})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            answers = json.loads(response.read(1_000_000))
    except (OSError, ValueError) as error:
        raise GeocoderError(gettext("Adressökningen svarar inte just nu. Skriv ett postnummer eller en ort i "
                                    "stället.")) from error
    return [Place("address", answer.get("display_name", text)[:120], "", float(answer["lon"]),
                  float(answer["lat"])) for answer in answers if "lat" in answer and "lon" in answer]


def position(latitude: str, longitude: str, name: str = "") -> Place | None:
    """A position the browser gave (``?lat=…&lon=…``, named ``name`` when it is a place chosen from a list), if it
    is in Sweden."""
    try:
        lat, lon = float(latitude), float(longitude)
    except (TypeError, ValueError):
        return None
    if not (SWEDEN_LATITUDE[0] <= lat <= SWEDEN_LATITUDE[1] and SWEDEN_LONGITUDE[0] <= lon <= SWEDEN_LONGITUDE[1]):
        return None
    return Place("position", name.strip()[:120] or YOUR_POSITION, "", lon, lat)


@dataclass
class Found:
    unit: Unit
    distance_m: float
    services: list[str]
    today: list[str]
    drop_in_today: list[str]
    opening_hours: list[tuple[str, str]]
    drop_in_hours: list[tuple[str, str]]
    languages: list[str]
    directions_url: str


def _clock(time: str) -> str:
    return time.replace(":", ".")


def nearest_centres(place: Place, *, count: int = NEAREST, today: date | None = None) -> list[Found]:
    """The ``count`` family centres and similar services nearest ``place``, nearest first, with what a family needs
    to go there today."""
    serving = Unit.objects.filter(status__in=SERVING, classification__in=COUNTING_CLASSES, latitude__isnull=False)
    sites = list(serving.values_list("pk", "longitude", "latitude"))
    indices, distances = nearest_sites(place.longitude, place.latitude,
                                       np.array([(lon, lat) for _, lon, lat in sites]), k=count)
    chosen = [sites[i][0] for i in indices]
    units = {unit.pk: unit for unit in Unit.objects.filter(pk__in=chosen).select_related("municipality")
             .prefetch_related(*PREFETCH)}
    weekday = (today or date.today()).weekday()
    found = []
    for pk, distance in zip(chosen, distances):
        unit = units[pk]
        record = unit_record(unit)
        found.append(Found(
            unit=unit, distance_m=float(distance),
            services=[gettext(service.get_service_type_display()) for service in unit.services.all()],
            today=[f"{_clock(o)}–{_clock(c)}" for o, c in schedules.hours_on(record["opening_hours"], weekday)],
            drop_in_today=[f"{_clock(o)}–{_clock(c)}" for o, c in schedules.hours_on(record["drop_in_hours"], weekday)],
            opening_hours=schedules.entry_parts(record["opening_hours"], day_names()),
            drop_in_hours=schedules.entry_parts(record["drop_in_hours"], day_names()),
            languages=[gettext(LANGUAGES.get(code, code)) for code in record["languages"]],
            directions_url="https://www.openstreetmap.org/directions?" + urllib.parse.urlencode(
                {"route": f"{place.latitude:.5f},{place.longitude:.5f};{unit.latitude:.5f},{unit.longitude:.5f}"}),
        ))
    return found
