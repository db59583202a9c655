"""The Open Referral HSDS 3 API, read-only, under ``/api/hsds/``, beside the project's own ``/api/v1/``.

It follows the HSDS 3 OpenAPI document (``registry/hsds_schema/openapi.json``): ``/`` says what the API is,
``/services``, ``/service_at_locations``, ``/organizations``, ``/taxonomies`` and ``/taxonomy_terms`` are pages
(``total_items``, ``total_pages``, ``page_number``, ``size``, ``first_page``, ``last_page``, ``empty``,
``contents``) and each has its ``/{id}``. The objects are the HSDS export's own (``registry.exporting.hsds``,
``HsdsBuilder``): the same ids, names and descriptions — synthetic demo units say so in their descriptions and
``/`` carries the notice — nested as the API's schemas want them. Lists read only the page's units, in bulk
(``ExportUnits``); the ids of services and organisations are name-based UUIDs, so finding one by id hashes the
candidates (a few thousand hashes, no query per row).

A bad parameter is answered 422 with a Swedish ``detail`` naming it; an unknown id 404.
"""

import math
import re
from collections import defaultdict
from datetime import UTC, datetime
from uuid import UUID

from django.db.models import Q
from django.utils import timezone
from ninja import NinjaAPI, Query, Schema
from ninja.errors import HttpError, ValidationError
from ninja.renderers import JSONRenderer
from pydantic import Field

from fcatlas.registry.exporting.hsds import (
    PROVIDER_VALUES,
    TAXONOMIES,
    HsdsBuilder,
    Provider,
    about,
    link_id,
    one_to_one,
    service_id,
    taxonomy_id,
)
from fcatlas.registry.exporting.rows import ExportUnits
from fcatlas.registry.models import ServiceType, Unit, UnitService
from fcatlas.registry.queries import filter_units

PAGE_MAX = 1_000_000
PER_PAGE_MAX = 200
PER_PAGE_DEFAULT = 50
HSDS_PROFILE = "https://openreferral.readthedocs.io/en/3.0/"
"""No HSDS profile is used: the profile is HSDS 3.0 itself."""
SCHEMAS = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/"
SERVICE_ORDER = ("unit__municipality_id", "unit__name", "unit_id", "service_type")
"""Services in the units' order (kommun, name), each unit's in the order of their kinds: as the export lists them."""
UNSUPPORTED = {
    "postcode": "filtrering på postnummer stöds inte; filtrera på kommun i /api/v1/units?municipality=…",
    "proximity": "filtrering på avstånd stöds inte; avstånd till enheter räknas i /api/v1/coverage",
}

class _Utf8Json(JSONRenderer):
    """Compact UTF-8 JSON: Swedish text as itself, not as ``\\u00e5`` escapes."""

    json_dumps_params = {"ensure_ascii": False, "separators": (",", ":")}


hsds_api = NinjaAPI(
    title="fcatlas HSDS 3 API",
    version="3.0",
    description=(
        "Open Referral HSDS 3.0, read-only: the registry of Swedish family centres and similar services. A unit "
        "is an HSDS location, each service at it a service and a service_at_location, each principal an "
        "organization. The ids are those of the HSDS export (`/api/v1/units/export?format=hsds`). Units marked "
        "synthetic are demo data, not real family centres: their descriptions say so. Errors are in Swedish."
    ),
    urls_namespace="api-hsds",
    renderer=_Utf8Json(),
    docs_url=None,  # documented on the site's page /api/ (api/docs.py)
)


def _shown(value: str) -> str:
    if re.fullmatch(r"-?\d{1,20}", value):
        return value
    return f"”{value[:40]}{'…' if len(value) > 40 else ''}”"


def _number(value: int) -> str:
    return f"{value:,}".replace(",", " ")


def _integer_problem(name: str, value: str, low: int, high: int) -> str:
    if re.fullmatch(r"-?\d{1,20}", value):
        return f"{name} måste vara mellan {_number(low)} och {_number(high)}, inte {value}."
    return f"{name} måste vara ett heltal mellan {_number(low)} och {_number(high)}, inte {_shown(value)}."


def _moment_problem(value: str) -> str:
    plus = " (ett + i en adress skrivs %2B; oskrivet blir det ett mellanslag)" if " " in value else ""
    return ("modified_after måste vara en tidpunkt enligt ISO 8601, till exempel 2025-01-31T12:00:00+01:00 eller "
            f"2025-01-31 (svensk tid om ingen tidszon anges), inte {_shown(value)}{plus}.")


def problem(name: str, value: str) -> str:
    """What is wrong with a parameter's value, in Swedish."""
    if name == "page":
        return _integer_problem(name, value, 1, PAGE_MAX)
    if name == "per_page":
        return _integer_problem(name, value, 1, PER_PAGE_MAX)
    if name == "modified_after":
        return _moment_problem(value)
    if name in ("full", "full_service", "minimal", "top_only"):
        return f"{name} måste vara true eller false, inte {_shown(value)}."
    if name.endswith("_id"):
        return f"{name} måste vara ett HSDS-id (ett UUID, som id:na i svaren), inte {_shown(value)}."
    return f"Parametern {name} har ett ogiltigt värde: {_shown(value)}."


@hsds_api.exception_handler(ValidationError)
def _refused_in_swedish(request, exc: ValidationError):
    names = [str(error["loc"][-1]) for error in exc.errors if error.get("loc")]
    problems = dict.fromkeys(problem(name, request.GET.get(name, "")) for name in names)
    return hsds_api.create_response(request, {"detail": " ".join(problems) or "Ogiltig fråga."}, status=422)


# What the answers are, for the OpenAPI document: the HSDS schemas themselves.

PAGE = {"type": "object", "properties": {
    "total_items": {"type": "integer"}, "total_pages": {"type": "integer"}, "page_number": {"type": "integer"},
    "size": {"type": "integer"}, "first_page": {"type": "boolean"}, "last_page": {"type": "boolean"},
    "empty": {"type": "boolean"}}}
ERROR = {"type": "object", "properties": {"detail": {"type": "string"}}, "required": ["detail"]}


def _answers(schema: str, *, page: bool = False, parameters: bool = True) -> dict:
    """The operation's answers as the HSDS OpenAPI document gives them: the HSDS schema, in a page for lists."""
    answer = {"$ref": SCHEMAS + schema}
    if page:
        answer = {"allOf": [PAGE], "properties": {"contents": {"type": "array", "items": answer}}}
    error = {"content": {"application/json": {"schema": ERROR}}}
    responses = {200: {"description": "OK", "content": {"application/json": {"schema": answer}}}}
    if parameters:
        responses[422] = {"description": "En parameter är ogiltig (detail säger vilken, på svenska)"} | error
    if not page:
        responses[404] = {"description": "Inget objekt har det id:t"} | error
    return {"responses": responses}


# Parameters.

class Paging(Schema):
    page: int = Field(1, ge=1, le=PAGE_MAX, description="Sidnummer, från 1.")
    per_page: int = Field(PER_PAGE_DEFAULT, ge=1, le=PER_PAGE_MAX,
                          description=f"Antal per sida, 1–{PER_PAGE_MAX} (standard {PER_PAGE_DEFAULT}).")
    format: str = Field("json", description="Bara `json` (sidor). Allt på en gång: HSDS-datapaketet "
                                            "/api/v1/units/export?format=hsds (NDJSON per tabell).")
    search: str | None = Field(None, description="Fritext: varje ord ska finnas i namnet (eller, för tjänster, "
                                                 "i enhetens namn, adress, ort, kommun, utförare eller verksamhet).")


class ServiceFilters(Paging):
    taxonomy_term_id: UUID | None = Field(None, description="Tjänster med termen: en verksamhet, en "
                                                            "klassificering eller ett arbetssätt vid enheten.")
    taxonomy_id: UUID | None = Field(None, description="Tjänster med någon term ur taxonomin.")
    organization_id: UUID | None = Field(None, description="Tjänster som organisationen är huvudman för.")
    modified_after: datetime | None = Field(None, description="Tjänster vid enheter ändrade vid eller efter "
                                                              "tidpunkten (ISO 8601; utan tidszon: svensk tid).")
    full: bool = Field(False, description="Hela tjänsten med organisation, termer och plats (som `/services/{id}`).")


class ServiceListFilters(ServiceFilters):
    minimal: bool = Field(False, description="Stöds inte (`minimal=true` avvisas): listan har alltid tjänsternas "
                                             "egna fält.")


class OrganisationFilters(Paging):
    full: bool = Field(False, description="Med organisationens tjänster.")
    full_service: bool = Field(False, description="Med organisationens tjänster helt utskrivna.")


class OrganisationOptions(Schema):
    full_service: bool = Field(False, description="Tjänsterna helt utskrivna (annars deras egna fält).")


class TermFilters(Paging):
    taxonomy_id: UUID | None = Field(None, description="Bara termer ur taxonomin.")
    top_only: bool = Field(False, description="Bara termer utan överordnad term.")
    parent_id: UUID | None = Field(None, description="Bara termer under den överordnade termen.")


def _refuse_the_unsupported(request, filters: Paging) -> None:
    if filters.format != "json":
        raise HttpError(422, f"format {_shown(filters.format)} stöds inte: svaren är sidor i JSON. Hela registret "
                             "som HSDS-datapaket (en NDJSON-fil per tabell): /api/v1/units/export?format=hsds.")
    if getattr(filters, "minimal", False):
        raise HttpError(422, "minimal=true stöds inte: listan ger tjänsternas egna fält; använd modified_after "
                             "för att hämta bara det som ändrats.")
    for name, why in UNSUPPORTED.items():
        if name in request.GET:
            raise HttpError(422, f"Parametern {name} stöds inte: {why}.")


def _moment(value: datetime) -> datetime:
    """A moment in UTC; one without a time zone is Swedish time."""
    try:
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        return value.astimezone(UTC)
    except (OverflowError, ValueError):
        raise HttpError(422, _moment_problem(value.isoformat())) from None


def _words(text: str | None) -> list[str]:
    return (text or "").split()[:10]


# Pages.

def _page(contents: list, total: int, paging: Paging) -> dict:
    pages = math.ceil(total / paging.per_page)
    return {"total_items": total, "total_pages": pages, "page_number": paging.page, "size": len(contents),
            "first_page": paging.page == 1, "last_page": paging.page >= pages, "empty": not contents,
            "contents": contents}


def _window(paging: Paging) -> slice:
    start = (paging.page - 1) * paging.per_page
    return slice(start, start + paging.per_page)


def _units(keys) -> dict:
    """The units of (unit, kind) keys, read in bulk, by number."""
    return {unit.pk: unit for unit in ExportUnits(Unit.objects.filter(pk__in={pk for pk, _ in keys}))}


def _factory() -> HsdsBuilder:
    """The export's builder, used to make single objects: it reads the working methods and nothing else."""
    return HsdsBuilder(Unit.objects.none())


class _Objects:
    """The HSDS objects of a set of (unit, service kind) keys, from one bulk read of their units."""

    def __init__(self, builder: HsdsBuilder, keys):
        self.builder, self.units, self.locations = builder, _units(keys), {}

    def present(self, keys) -> list[tuple[int, str]]:
        """The keys whose unit and service are still there (a unit removed since its key was read is left out)."""
        return [(pk, kind) for pk, kind in keys if pk in self.units and kind in self.units[pk].record["services"]]

    def location(self, pk: int) -> dict:
        if pk not in self.locations:
            self.locations[pk] = self.builder.location(self.units[pk])
        return self.locations[pk]

    def service(self, key, *, full: bool) -> dict:
        pk, kind = key
        service = self.builder.service(self.units[pk], kind)
        if not full:
            return self.builder.service_summary(service)
        return self.builder.full_service(service, self.builder.link(self.units[pk], kind), self.location(pk))

    def link(self, key, *, full: bool) -> dict:
        pk, kind = key
        unit = self.units[pk]
        made = self.builder.full_link if full else self.builder.link_summary
        return made(self.builder.link(unit, kind), self.builder.service(unit, kind), self.location(pk))


def _searched(words: list[str]) -> Q:
    """Services whose unit (name, address, locality, kommun), provider or kind has every word."""
    wanted = Q()
    for word in words:
        kinds = [kind for kind, label in ServiceType.choices if word.casefold() in label.casefold()]
        wanted &= (Q(unit__in=filter_units(q=word).values("pk")) | Q(provider_name__icontains=word)
                   | Q(service_type__in=kinds))
    return wanted


def _with_term(builder: HsdsBuilder, term_id: str) -> Q:
    term = {term["id"]: term for term in builder.all_terms()}.get(term_id)
    if term is None:
        return Q(pk__in=[])
    if term["taxonomy"] == "service_types":
        return Q(service_type=term["code"])
    if term["taxonomy"] == "classification":
        return Q(unit__classification=term["code"])
    return Q(unit__in=Unit.objects.filter(working_methods__code=term["code"]).values("pk"))


def _with_taxonomy(wanted: str) -> Q:
    taxonomy = {taxonomy_id(name): name for name in TAXONOMIES}.get(wanted)
    if taxonomy is None:
        return Q(pk__in=[])
    if taxonomy == "working_methods":
        return Q(unit__in=Unit.objects.filter(working_methods__isnull=False).values("pk"))
    return Q()  # every service has its kind, every unit its classification


def organisation_services(builder: HsdsBuilder) -> dict[str, list[tuple[int, str]]]:
    """{organisation id: its services' (unit, kind)}, in the services' order: one query, no unit records; the
    builder keeps each organisation's object."""
    services = defaultdict(list)
    for unit_pk, kind, *provider in UnitService.objects.order_by(*SERVICE_ORDER).values_list(
            "unit_id", "service_type", *PROVIDER_VALUES):
        services[builder.organisation(Provider(*provider))["id"]].append((unit_pk, kind))
    return services


def _matching(builder: HsdsBuilder, filters: ServiceFilters) -> tuple[int, list[tuple[int, str]]]:
    """How many services match the filters, and the (unit, kind) of those on the page asked for."""
    services = UnitService.objects.all()
    if filters.modified_after is not None:
        services = services.filter(unit__updated_at__gte=_moment(filters.modified_after))
    if words := _words(filters.search):
        services = services.filter(_searched(words))
    if filters.taxonomy_term_id is not None:
        services = services.filter(_with_term(builder, str(filters.taxonomy_term_id)))
    if filters.taxonomy_id is not None:
        services = services.filter(_with_taxonomy(str(filters.taxonomy_id)))
    keys = services.order_by(*SERVICE_ORDER).values_list("unit_id", "service_type")
    if filters.organization_id is None:
        return keys.count(), list(keys[_window(filters)])
    theirs = set(organisation_services(builder).get(str(filters.organization_id), ()))
    found = [key for key in keys if key in theirs]
    return len(found), found[_window(filters)]


def _find(make_id, wanted: str) -> tuple[int, str] | None:
    """The (unit, kind) whose id ``make_id`` makes is ``wanted``, or None."""
    try:
        wanted = str(UUID(wanted))
    except ValueError:
        return None
    return next((key for key in UnitService.objects.values_list("unit_id", "service_type").iterator(2000)
                 if make_id(*key) == wanted), None)


def _not_found(what: str, wanted: str) -> HttpError:
    return HttpError(404, f"Det finns ingen {what} med id {_shown(wanted)}.")


def _one_service(make_id, wanted: str, what: str) -> dict:
    """The fully nested service whose own id (or its service-at-location's) is ``wanted``."""
    keys = [key] if (key := _find(make_id, wanted)) else []
    objects = _Objects(_factory(), keys)
    if not objects.present(keys):
        raise _not_found(what, wanted)
    return objects.service(key, full=True)


# Endpoints.

@hsds_api.get("/", summary="Om API:t: HSDS-version, profil och OpenAPI-dokument",
              openapi_extra={"responses": {200: {"description": "OK", "content": {"application/json": {
                  "schema": {"type": "object", "properties": {
                      "version": {"type": "string"}, "profile": {"type": "string", "format": "uri"},
                      "openapi_url": {"type": "string", "format": "uri"}}}}}}}})
def api_info(request):
    return about(Unit.objects.all()) | {"profile": HSDS_PROFILE}


@hsds_api.get("/services", summary="Tjänster, en sida i taget", openapi_extra=_answers("compiled/service_list.json",
                                                                                       page=True))
def list_services(request, filters: Query[ServiceListFilters]):
    _refuse_the_unsupported(request, filters)
    builder = _factory()
    total, keys = _matching(builder, filters)
    objects = _Objects(builder, keys)
    return _page([objects.service(key, full=filters.full) for key in objects.present(keys)], total, filters)


@hsds_api.get("/services/{id}", summary="En tjänst med organisation, termer och plats",
              openapi_extra=_answers("compiled/service.json", parameters=False))
def get_service(request, id: str):
    return _one_service(service_id, id, "tjänst (service)")


@hsds_api.get("/service_at_locations", summary="Tjänster på platser, en sida i taget",
              openapi_extra=_answers("compiled/service_at_location_list.json", page=True))
def list_service_at_locations(request, filters: Query[ServiceFilters]):
    _refuse_the_unsupported(request, filters)
    builder = _factory()
    total, keys = _matching(builder, filters)
    objects = _Objects(builder, keys)
    return _page([objects.link(key, full=filters.full) for key in objects.present(keys)], total, filters)


@hsds_api.get("/service_at_locations/{id}", summary="Tjänsten på platsen: tjänsten helt utskriven med just den "
                                                    "platsen (som HSDS OpenAPI anger: service.json)",
              openapi_extra=_answers("compiled/service.json", parameters=False))
def get_service_at_location(request, id: str):
    return _one_service(link_id, id, "tjänst på plats (service_at_location)")


def _organisations_page(builder: HsdsBuilder, services: dict, chosen: list[dict], *, full: bool,
                        full_service: bool) -> list[dict]:
    """The organisations, nested with their services (without the organisation again inside each) if asked."""
    if not (full or full_service):
        return [one_to_one(organisation) for organisation in chosen]
    objects = _Objects(builder, [key for organisation in chosen for key in services[organisation["id"]]])

    def service(key) -> dict:
        return {k: v for k, v in objects.service(key, full=full_service).items() if k != "organization"}

    return [organisation | {"services": [service(key) for key in objects.present(services[organisation["id"]])]}
            for organisation in chosen]


@hsds_api.get("/organizations", summary="Organisationer (huvudmän och utförare), en sida i taget",
              openapi_extra=_answers("compiled/organization_list.json", page=True))
def list_organizations(request, filters: Query[OrganisationFilters]):
    _refuse_the_unsupported(request, filters)
    builder = _factory()
    services = organisation_services(builder)
    words = [word.casefold() for word in _words(filters.search)]
    organisations = [organisation for organisation in builder.organizations()
                     if all(word in organisation["name"].casefold() for word in words)]
    chosen = organisations[_window(filters)]
    return _page(_organisations_page(builder, services, chosen, full=filters.full,
                                     full_service=filters.full_service), len(organisations), filters)


@hsds_api.get("/organizations/{id}", summary="En organisation med sina tjänster",
              openapi_extra=_answers("compiled/organization.json"))
def get_organization(request, id: str, options: Query[OrganisationOptions]):
    builder = _factory()
    services = organisation_services(builder)
    try:
        wanted = str(UUID(id))
    except ValueError:
        wanted = ""
    if wanted not in builder.organisations:
        raise _not_found("organisation", id)
    return _organisations_page(builder, services, [builder.organisations[wanted]], full=True,
                               full_service=options.full_service)[0]


def _matches(item: dict, words: list[str]) -> bool:
    text = f"{item['name']} {item.get('code', '')} {item['description']}".casefold()
    return all(word.casefold() in text for word in words)


@hsds_api.get("/taxonomies", summary="Taxonomierna: verksamheter, klassificering och arbetssätt",
              openapi_extra=_answers("taxonomy.json", page=True))
def list_taxonomies(request, filters: Query[Paging]):
    _refuse_the_unsupported(request, filters)
    found = [t for t in HsdsBuilder.taxonomies() if _matches(t, _words(filters.search))]
    return _page(found[_window(filters)], len(found), filters)


@hsds_api.get("/taxonomies/{id}", summary="En taxonomi", openapi_extra=_answers("taxonomy.json", parameters=False))
def get_taxonomy(request, id: str):
    found = next((t for t in HsdsBuilder.taxonomies() if t["id"] == id.lower()), None)
    if found is None:
        raise _not_found("taxonomi", id)
    return found


@hsds_api.get("/taxonomy_terms", summary="Termerna i taxonomierna",
              openapi_extra=_answers("taxonomy_term.json", page=True))
def list_taxonomy_terms(request, filters: Query[TermFilters]):
    _refuse_the_unsupported(request, filters)
    terms = [t for t in _factory().all_terms() if _matches(t, _words(filters.search))
             and (filters.taxonomy_id is None or t["taxonomy_id"] == str(filters.taxonomy_id))
             and (not filters.top_only or "parent_id" not in t)
             and (filters.parent_id is None or t.get("parent_id") == str(filters.parent_id))]
    return _page(terms[_window(filters)], len(terms), filters)


@hsds_api.get("/taxonomy_terms/{id}", summary="En term", openapi_extra=_answers("taxonomy_term.json", parameters=False))
def get_taxonomy_term(request, id: str):
    builder = _factory()
    builder.all_terms()
    found = builder.terms_by_id.get(id.lower())
    if found is None:
        raise _not_found("term", id)
    return found
