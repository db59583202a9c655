"""The unit edit form: the unit's fields plus one row per kind of service, methods, staffing and opening hours.

The form only turns what a person typed into a unit record; whether the record is acceptable is decided by
``rules`` (through ``editing.check``), so the form shows the same messages as the importer and ``save_unit``.
"""

from django import forms

from fcatlas.formatting import swedish_key
from fcatlas.geo import to_wgs84
from fcatlas.reference.models import Municipality

from . import schedules
from .editing import SCALAR_FIELDS, check
from .models import DEFAULT_PRINCIPAL, OperatingForm, Principal, Profession, ServiceType, Unit, WorkingMethod
from .vocabulary import LANGUAGES

NOT_EDITED_HERE = {"external_id", "source", "source_detail", "synthetic", "municipality_id"}
YES_NO_UNKNOWN = [("", "Vet inte"), ("true", "Ja"), ("false", "Nej")]
SCHEDULE_FIELDS = ("opening_hours", "drop_in_hours")


def _nullable_boolean(label: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(label=label, choices=YES_NO_UNKNOWN, required=False,
                                  coerce=lambda v: v == "true", empty_value=None)


FIELDSETS = {
    "Enheten": ("name", "status", "opened_on", "closed_on", "street_address", "postcode", "locality", "municipality",
                "latitude", "longitude", "sweref_north", "sweref_east", "assured_date"),
    "Så når familjerna enheten": ("phone", "email", "website", "opening_hours", "drop_in_hours", "languages",
                                  "accessibility"),
    "Målgrupper": ("serves_expectant_parents", "serves_parents", "children_age_from", "children_age_to",
                   "serves_other_adults", "serves_newly_arrived"),
    "Organisation och finansiering": ("has_cooperation_agreement", "has_steering_group", "has_coordinator",
                                      "coordinator_fte", "budget", "has_state_or_project_funding"),
}
"""The form's plain fields in the groups (fieldsets) the page shows them in."""


def form_field(problem_field: str) -> str | None:
    """The form field a rules problem belongs to (None: the form as a whole)."""
    parts = problem_field.split(".")
    if parts[0] == "services" and len(parts) == 3:
        return f"service_{parts[1]}_{parts[2]}"
    if parts[0] == "services" and len(parts) == 2:
        return f"service_{parts[1]}"
    if parts[0] == "staffing" and len(parts) == 2:
        return f"staffing_{parts[1]}"
    if problem_field == "municipality_id":
        return "municipality"
    return problem_field


class UnitForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    municipality = forms.ModelChoiceField(Municipality.objects.all(), label="Kommun")
    working_methods = forms.ModelMultipleChoiceField(
        WorkingMethod.objects.filter(active=True), required=False, label="Arbetssätt",
        widget=forms.CheckboxSelectMultiple, to_field_name="code")
    languages = forms.MultipleChoiceField(choices=sorted(LANGUAGES.items(), key=lambda item: swedish_key(item[1])), required=False,
                                          label="Språk som personalen talar med familjerna",
                                          widget=forms.CheckboxSelectMultiple)
    opening_hours = forms.CharField(label="Öppettider", required=False, max_length=300,
                                    help_text="Till exempel: mån–fre 8.30–16.30, ons 9–18")
    drop_in_hours = forms.CharField(label="Drop-in-tider (öppen förskola)", required=False, max_length=300,
                                    help_text="Till exempel: tis, tors 9–12")
    has_cooperation_agreement = _nullable_boolean("Samverkansavtal")
    has_steering_group = _nullable_boolean("Styrgrupp")
    has_coordinator = _nullable_boolean("Samordnare")
    has_state_or_project_funding = _nullable_boolean("Statliga medel eller projektmedel")
    coordinator_fte = forms.DecimalField(label="Samordnare, årsarbetare", required=False)
    email = forms.CharField(label="E-post", required=False, max_length=254,
                            widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    website = forms.CharField(label="Webbplats", required=False, max_length=300, widget=forms.URLInput,
                              help_text="Till exempel https://kommun.se/familjecentralen")
    sweref_north = forms.FloatField(label="N (SWEREF 99 TM, meter)", required=False,
                                    help_text="I stället för latitud och longitud")
    sweref_east = forms.FloatField(label="E (SWEREF 99 TM, meter)", required=False)

    class Meta:
        model = Unit
        fields = [f for f in SCALAR_FIELDS if f not in NOT_EDITED_HERE] + ["municipality"]
        widgets = {
            "opened_on": forms.DateInput(attrs={"type": "date"}),
            "closed_on": forms.DateInput(attrs={"type": "date"}),
            "assured_date": forms.DateInput(attrs={"type": "date"}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
            "accessibility": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, allowed_municipalities=None, **kwargs):
        super().__init__(*args, **kwargs)
        if allowed_municipalities is not None:
            self.fields["municipality"].queryset = allowed_municipalities
        kommun = self.fields["municipality"]
        kommun.choices = [("", kommun.empty_label)] + sorted(
            ((m.code, m.name) for m in kommun.queryset.defer("geometry")), key=lambda choice: swedish_key(choice[1]))
        if self.instance.pk:
            self.fields["version"].required = True
            self.fields["version"].error_messages["required"] = (
                "Formuläret saknar versionen du utgick från. Ladda om sidan och gör ändringen igen.")
        for kind, label in ServiceType.choices:
            self.fields[f"service_{kind}"] = forms.BooleanField(label=label, required=False)
            self.fields[f"service_{kind}_principal"] = forms.ChoiceField(
                label=f"{label}: huvudman", choices=Principal.choices, initial=DEFAULT_PRINCIPAL[kind])
            self.fields[f"service_{kind}_operating_form"] = forms.ChoiceField(
                label=f"{label}: driftsform", choices=OperatingForm.choices, initial=OperatingForm.OWN_MANAGEMENT)
            self.fields[f"service_{kind}_provider_name"] = forms.CharField(
                label=f"{label}: utförare", required=False, max_length=200)
            self.fields[f"service_{kind}_fully_co_located"] = forms.BooleanField(
                label=f"{label}: på plats hela tiden", required=False, initial=True)
        for profession, label in Profession.choices:
            self.fields[f"staffing_{profession}"] = forms.DecimalField(label=f"{label} (årsarbetare)", required=False)

    def service_rows(self):
        return [
            {"label": label, "present": self[f"service_{kind}"], "principal": self[f"service_{kind}_principal"],
             "operating_form": self[f"service_{kind}_operating_form"],
             "provider_name": self[f"service_{kind}_provider_name"],
             "fully_co_located": self[f"service_{kind}_fully_co_located"]}
            for kind, label in ServiceType.choices
        ]

    def staffing_fields(self):
        return [self[f"staffing_{profession}"] for profession in Profession.values]

    @staticmethod
    def initial_from_record(record: dict) -> dict:
        initial = {field: value for field, value in record.items() if field in SCALAR_FIELDS}
        initial["municipality"] = record.get("municipality_id")
        for flag in ("has_cooperation_agreement", "has_steering_group", "has_coordinator",
                     "has_state_or_project_funding"):
            initial[flag] = "" if record[flag] is None else str(record[flag]).lower()
        initial["working_methods"] = record["working_methods"]
        initial["languages"] = record["languages"]
        for field in SCHEDULE_FIELDS:
            initial[field] = schedules.format_entries(record[field])
        for kind, values in record["services"].items():
            initial[f"service_{kind}"] = True
            initial.update({f"service_{kind}_{field}": value for field, value in values.items()})
        initial.update({f"staffing_{profession}": fte for profession, fte in record["staffing"].items()})
        return initial

    def clean(self):
        cleaned = super().clean()
        self._coordinates_from_sweref(cleaned)
        for field in SCHEDULE_FIELDS:
            try:
                cleaned[f"{field}_entries"] = schedules.parse(cleaned.get(field) or "")
            except schedules.ScheduleError as error:
                self.add_error(field, str(error))
        if self.errors:
            return cleaned
        base = dict(self.initial_record or {})
        for problem in check(base | self.record()):
            target = form_field(problem.field)
            self.add_error(target if target in self.fields else None, problem.message)
        return cleaned

    initial_record: dict | None = None
    """The unit's record as stored, so that fields this form does not show keep their values in the check."""

    def _coordinates_from_sweref(self, cleaned: dict) -> None:
        north, east = cleaned.get("sweref_north"), cleaned.get("sweref_east")
        if north is None and east is None:
            return
        if north is None or east is None:
            self.add_error("sweref_east" if east is None else "sweref_north", "Ange både N och E i SWEREF 99 TM.")
            return
        if cleaned.get("latitude") is not None or cleaned.get("longitude") is not None:
            self.add_error("sweref_north", "Ange antingen latitud och longitud eller N och E, inte båda.")
            return
        longitude, latitude = to_wgs84(east, north)
        cleaned["latitude"], cleaned["longitude"] = round(latitude, 6), round(longitude, 6)

    def record(self) -> dict:
        """The unit record the form describes (see ``editing.unit_record``)."""
        data = self.cleaned_data
        record = {field: data.get(field) for field in SCALAR_FIELDS if field not in NOT_EDITED_HERE}
        for field in ("phone", "email", "website", "accessibility", "street_address", "postcode", "locality", "name"):
            record[field] = (record.get(field) or "").strip()
        record["municipality_id"] = data["municipality"].code if data.get("municipality") else None
        record["working_methods"] = [method.code for method in data.get("working_methods") or []]
        record["languages"] = list(data.get("languages") or [])
        for field in SCHEDULE_FIELDS:
            record[field] = data.get(f"{field}_entries", [])
        record["services"] = {
            kind: {field: data.get(f"service_{kind}_{field}")
                   for field in ("principal", "operating_form", "provider_name", "fully_co_located")}
            for kind in ServiceType.values if data.get(f"service_{kind}")
        }
        record["staffing"] = {p: float(data[f"staffing_{p}"]) for p in Profession.values
                              if data.get(f"staffing_{p}") is not None}
        if record.get("coordinator_fte") is not None:
            record["coordinator_fte"] = float(record["coordinator_fte"])
        return record
