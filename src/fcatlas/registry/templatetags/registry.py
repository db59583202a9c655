"""Show history values as a person reads them: labels, Ja/Nej, services, languages and hours by name."""

from django import template

from .. import schedules
from ..forms import FIELDSETS
from ..models import WorkingMethod
from ..vocabulary import CHOICE_LABELS, LANGUAGES, label

register = template.Library()


@register.filter
def field_label(field: str) -> str:
    return label(field)


@register.filter
def change_value(value, field: str) -> str:
    if value is None or value == "" or value == [] or value == {}:
        return "–"
    if isinstance(value, bool):
        return "Ja" if value else "Nej"
    if field == "services":
        return "; ".join(
            f"{CHOICE_LABELS['service_type'].get(kind, kind)} ({CHOICE_LABELS['principal'].get(s.get('principal'), '')}"
            + ("" if s.get("fully_co_located", True) else ", delar av tiden") + ")"
            for kind, s in value.items())
    if field == "working_methods":
        names = dict(WorkingMethod.objects.filter(code__in=value).values_list("code", "name"))
        return ", ".join(names.get(code, code) for code in value)
    if field == "staffing":
        return ", ".join(f"{CHOICE_LABELS['profession'].get(p, p)} {fte:g}" for p, fte in value.items())
    if field == "languages":
        return ", ".join(LANGUAGES.get(code, code) for code in value)
    if field in ("opening_hours", "drop_in_hours") and isinstance(value, list):
        return schedules.format_entries(value)
    if field in CHOICE_LABELS:
        return str(CHOICE_LABELS[field].get(value, value))
    return str(value)


@register.filter
def fieldset(form, legend: str):
    """The bound fields of one of the unit form's fieldsets (``forms.FIELDSETS``)."""
    return [form[name] for name in FIELDSETS[legend]]
