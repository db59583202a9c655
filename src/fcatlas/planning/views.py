"""The planning pages: a what-if scenario map, the optimiser's proposal and the priority list per kommun.

Views only read the request, call ``services`` and render; every figure comes from ``fcatlas.planning.services``.
"""

from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from fcatlas.accounts.models import Role
from fcatlas.accounts.permissions import allowed_if, can_edit_any, role_of
from fcatlas.formatting import format_distance
from fcatlas.analysis.police import LIST_YEARS
from fcatlas.analysis.priority import COMPONENT_LABELS, COMPONENTS, PriorityWeights
from fcatlas.planning.context import chosen_radius, chosen_year
from fcatlas.reference.models import Municipality, Region
from fcatlas.registry.models import Unit
from fcatlas.registry.queries import filter_units
from fcatlas.support.permissions import can_record_activities

from . import services
from .downloads import requested_format, table_response
from .models import SavedScenario
from .scenarios import before_and_after, save_scenario
from .support import support_had
from .inputs import SERVING_STATUSES, demand_source

FALLBACK_REGION = "01"
MAX_PRIORITY_ROWS = 300


planner_required = allowed_if(can_edit_any)
"""Logged in and allowed to plan: national administrator, regional or municipal coordinator."""


def _radius_choices():
    return [(radius, format_distance(radius)) for radius in services.RADIUS_CHOICES_M]



def _home_region(user) -> str:
    role = role_of(user)
    if role == Role.REGIONAL_COORDINATOR:
        return user.membership.region_id
    if role == Role.MUNICIPAL_COORDINATOR:
        return user.membership.municipality_id[:2]
    return FALLBACK_REGION


def _region(request, default: str | None) -> tuple[Region | None, str | None]:
    """The region of ``?region=`` (or ``default``) and, for an unknown code, a Swedish error."""
    code = request.GET.get("region", default) or default
    if not code:
        return None, None
    found = Region.objects.filter(code=code).first()
    if found is None:
        return (Region.objects.filter(code=default).first() if default else None,
                f"Det finns ingen region med kod ”{code}”. Välj en region i listan.")
    return found, None


def _common(request) -> dict:
    radius_m = chosen_radius(request)
    return {"regions": Region.objects.all(), "radius_choices": _radius_choices(), "radius": radius_m,
            "radius_label": format_distance(radius_m), "year": chosen_year(request), "years": LIST_YEARS,
            "today": date.today().isoformat(), "source": demand_source(),
            "any_synthetic": Unit.objects.filter(synthetic=True).exists()}


@planner_required
def scenario_page(request):
    region, region_error = _region(request, _home_region(request.user))
    units = filter_units(region=region.code).order_by("municipality__name", "name")
    rows = [{"unit": unit, "closable": unit.latitude is not None and unit.status in SERVING_STATUSES
             and unit.classification in services.COUNTING_CLASSES} for unit in units]
    names = {"regions": dict(Region.objects.values_list("code", "name")),
             "municipalities": dict(Municipality.objects.values_list("code", "name"))}
    return render(request, "planning/scenario.html", _common(request) | {
        "region": region, "region_error": region_error, "unit_rows": rows, "names": names, "unit_count": len(rows),
    })


@planner_required
def proposal_page(request):
    submitted = "region" in request.GET
    region, error = _region(request, _home_region(request.user))
    common = _common(request)
    count_text = request.GET.get("antal", "3").strip()
    exact = request.GET.get("exakt") == "1"
    result = None
    if submitted and error is None:
        try:
            count = int(count_text)
        except ValueError:
            error = f"Skriv antalet nya enheter som ett heltal mellan 1 och {services.MAX_NEW_SITES}, inte ”{count_text}”."
        else:
            try:
                result = services.propose_sites(region=region.code, new_sites=count, radius_m=common["radius"],
                                                exact=exact, year=common["year"])
            except services.PlanningError as planning_error:
                error = str(planning_error)
    file_format = requested_format(request, geometry=True)
    if file_format and result:
        return table_response(
            file_format, name=f"forslag-{region.code}", title=f"Förslag på nya enheter i {result['region_name']}",
            source=result["source"], headers=PROPOSAL_HEADERS, rows=[
                [number, site["site_id"], site["small_area_name"], site["municipality_name"], site["children_newly_reached"],
                 site["latitude"], site["longitude"]] for number, site in enumerate(result["sites"], start=1)],
            features=[{"type": "Feature", "geometry": {"type": "Point", "coordinates": [site["longitude"], site["latitude"]]},
                       "properties": {"number": number, **site}} for number, site in enumerate(result["sites"], start=1)],
            extra=[("Radie", common["radius_label"]), ("Polisens lista", str(common["year"])),
                   ("Metod", "exakt (HiGHS)" if exact else "snabb (girig med byten)")])
    return render(request, "planning/proposal.html", common | {
        "region": region, "count_text": count_text, "exact": exact, "result": result, "error": error,
        "max_new_sites": services.MAX_NEW_SITES,
        "scenario_query": "&".join(f"add={site['longitude']:.5f},{site['latitude']:.5f}"
                                   for site in result["sites"]) if result else "",
    })


PROPOSAL_HEADERS = ("Nummer", "RegSO-kod", "Område", "Kommun", "Barn 0–5 år som nås", "Latitud (WGS 84)",
                    "Longitud (WGS 84)")
PRIORITY_HEADERS = ("Rang", "Område eller kommun", "Kommunkod", "Kommun", "Poäng", "Barn 0–5 år", "Utom räckhåll",
                    "Andel utom räckhåll", "I områdestyp 1–2", "I Polisens områden", "Enheter", "Förklaring")


def _priority_download(file_format: str, result: dict, level: str, region, common: dict):
    rows = result["rows"]
    features = None
    if file_format == "geojson":
        codes = [row["small_area_code"] for row in rows] if level == "area" else [row["municipality_code"] for row in rows]
        shapes = services.area_shapes(codes) if level == "area" else dict(
            Municipality.objects.filter(code__in=codes).values_list("code", "geometry"))
        features = [{"type": "Feature", "id": code, "geometry": shapes.get(code), "properties": row}
                    for code, row in zip(codes, rows)]
    return table_response(
        file_format, name=f"prioritering-{'omraden' if level == 'area' else 'kommuner'}",
        title=f"Prioritering av {'statistikområden' if level == 'area' else 'kommuner'}"
              + (f" i {region.name}" if region else ""),
        source=result["source"], headers=PRIORITY_HEADERS, rows=[
            [row["rank"], row.get("name") or row.get("municipality_name"), row["municipality_code"],
             row.get("municipality_name"), row["priority"], row["children_0_5"], row["uncovered_children_0_5"],
             row["uncovered_share"], row["challenged_uncovered_children_0_5"], row["police_uncovered_children_0_5"],
             row["existing_units"], row["explanation"]] for row in rows],
        features=features, extra=[("Radie", common["radius_label"]), ("Polisens lista", str(common["year"]))]
        + [(f"Vikt: {COMPONENT_LABELS[name]}", f"{points:g}") for name, points in result["weights"].items()])


def _weights(request) -> tuple[PriorityWeights, str | None]:
    """The weights of ``?vikt_<component>=…`` (defaults for the others), or the defaults and a Swedish error."""
    given = {}
    for name in COMPONENTS:
        text = request.GET.get(f"vikt_{name}", "").strip().replace(",", ".")
        if not text:
            continue
        try:
            given[name] = float(text)
            PriorityWeights(**{name: given[name]})
        except ValueError:
            return PriorityWeights(), (f"Vikten för ”{COMPONENT_LABELS[name]}” ska vara ett tal från 0 och uppåt, "
                                       f"inte ”{request.GET[f'vikt_{name}']}”.")
    return PriorityWeights(**given), None


def priority_page(request):
    return _priority_response(request, "planning-priority")


def _priority_response(request, page: str, support=None):
    """The priority list; for the support programme's "where next" page (``page`` "support-priority"),
    with the support each row has already had beside it."""
    region, error = _region(request, None)
    common = _common(request)
    level = "area" if request.GET.get("niva") == "omrade" else "municipality"
    weights, weight_error = _weights(request)
    error = error or weight_error
    result = None
    try:
        result = services.priority_list(radius_m=common["radius"], region=region.code if region else None,
                                        year=common["year"], weights=weights, level=level)
    except services.PlanningError as planning_error:
        error = str(planning_error)
    file_format = requested_format(request, geometry=True)
    if file_format and result:
        return _priority_download(file_format, result, level, region, common)
    shown = result["rows"][:MAX_PRIORITY_ROWS] if result else []
    if support is not None:
        by_municipality, by_area = support
        for row in shown:
            row["support"] = (by_area.get(row["small_area_code"]) if level == "area"
                              else by_municipality.get(row["municipality_code"]))
    weight_rows = [{"name": name, "label": COMPONENT_LABELS[name], "points": getattr(weights, name),
                    "default": getattr(PriorityWeights(), name)} for name in COMPONENTS]
    return render(request, "planning/priority.html", common | {
        "region": region, "error": error, "result": result, "rows": shown, "weights": weight_rows,
        "level": level, "component_labels": COMPONENT_LABELS, "page": page, "support_view": support is not None,
        "row_count": len(result["rows"]) if result else 0,
    })


@allowed_if(can_record_activities)
def support_priority_page(request):
    """Where support is needed most: the priority list with the support already given (support staff)."""
    return _priority_response(request, "support-priority", support=support_had(chosen_year(request)))


SCENARIO_HEADERS = ("Del", "Kod", "Namn", "Barn 0–5 år", "Inom radien före", "Inom radien efter", "Förändring",
                    "Andel före", "Andel efter")


@planner_required
def scenario_save(request):
    if request.method != "POST":
        return redirect("planning-saved-scenarios")
    values = {key: request.POST.get(key, "") for key in ("name", "description", "query")}
    try:
        saved = save_scenario(name=values["name"], description=values["description"], query=values["query"],
                              user=request.user)
    except services.PlanningError as error:
        return render(request, "planning/scenario_save.html", {"values": values, "error": str(error)}, status=422)
    messages.success(request, f"Scenariot ”{saved.name}” är sparat. Dela adressen till sidan med andra samordnare.")
    return redirect(saved)


@planner_required
def saved_scenarios(request):
    return render(request, "planning/saved_scenarios.html", {
        "scenarios": SavedScenario.objects.select_related("region", "created_by")})


def _scenario_rows(delta: dict, names: dict) -> list[list]:
    parts = [("Hela landet", [delta["national"]], {}), ("Region", delta["region"], names["regions"]),
             ("Kommun", delta["municipality"], names["municipalities"])]
    rows = [[part, row["code"], place_names.get(row["code"], "Sverige" if row["code"] == "SE" else row["code"]),
             row["children_0_5"], row["children_covered_before"], row["children_covered_after"],
             row["children_covered_change"], row["share_covered_before"], row["share_covered_after"]]
            for part, found, place_names in parts for row in found]
    rows += [["Polisens områden", row["code"], row["label"], row["children_0_5"], row["children_covered_before"],
              row["children_covered_after"], row["children_covered_change"], row["share_covered_before"],
              row["share_covered_after"]] for row in delta["vulnerability"]]
    return rows


@planner_required
def saved_scenario(request, pk):
    saved = get_object_or_404(SavedScenario.objects.select_related("region", "created_by"), pk=pk)
    error, delta, rows = None, None, []
    try:
        delta = before_and_after(saved)
    except services.PlanningError as planning_error:  # a closed unit may since have left the registry
        error = str(planning_error)
    names = {"regions": dict(Region.objects.values_list("code", "name")),
             "municipalities": dict(Municipality.objects.values_list("code", "name"))}
    if delta:
        rows = _scenario_rows(delta, names)
    file_format = requested_format(request, geometry=True)
    if file_format and delta:
        closed = Unit.objects.filter(pk__in=saved.closures)
        features = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
                     "properties": {"change": "tänkt ny enhet", "number": number}}
                    for number, (lon, lat) in enumerate(saved.additions, start=1)]
        features += [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [unit.longitude, unit.latitude]},
                      "properties": {"change": "stängs", "unit": unit.pk, "name": unit.name}} for unit in closed]
        return table_response(
            file_format, name=f"scenario-{saved.pk}", title=f"Scenario: {saved.name}", source=delta["source"],
            headers=SCENARIO_HEADERS, rows=rows, features=features,
            extra=[("Region", saved.region.name), ("Radie", format_distance(saved.radius_m)),
                   ("Polisens lista", str(saved.police_year)),
                   ("Tänkta enheter", "; ".join(f"{lat:.5f}, {lon:.5f}" for lon, lat in saved.additions) or "–"),
                   ("Stängda enheter", ", ".join(str(pk) for pk in saved.closures) or "–")])
    return render(request, "planning/saved_scenario.html", {
        "saved": saved, "delta": delta, "rows": rows, "error": error,
        "closed": Unit.objects.filter(pk__in=saved.closures).select_related("municipality"),
        "radius_label": format_distance(saved.radius_m),
        "can_remove": request.user == saved.created_by or role_of(request.user) == Role.NATIONAL_ADMINISTRATOR,
        "any_synthetic": Unit.objects.filter(synthetic=True).exists(),
    })


@planner_required
@require_POST
def saved_scenario_remove(request, pk):
    saved = get_object_or_404(SavedScenario, pk=pk)
    if request.user != saved.created_by and role_of(request.user) != Role.NATIONAL_ADMINISTRATOR:
        raise PermissionDenied
    name = saved.name
    saved.delete()
    messages.success(request, f"Scenariot ”{name}” är borttaget.")
    return redirect("planning-saved-scenarios")
