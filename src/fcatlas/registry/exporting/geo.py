"""The map exports: GeoJSON (RFC 7946, WGS 84) and GeoPackage (layer ``enheter``)."""

import json
import tempfile
from pathlib import Path

from .rows import NUMBER_COLUMNS, columns, metadata, rows

GPKG_LAYER = "enheter"


def features(units) -> list[dict]:
    result = []
    for unit, values in zip(units, rows(units), strict=True):
        properties = {k: v for k, v in values.items() if k not in ("latitud", "longitud")}
        latitude, longitude = unit.record["latitude"], unit.record["longitude"]
        geometry = ({"type": "Point", "coordinates": [longitude, latitude]}
                    if latitude is not None and longitude is not None else None)
        result.append({"type": "Feature", "id": unit.pk, "geometry": geometry, "properties": properties})
    return result


def write_geojson(units) -> bytes:
    collection = {"type": "FeatureCollection", "name": GPKG_LAYER, "metadata": metadata(units),
                  "features": features(units)}
    return json.dumps(collection, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def write_gpkg(units) -> bytes:
    import geopandas as gpd
    from shapely.geometry import Point

    values = rows(units)
    headers = columns()
    frame = gpd.GeoDataFrame(
        [{h: row[h] for h in headers} for row in values] if values else {h: [] for h in headers},
        geometry=[Point(u.record["longitude"], u.record["latitude"]) if u.record["latitude"] is not None else None
                  for u in units],
        crs="EPSG:4326")
    for name in NUMBER_COLUMNS:
        frame[name] = frame[name].astype("float64")
    about = metadata(units)
    description = " ".join(filter(None, [about["notice"], about["source"], f"Utdrag {about['created']}."]))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "enheter.gpkg"
        frame.to_file(path, layer=GPKG_LAYER, driver="GPKG", engine="pyogrio",
                      layer_options={"DESCRIPTION": description}, metadata={"DESCRIPTION": description})
        return path.read_bytes()
