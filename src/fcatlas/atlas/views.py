"""The atlas pages: the start page, a page per region and kommun with coverage on SCB's small areas, and
"Hitta familjecentral" for families.

Views gather and render; the figures come from ``fcatlas.planning`` and the registry's summaries.
"""

from itertools import groupby

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from fcatlas.formatting import format_distance, swedish_key
from fcatlas.planning.answers import data_versions
from fcatlas.planning.context import coverage_context
from fcatlas.planning.downloads import requested_format, table_response
from fcatlas.planning.services import small_area_table, small_areas_geojson
from fcatlas.reference import queries
from fcatlas.reference.models import Municipality, Region
from fcatlas.registry.models import Unit
from fcatlas.registry.pages import page_once_per_version
from fcatlas.registry.queries import unit_feature
from fcatlas.registry.summaries import classification_counts

from . import families


def _page(request, content_template: str, context, **options):
    """An atlas page whose content is rendered once per version of the registry, reference data and demand layer."""
    return page_once_per_version(request, content_template, context, versions=data_versions(), **options)


def start(request):
    def context() -> dict:
        coverage = coverage_context(request, compare="region")
        return coverage | {
            "areas": queries.vulnerable_areas(year=coverage["year"]).defer("geometry"),
            "units": classification_counts(Unit.objects.all()),
            "municipalities_with_units": Unit.objects.values("municipality").distinct().count(),
        }

    return _page(request, "atlas/_start.html", context)


COMPARISON_HEADERS = ("Kod", "Namn", "Enheter", "Barn 0–5 år", "Enheter per 10 000 barn", "Andel barn inom radien",
                      "Andel inom radien, områdestyp 1–2", "Andel inom radien, Polisens områden")
SMALL_AREA_HEADERS = ("RegSO-kod", "Område (RegSO)", "Kommunkod", "Barn 0–5 år", "Längre bort än radien",
                      "Andel längre bort", "Områdestyp (SCB)", "Polisens kategori", "Andel med utländsk bakgrund")


def _comparison_download(request, context: dict, name: str, title: str):
    """The comparison table of a page as a file (``?format=csv|xlsx|geojson``)."""
    file_format = requested_format(request, geometry=True)
    table = context["comparison"]
    model = Region if table["level"] == "region" else Municipality
    shapes = dict(model.objects.filter(code__in=[row["code"] for row in table["rows"]]).values_list(
        "code", "geometry")) if file_format == "geojson" else {}
    return table_response(
        file_format, name=name, title=title, source=table["source"]["note"], headers=COMPARISON_HEADERS,
        rows=[[row["code"], row["name"], row["units"], row["children"], row["units_per_10000"], row["share_covered"],
               row["share_covered_challenged"], row["share_covered_police"]] for row in table["rows"]],
        features=[{"type": "Feature", "id": row["code"], "geometry": shapes.get(row["code"]),
                   "properties": {key: value for key, value in row.items() if key != "url"}} for row in table["rows"]],
        extra=[("Radie", format_distance(table["radius_m"])), ("Polisens lista", str(table["year"]))])


def region_list(request):
    if requested_format(request, geometry=True):
        return _comparison_download(request, coverage_context(request, compare="region"), "regioner",
                                    "Regionerna jämförda")
    return _page(request, "atlas/_region_list.html",
                                 lambda: coverage_context(request, compare="region"), title="Regioner")


def region_detail(request, code):
    region = get_object_or_404(Region.objects.defer("geometry"), code=code)
    if requested_format(request, geometry=True):
        return _comparison_download(request, coverage_context(request, region=region.code, compare="municipality"),
                                    f"kommuner-{region.code}", f"Kommunerna i {region.name} jämförda")

    def context() -> dict:
        return coverage_context(request, region=region.code, compare="municipality") | {
            "region": region,
            "municipality_count": region.municipalities.count(),
            "areas_by_year": _by_year(queries.vulnerable_areas(region=region.code)),
            "units": classification_counts(Unit.objects.filter(municipality__region=region)),
        }

    return _page(request, "atlas/_region_detail.html", context, title=region.name)


def municipality_list(request):
    if requested_format(request, geometry=True):
        return _comparison_download(request, coverage_context(request, compare="municipality"), "kommuner",
                                    "Kommunerna jämförda")
    return _page(request, "atlas/_municipality_list.html",
                                 lambda: coverage_context(request, compare="municipality"), title="Kommuner")


def municipality_detail(request, code):
    municipality = get_object_or_404(Municipality.objects.select_related("region").defer(
        "geometry", "region__geometry"), code=code)
    file_format = requested_format(request, geometry=True)
    if file_format:
        return _small_area_download(file_format, municipality,
                                    coverage_context(request, municipality=municipality.code))

    def context() -> dict:
        coverage = coverage_context(request, municipality=municipality.code)
        return coverage | {
            "municipality": municipality,
            "areas_by_year": _by_year(queries.vulnerable_areas(municipality=municipality.code)),
            "units": classification_counts(municipality.units.all()),
            "unit_list": sorted(municipality.units.all(), key=lambda unit: swedish_key(unit.name)),
            "small_areas": small_area_table(municipality=municipality.code, radius_m=coverage["coverage"]["radius_m"],
                                            year=coverage["year"]),
        }

    return _page(request, "atlas/_municipality_detail.html", context, title=municipality.name)


def _small_area_download(file_format: str, municipality: Municipality, context: dict):
    radius_m, year = context["coverage"]["radius_m"], context["year"]
    table = small_area_table(municipality=municipality.code, radius_m=radius_m, year=year)
    features = small_areas_geojson(municipality=municipality.code, radius_m=radius_m, year=year)["features"] \
        if file_format == "geojson" else []
    by_code = {row["code"]: row for row in table["rows"]}
    return table_response(
        file_format, name=f"regso-{municipality.code}", title=f"Statistikområden i {municipality.name}",
        source=table["source"]["note"], headers=SMALL_AREA_HEADERS,
        rows=[[row["code"], row["name"], row["municipality_code"], row["children"], row["uncovered"],
               row["share_uncovered"], row["area_type_label"], row["police_category_label"],
               row["foreign_background_share"]] for row in table["rows"]],
        features=[feature | {"properties": by_code[feature["id"]]} for feature in features],
        extra=[("Radie", format_distance(radius_m)), ("Polisens lista", str(year))])


def _by_year(areas) -> list[tuple[int, list]]:
    return [(year, list(group)) for year, group in groupby(areas.order_by("-year", "name"), key=lambda a: a.year)]


def find_centre(request):
    """Hitta familjecentral: the nearest centres to a postcode, a place, an address or the visitor's position."""
    return _page(request, "atlas/_find_centre.html", lambda: _found_centres(request),
                                 title=_("Hitta familjecentral"), status_of=lambda found: found["status"],
                                 kept=lambda found: not found["geocoded"])


def _found_centres(request) -> dict:
    text = (request.GET.get("q") or "").strip()[:120]
    place, choices, error, geocoded = None, [], None, False
    if request.GET.get("lat") or request.GET.get("lon"):
        place = families.position(request.GET.get("lat"), request.GET.get("lon"), request.GET.get("plats", ""))
        if place is None:
            error = _("Positionen ligger inte i Sverige eller gick inte att läsa. Skriv ett postnummer eller en ort.")
    elif text:
        matches = families.place_index().find(text)
        if not matches:
            geocoded = bool(settings.GEOCODER_URL)  # its answer, or its failure, is not the registry's to keep
            try:
                matches = families.geocode_address(text)
            except families.GeocoderError as geocoder_error:
                error = str(geocoder_error)
        if matches:
            place, choices = matches[0], matches[1:]
        elif error is None:
            error = _("Vi hittade ingen plats som heter ”%(text)s”. Skriv ett postnummer (till exempel 413 19) eller "
                      "namnet på en ort eller stadsdel (till exempel Biskopsgården).") % {"text": text}
            if not settings.GEOCODER_URL:
                error += " " + _("Adresser går inte att söka på här.")
    count = 10 if request.GET.get("antal") == "10" else families.NEAREST
    found = families.nearest_centres(place, count=count) if place else []
    heading = ""
    if place is not None:
        name = place.name + (f", {place.detail}" if place.detail else "")
        # The place keeps its own direction inside an Arabic heading (postcodes, Swedish names).
        heading = _("Närmast dig") if place.name == families.YOUR_POSITION else mark_safe(
            conditional_escape(_("Närmast %(place)s")) % {"place": format_html("<bdi dir='ltr'>{}</bdi>", name)})
    return {
        "text": text, "place": place, "heading": heading, "choices": choices, "error": error, "found": found,
        "count": count, "attribution": families.POSTCODE_ATTRIBUTION, "geocoder": bool(settings.GEOCODER_URL),
        "registry_synthetic": Unit.objects.filter(synthetic=True).exists(),
        "region_code": found[0].unit.municipality.region_id if found else None,
        "unit_ids": ",".join(str(item.unit.pk) for item in found),
        "status": 404 if error and not place else 200, "geocoded": geocoded,
    }


def found_units_geojson(request):
    """The units a search found (``?enheter=1,2,3``), for the map beside the list."""
    numbers = [int(part) for part in (request.GET.get("enheter") or "").split(",")[:10] if part.isdigit()
               and len(part) < 12]
    units = Unit.objects.filter(pk__in=numbers, status__in=families.SERVING).select_related("municipality").defer(
        "municipality__geometry")
    return JsonResponse(queries.feature_collection(map(unit_feature, units)))


ACCESSIBILITY_ASSESSED_ON = "2026-12-01"
"""When the accessibility statement was last assessed (DIGG's structure asks for the date)."""


def about(request):
    return render(request, "atlas/info/about.html",
                  {"registry_synthetic": Unit.objects.filter(synthetic=True).exists()})


def help_page(request):
    return render(request, "atlas/info/help.html")


def contact(request):
    return render(request, "atlas/info/contact.html", {
        "contact_email": settings.CONTACT_EMAIL, "contact_is_example": settings.CONTACT_EMAIL.endswith(".example")})


def privacy(request):
    return render(request, "atlas/info/privacy.html")


def accessibility(request):
    return render(request, "atlas/info/accessibility.html", {"assessed_on": ACCESSIBILITY_ASSESSED_ON})
