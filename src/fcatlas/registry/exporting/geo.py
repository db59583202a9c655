"""The map exports: GeoJSON (RFC 7946, WGS 84) and GeoPackage (layer ``enheter``), written a chunk of units at a
time so that memory stays flat in their number."""

import itertools
import tempfile
from pathlib import Path

from fcatlas import jsontext

from .rows import EXPORT_CHUNK, NUMBER_COLUMNS, columns, items_and_rows, metadata

GPKG_LAYER = "enheter"


def _point(unit) -> tuple[float, float] | None:
    latitude, longitude = unit.record["latitude"], unit.record["longitude"]
    return None if latitude is None or longitude is None else (longitude, latitude)


def features(units):
    for unit, values in items_and_rows(units):
        properties = {k: v for k, v in values.items() if k not in ("latitud", "longitud")}
        point = _point(unit)
        geometry = {"type": "Point", "coordinates": list(point)} if point else None
        yield {"type": "Feature", "id": unit.pk, "geometry": geometry, "properties": properties}


def write_geojson(units) -> bytes:
    head = jsontext.dumps({"type": "FeatureCollection", "name": GPKG_LAYER, "metadata": metadata(units)})[:-1]
    return b"".join([head, b',"features":[', b",".join(map(jsontext.dumps, features(units))), b"]}"])


def write_gpkg(units) -> bytes:
    import geopandas as gpd
    import pyogrio
    from shapely.geometry import Point

    headers = columns()
    about = metadata(units)
    description = " ".join(filter(None, [about["notice"], about["source"], f"Utdrag {about['created']}."]))
    pairs = items_and_rows(units)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "enheter.gpkg"
        for number in itertools.count():
            chunk = list(itertools.islice(pairs, EXPORT_CHUNK))
            if not chunk and number:
                break
            frame = gpd.GeoDataFrame(
                [{h: values[h] for h in headers} for _, values in chunk] if chunk else {h: [] for h in headers},
                geometry=[Point(*_point(unit)) if _point(unit) else None for unit, _ in chunk], crs="EPSG:4326")
            for name in NUMBER_COLUMNS:
                frame[name] = frame[name].astype("float64")
            options = {"append": True} if number else {"layer_options": {"DESCRIPTION": description},
                                                       "metadata": {"DESCRIPTION": description}}
            pyogrio.write_dataframe(frame, path, layer=GPKG_LAYER, driver="GPKG", **options)
        return path.read_bytes()
