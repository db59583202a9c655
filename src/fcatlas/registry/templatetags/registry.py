"""Show history values as a person reads them: labels, Ja/Nej, services by name."""

from django import template

from ..forms import FIELDSETS
from ..models import Principal, Profession, ServiceType, Unit, WorkingMethod

register = template.Library()

RELATED_LABELS = {"services": "Verksamheter", "working_methods": "Arbetssätt", "staffing": "Bemanning",
                  "municipality_id": "Kommun"}


@register.filter
def field_label(field: str) -> str:
    if field in RELATED_LABELS:
        return RELATED_LABELS[field]
    return str(Unit._meta.get_field(field).verbose_name).capitalize()


@register.filter
def change_value(value, field: str) -> str:
    if value is None or value == "" or value == [] or value == {}:
        return "–"
    if isinstance(value, bool):
        return "Ja" if value else "Nej"
    if field == "services":
        return "; ".join(
            f"{ServiceType(kind).label} ({Principal(s['principal']).label}"
            + ("" if s.get("fully_co_located", True) else ", delar av tiden") + ")"
            for kind, s in value.items())
    if field == "working_methods":
        names = dict(WorkingMethod.objects.filter(code__in=value).values_list("code", "name"))
        return ", ".join(names.get(code, code) for code in value)
    if field == "staffing":
        return ", ".join(f"{Profession(p).label} {fte:g}" for p, fte in value.items())
    choices = dict(Unit._meta.get_field(field).choices or []) if field not in RELATED_LABELS else {}
    return str(choices.get(value, value))


@register.filter
def fieldset(form, legend: str):
    """The bound fields of one of the unit form's fieldsets (``forms.FIELDSETS``)."""
    return [form[name] for name in FIELDSETS[legend]]
