"""The planning pages: a what-if scenario map, the optimiser's proposal and the priority list per kommun.

Views only read the request, call ``services`` and render; every figure comes from ``fcatlas.planning.services``.
"""

from datetime import date
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from fcatlas.accounts.models import Role
from fcatlas.accounts.permissions import can_edit_any, role_of
from fcatlas.formatting import format_distance
from fcatlas.analysis.police import LIST_YEARS
from fcatlas.analysis.priority import COMPONENT_LABELS, COMPONENTS, PriorityWeights
from fcatlas.planning.context import chosen_radius, chosen_year
from fcatlas.reference.models import Municipality, Region
from fcatlas.registry.models import Unit
from fcatlas.registry.queries import filter_units

from . import services
from .inputs import SERVING_STATUSES, demand_source

FALLBACK_REGION = "01"
MAX_PRIORITY_ROWS = 300


def planner_required(view):
    """Logged in (else the login page) and allowed to plan: national administrator, regional or municipal
    coordinator (else 403)."""
    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not can_edit_any(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)
    return wrapped


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
    return render(request, "planning/proposal.html", common | {
        "region": region, "count_text": count_text, "exact": exact, "result": result, "error": error,
        "max_new_sites": services.MAX_NEW_SITES,
        "scenario_query": "&".join(f"add={site['longitude']:.5f},{site['latitude']:.5f}"
                                   for site in result["sites"]) if result else "",
    })


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
    shown = result["rows"][:MAX_PRIORITY_ROWS] if result else []
    weight_rows = [{"name": name, "label": COMPONENT_LABELS[name], "points": getattr(weights, name),
                    "default": getattr(PriorityWeights(), name)} for name in COMPONENTS]
    return render(request, "planning/priority.html", common | {
        "region": region, "error": error, "result": result, "rows": shown, "weights": weight_rows,
        "level": level, "component_labels": COMPONENT_LABELS,
        "row_count": len(result["rows"]) if result else 0,
    })
