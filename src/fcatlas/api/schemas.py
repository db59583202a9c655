from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import Field

UnitNumber = Annotated[int, Field(ge=1, le=2**63 - 1, description="a unit's number (`id`)")]
"""Bounded by the database's 64-bit row ids, so that no number can overflow a query."""
PageNumber = Annotated[int, Field(ge=1, le=1_000_000, description="page number, from 1")]

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
    count: int | None = None


class Error(Schema):
    detail: str


Classification = Literal["family_centre", "similar_service", "not_qualifying"]
Status = Literal["active", "planned", "temporarily_closed", "closed"]


class UnitServiceOut(Schema):
    service_type: str
    service_label: str
    principal: str
    operating_form: str
    provider_name: str
    fully_co_located: bool


class UnitOut(Schema):
    id: int
    external_id: str | None
    name: str
    url: str
    status: Status
    opened_on: str | None
    closed_on: str | None
    street_address: str
    postcode: str
    locality: str
    municipality_code: str
    municipality_name: str
    region_code: str
    latitude: float | None
    longitude: float | None
    classification: Classification
    classification_label: str
    classification_reason: str
    fully_co_located: bool
    services: list[UnitServiceOut]
    working_methods: list[str]
    serves_expectant_parents: bool
    serves_parents: bool
    children_age_from: int | None
    children_age_to: int | None
    serves_other_adults: bool
    serves_newly_arrived: bool
    completeness: float
    source: str
    assured_date: str | None
    synthetic: bool
    version: int


class UnitPage(Schema):
    count: int
    page: int
    page_size: int
    items: list[UnitOut]
