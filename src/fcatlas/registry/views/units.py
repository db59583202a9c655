from datetime import date
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext

from fcatlas.accounts.permissions import can_edit_any, can_edit_unit, editable_municipalities
from fcatlas.formatting import swedish_key
from fcatlas.reference.models import Municipality, Region
from fcatlas.reference.versions import reference_version

from .. import schedules
from ..completeness import missing_answers
from ..exporting import FORMATS
from ..exporting.rows import DATA_LICENCE
from ..editing import PREFETCH, EditConflict, remove_unit, save_unit, unit_record
from ..forms import UnitForm, form_field
from ..models import Classification, ServiceType, Source, Status, Unit, UnitChange, WorkingMethod
from ..pages import page_once_per_version
from ..queries import filter_units, page_in_swedish_order, registry_version
from ..rules import RuleViolation
from ..translations import day_names
from ..vocabulary import LANGUAGES, label

FILTERS = ("q", "municipality", "region", "classification", "status", "service", "method")


def unit_list(request):
    filters = {name: request.GET.get(name) or None for name in FILTERS}
    units = filter_units(**filters)
    page = page_in_swedish_order(units, request.GET.get("sida"))
    query = urlencode({name: value for name, value in filters.items() if value})
    return render(request, "registry/unit_list.html", {
        "page": page, "filters": filters, "query": query,
        "any_synthetic": units.filter(synthetic=True).exists(),
        "regions": Region.objects.all(),
        "municipalities": sorted(Municipality.objects.defer("geometry"), key=lambda m: swedish_key(m.name)),
        "classifications": Classification.choices, "statuses": Status.choices,
        "services": ServiceType.choices, "methods": WorkingMethod.objects.all(),
        "can_edit": can_edit_any(request.user),
        "export_formats": list(FORMATS.items()),
        "licence": DATA_LICENCE,
    })


def unit_detail(request, pk):
    unit = get_object_or_404(Unit.objects.select_related("municipality__region"), pk=pk)
    can_edit, signed_in = can_edit_unit(request.user, unit), request.user.is_authenticated

    def context() -> dict:
        prefetch_related_objects([unit], *PREFETCH)
        record = unit_record(unit)
        today = date.today().weekday()
        return {
            "unit": unit,
            "record": record,
            "opening_hours": schedules.entry_parts(record["opening_hours"], day_names()),
            "drop_in_hours": schedules.entry_parts(record["drop_in_hours"], day_names()),
            "today": [f"{opens.replace(':', '.')}–{closes.replace(':', '.')}"
                      for opens, closes in schedules.hours_on(record["opening_hours"], today)],
            "languages": [gettext(LANGUAGES[code]) for code in record["languages"]],
            "services": unit.services.all(),
            "staffing": unit.staffing.all(),
            "methods": unit.working_methods.all(),
            "missing": missing_answers(record),
            "changes": unit.changes.select_related("changed_by"),
            "can_edit": can_edit,
            "show_who_changed": signed_in,  # an editor's name is shown to those signed in, not to the public
        }

    # The content is what the registry and the reference data say of the unit, the same for every visitor but for
    # the edit links and the editors' names.
    return page_once_per_version(request, "registry/_unit_detail.html", context, title=unit.name,
                                 versions=(registry_version(), reference_version()), vary_on=(can_edit, signed_in))


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
    stored = unit_record(unit) if unit else None
    if request.method == "POST":
        form = UnitForm(request.POST, instance=unit or Unit(), allowed_municipalities=allowed)
        form.initial_record = stored
        if form.is_valid():
            try:
                result = save_unit(unit, form.record(), user=request.user, source=Source.MANUAL_EDIT,
                                   expected_version=form.cleaned_data["version"] if unit else None)
            except EditConflict as error:
                conflict = error
            except RuleViolation as violation:  # the form checked the same rules; the unit moved on meanwhile
                for problem in violation.problems:
                    target = form_field(problem.field)
                    form.add_error(target if target in form.fields else None, problem.message)
            else:
                messages.success(request, _saved_text(result))
                return redirect(result.unit)
    else:
        initial = UnitForm.initial_from_record(stored) if unit else {}
        form = UnitForm(instance=unit or Unit(), initial=initial | {"version": unit.version if unit else None},
                        allowed_municipalities=allowed)
    return render(request, "registry/unit_form.html", {"form": form, "unit": unit, "conflict": conflict},
                  status=409 if conflict else 200)


def _saved_text(result) -> str:
    if result.created:
        return f"Sparat: {result.unit.name} är tillagd i registret."
    if not result.changed:
        return "Inget sparades: uppgifterna var desamma som förut."
    fields = [label(field).lower() for field in result.changed_fields if field not in ("source", "source_detail")]
    count = len(fields)
    return f"Sparat: {count} {'fält' if count != 1 else 'fält'} ändrade ({', '.join(fields)})."


@login_required
def unit_remove(request, pk):
    unit = get_object_or_404(Unit, pk=pk)
    if not can_edit_unit(request.user, unit):
        raise PermissionDenied
    if request.method != "POST":
        return render(request, "registry/unit_remove.html", {"unit": unit})
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        return render(request, "registry/unit_remove.html", {
            "unit": unit, "error": "Formuläret saknar versionen du utgick från. Ladda om sidan och försök igen."},
            status=400)
    try:
        change = remove_unit(unit, user=request.user, source=Source.MANUAL_EDIT,
                             source_detail=request.POST.get("reason", "").strip(), expected_version=version)
    except EditConflict:
        return render(request, "registry/unit_remove.html", {
            "unit": Unit.objects.get(pk=pk), "error": "Någon annan har ändrat enheten sedan du öppnade sidan. "
                                                      "Ingenting är borttaget; läs de nya uppgifterna först."},
            status=409)
    messages.success(request, f"{change.unit_name} är borttagen ur registret. Historiken finns kvar.")
    return redirect(reverse("unit-history", args=[change.unit_number]))


def unit_history(request, number):
    """The history of a unit, also after it was removed."""
    changes = list(UnitChange.objects.filter(unit_number=number).select_related("changed_by", "unit"))
    if not changes:
        raise Http404
    return render(request, "registry/unit_history.html", {"changes": changes, "number": number,
                                                           "name": changes[0].unit_name,
                                                           "unit": changes[0].unit,
                                                           "show_who_changed": request.user.is_authenticated})
