from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render

from fcatlas.accounts.permissions import can_edit_any, can_edit_unit, editable_municipalities
from fcatlas.reference.models import Municipality, Region

from ..completeness import missing_answers
from ..editing import EditConflict, save_unit, unit_record
from ..forms import UnitForm
from ..models import Classification, ServiceType, Source, Status, Unit, WorkingMethod
from ..queries import filter_units

FILTERS = ("q", "municipality", "region", "classification", "status", "service", "method")


def unit_list(request):
    filters = {name: request.GET.get(name) or None for name in FILTERS}
    units = filter_units(**filters).order_by("municipality__name", "name")
    page = Paginator(units, 50).get_page(request.GET.get("sida"))
    query = urlencode({name: value for name, value in filters.items() if value})
    return render(request, "registry/unit_list.html", {
        "page": page, "filters": filters, "query": query,
        "any_synthetic": units.filter(synthetic=True).exists(),
        "regions": Region.objects.all(), "municipalities": Municipality.objects.all(),
        "classifications": Classification.choices, "statuses": Status.choices,
        "services": ServiceType.choices, "methods": WorkingMethod.objects.all(),
        "can_edit": can_edit_any(request.user),
    })


def unit_detail(request, pk):
    unit = get_object_or_404(Unit.objects.select_related("municipality__region"), pk=pk)
    return render(request, "registry/unit_detail.html", {
        "unit": unit,
        "services": unit.services.all(),
        "staffing": unit.staffing.all(),
        "methods": unit.working_methods.all(),
        "missing": missing_answers(unit_record(unit)),
        "changes": unit.changes.select_related("changed_by"),
        "can_edit": can_edit_unit(request.user, unit),
    })


@login_required
def unit_create(request):
    return _edit(request, None)


@login_required
def unit_edit(request, pk):
    unit = get_object_or_404(Unit, pk=pk)
    if not can_edit_unit(request.user, unit):
        raise PermissionDenied
    return _edit(request, unit)


def _edit(request, unit):
    if not can_edit_any(request.user):
        raise PermissionDenied
    allowed = editable_municipalities(request.user)
    conflict = None
    if request.method == "POST":
        form = UnitForm(request.POST, instance=unit or Unit(), allowed_municipalities=allowed)
        if form.is_valid():
            try:
                result = save_unit(unit, form.record(), user=request.user, source=Source.MANUAL_EDIT,
                                   expected_version=form.cleaned_data["version"] if unit else None)
                return redirect(result.unit)
            except EditConflict as error:
                conflict = error
            except ValidationError as error:
                for field, messages in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, messages)
    else:
        record = unit_record(unit) if unit else {}
        initial = UnitForm.initial_from_record(record) if unit else {}
        form = UnitForm(instance=unit or Unit(), initial=initial | {"version": unit.version if unit else None},
                        allowed_municipalities=allowed)
    return render(request, "registry/unit_form.html", {"form": form, "unit": unit, "conflict": conflict},
                  status=409 if conflict else 200)
