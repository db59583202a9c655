from typing import Any, Literal

from ninja import Schema

Category = Literal["vulnerable", "risk", "especially_vulnerable"]


class RegionOut(Schema):
    code: str
    name: str
    short_name: str
    url: str


class MunicipalityOut(Schema):
    code: str
    name: str
    region_code: str
    region_name: str
    url: str
    geometry: dict[str, Any] | None = None


class VulnerableAreaOut(Schema):
    id: int
    name: str
    year: int
    category: Category
    category_label: str
    municipality_code: str
    municipality_name: str
    has_geometry: bool


class Feature(Schema):
    type: Literal["Feature"]
    id: int | str
    geometry: dict[str, Any] | None
    properties: dict[str, Any]


class FeatureCollection(Schema):
    type: Literal["FeatureCollection"]
    features: list[Feature]


class Error(Schema):
    detail: str
