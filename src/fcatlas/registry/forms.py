"""The unit edit form: the unit's fields plus one row per kind of service, methods and staffing."""

from django import forms

from pyproj import Transformer

from fcatlas.formatting import format_distance
from fcatlas.reference.models import Municipality

from .editing import SCALAR_FIELDS
from .importing import MAX_DISTANCE_OUTSIDE_KOMMUN_M, Geography
from .models import DEFAULT_PRINCIPAL, OperatingForm, Principal, Profession, ServiceType, Unit, WorkingMethod

NOT_EDITED_HERE = {"external_id", "source", "source_detail", "synthetic", "municipality_id"}
WGS84_FROM_SWEREF = Transformer.from_crs("EPSG:3006", "EPSG:4326", always_xy=True)
YES_NO_UNKNOWN = [("", "Vet inte"), ("true", "Ja"), ("false", "Nej")]


def _nullable_boolean(label: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(label=label, choices=YES_NO_UNKNOWN, required=False,
                                  coerce=lambda v: v == "true", empty_value=None)


FIELDSETS = {
    "Enheten": ("name", "status", "opened_on", "closed_on", "street_address", "postcode", "locality", "municipality",
                "latitude", "longitude", "sweref_north", "sweref_east", "opening_hours", "assured_date"),
    "Målgrupper": ("serves_expectant_parents", "serves_parents", "children_age_from", "children_age_to",
                   "serves_other_adults", "serves_newly_arrived"),
    "Organisation och finansiering": ("has_cooperation_agreement", "has_steering_group", "has_coordinator",
                                      "coordinator_fte", "budget", "has_state_or_project_funding"),
}
"""The form's plain fields in the groups (fieldsets) the page shows them in."""


class UnitForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    municipality = forms.ModelChoiceField(Municipality.objects.all(), label="Kommun")
    working_methods = forms.ModelMultipleChoiceField(
        WorkingMethod.objects.filter(active=True), required=False, label="Arbetssätt",
        widget=forms.CheckboxSelectMultiple, to_field_name="code")
    has_cooperation_agreement = _nullable_boolean("Samverkansavtal")
    has_steering_group = _nullable_boolean("Styrgrupp")
    has_coordinator = _nullable_boolean("Samordnare")
    has_state_or_project_funding = _nullable_boolean("Statliga medel eller projektmedel")
    sweref_north = forms.FloatField(label="N (SWEREF 99 TM, meter)", required=False,
                                    help_text="I stället för latitud och longitud")
    sweref_east = forms.FloatField(label="E (SWEREF 99 TM, meter)", required=False)

    class Meta:
        model = Unit
        fields = [f.removesuffix("_id") for f in SCALAR_FIELDS if f not in NOT_EDITED_HERE] + ["municipality"]
        widgets = {
            "opened_on": forms.DateInput(attrs={"type": "date"}),
            "closed_on": forms.DateInput(attrs={"type": "date"}),
            "assured_date": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, allowed_municipalities=None, **kwargs):
        super().__init__(*args, **kwargs)
        if allowed_municipalities is not None:
            self.fields["municipality"].queryset = allowed_municipalities
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
            self.fields[f"staffing_{profession}"] = forms.DecimalField(
                label=f"{label} (årsarbetare)", required=False, min_value=0, max_digits=5, decimal_places=2)

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
        initial = {field.removesuffix("_id"): value for field, value in record.items() if field in SCALAR_FIELDS}
        for flag in ("has_cooperation_agreement", "has_steering_group", "has_coordinator",
                     "has_state_or_project_funding"):
            initial[flag] = "" if record[flag] is None else str(record[flag]).lower()
        initial["working_methods"] = record["working_methods"]
        for kind, values in record["services"].items():
            initial[f"service_{kind}"] = True
            initial.update({f"service_{kind}_{field}": value for field, value in values.items()})
        initial.update({f"staffing_{profession}": fte for profession, fte in record["staffing"].items()})
        return initial

    def clean(self):
        cleaned = super().clean()
        age_from, age_to = cleaned.get("children_age_from"), cleaned.get("children_age_to")
        if age_from is not None and age_to is not None and age_from > age_to:
            self.add_error("children_age_to", "Åldern ”till och med” kan inte vara lägre än ”från”.")
        self._coordinates_from_sweref(cleaned)
        self._check_point_in_kommun(cleaned)
        if cleaned.get("status") == "closed" and not cleaned.get("closed_on"):
            self.add_error("closed_on", "Ange när enheten stängde.")
        for kind in ServiceType.values:
            principal = cleaned.get(f"service_{kind}_principal")
            if cleaned.get(f"service_{kind}") and principal in (Principal.PRIVATE, Principal.NON_PROFIT) \
                    and not cleaned.get(f"service_{kind}_provider_name"):
                self.add_error(f"service_{kind}_provider_name", "Ange utförarens namn när huvudmannen är privat eller idéburen.")
        return cleaned

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
        longitude, latitude = WGS84_FROM_SWEREF.transform(east, north)
        cleaned["latitude"], cleaned["longitude"] = round(latitude, 6), round(longitude, 6)

    def _check_point_in_kommun(self, cleaned: dict) -> None:
        municipality, lat, lon = cleaned.get("municipality"), cleaned.get("latitude"), cleaned.get("longitude")
        if municipality is None or lat is None or lon is None:
            return
        outside_m = Geography({municipality.code: municipality}).distance_to(municipality.code, lon, lat)
        if outside_m > MAX_DISTANCE_OUTSIDE_KOMMUN_M:
            self.add_error("latitude", f"Punkten ligger {format_distance(outside_m)} utanför {municipality.name}. "
                                       "Kontrollera koordinaterna eller kommunen.")

    def record(self) -> dict:
        """The unit record the form describes (see ``editing.unit_record``)."""
        data = self.cleaned_data
        record = {field: data[field.removesuffix("_id")] for field in SCALAR_FIELDS
                  if field not in NOT_EDITED_HERE}
        record["municipality_id"] = data["municipality"].code
        record["working_methods"] = [method.code for method in data["working_methods"]]
        record["services"] = {
            kind: {field: data[f"service_{kind}_{field}"]
                   for field in ("principal", "operating_form", "provider_name", "fully_co_located")}
            for kind in ServiceType.values if data[f"service_{kind}"]
        }
        record["staffing"] = {p: data[f"staffing_{p}"] for p in Profession.values if data[f"staffing_{p}"]}
        return record
