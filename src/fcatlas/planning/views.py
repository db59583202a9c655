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
from fcatlas.planning.context import chosen_radius
from fcatlas.reference.models import Municipality, Region
from fcatlas.registry.models import Unit
from fcatlas.registry.queries import filter_units

from . import services
from .inputs import SERVING_STATUSES, current_demand, is_modelled

FALLBACK_REGION = "01"
WEIGHT_LABELS = {
    "uncovered_child": "per barn 0–5 år som bor längre bort än radien från en familjecentral",
    "especially_vulnerable_area": "per befolkningspunkt i ett särskilt utsatt område",
    "risk_area": "per befolkningspunkt i ett riskområde",
    "vulnerable_area": "per befolkningspunkt i ett utsatt område",
    "area_type_1": "per befolkningspunkt i SCB:s områdestyp 1 (stora socioekonomiska utmaningar)",
    "area_type_2": "per befolkningspunkt i SCB:s områdestyp 2 (socioekonomiska utmaningar)",
    "no_existing_units": "en gång, om kommunen saknar familjecentral och familjecentralsliknande verksamhet",
}


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


def _common(radius_m) -> dict:
    return {"regions": Region.objects.all(), "radius_choices": _radius_choices(), "radius": radius_m,
            "radius_label": format_distance(radius_m), "today": date.today().isoformat(),
            "any_synthetic": Unit.objects.filter(synthetic=True).exists()}


@planner_required
def scenario_page(request):
    region, region_error = _region(request, _home_region(request.user))
    radius_m = chosen_radius(request)
    units = filter_units(region=region.code).order_by("municipality__name", "name")
    rows = [{"unit": unit, "closable": unit.latitude is not None and unit.status in SERVING_STATUSES
             and unit.classification in services.COUNTING_CLASSES} for unit in units]
    names = {"regions": dict(Region.objects.values_list("code", "name")),
             "municipalities": dict(Municipality.objects.values_list("code", "name"))}
    return render(request, "planning/scenario.html", _common(radius_m) | {
        "region": region, "region_error": region_error, "unit_rows": rows, "names": names,
        "unit_count": len(rows), "modelled": is_modelled(current_demand()),
    })


@planner_required
def proposal_page(request):
    submitted = "region" in request.GET
    region, error = _region(request, _home_region(request.user))
    radius_m = chosen_radius(request)
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
                result = services.propose_sites(region=region.code, new_sites=count, radius_m=radius_m, exact=exact)
            except services.PlanningError as planning_error:
                error = str(planning_error)
    return render(request, "planning/proposal.html", _common(radius_m) | {
        "region": region, "count_text": count_text, "exact": exact, "result": result, "error": error,
        "max_new_sites": services.MAX_NEW_SITES,
        "scenario_query": "&".join(f"add={site['longitude']:.5f},{site['latitude']:.5f}"
                                   for site in result["sites"]) if result else "",
    })


def priority_page(request):
    region, error = _region(request, None)
    radius_m = chosen_radius(request)
    result = None
    try:
        result = services.priority_list(radius_m=radius_m, region=region.code if region else None)
    except services.PlanningError as planning_error:
        error = str(planning_error)
    weights = [{"name": name, "points": points, "label": WEIGHT_LABELS.get(name, name)}
               for name, points in (result["weights"].items() if result else [])]
    return render(request, "planning/priority.html", _common(radius_m) | {
        "region": region, "error": error, "result": result, "weights": weights,
    })
