"""The registry of family centres (familjecentraler) and similar services.

A superset of what Open Referral HSDS 3 expresses: a ``Unit`` is an HSDS location with its
service_at_location rows (``UnitService``); each service's principal is an HSDS organization; working
methods are HSDS taxonomy terms (``WorkingMethod``). Coordinates are stored in WGS 84 (EPSG:4326).
Every change is kept in ``UnitChange``; ``version`` detects concurrent edits.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse

from fcatlas.reference.models import Municipality

from .classification import CLASSIFICATION_LABELS


class Status(models.TextChoices):
    ACTIVE = "active", "I drift"
    PLANNED = "planned", "Planerad"
    TEMPORARILY_CLOSED = "temporarily_closed", "Tillfälligt stängd"
    CLOSED = "closed", "Nedlagd"


class Classification(models.TextChoices):
    FAMILY_CENTRE = "family_centre", CLASSIFICATION_LABELS["family_centre"]
    SIMILAR_SERVICE = "similar_service", CLASSIFICATION_LABELS["similar_service"]
    NOT_QUALIFYING = "not_qualifying", CLASSIFICATION_LABELS["not_qualifying"]


class Source(models.TextChoices):
    SURVEY_WAVE = "survey_wave", "Enkätomgång"
    IMPORT_FILE = "import_file", "Importerad fil"
    MANUAL_EDIT = "manual_edit", "Manuell ändring"
    SYNTHETIC_DEMO = "synthetic_demo", "Syntetisk demo"
    OFFICIAL_STATISTICS = "official_statistics", "Officiell statistik"


class Budget(models.TextChoices):
    SHARED = "shared", "Gemensam budget"
    SEPARATE = "separate", "Separata budgetar"


class ServiceType(models.TextChoices):
    MATERNAL_HEALTH = "maternal_health", "Mödrahälsovård"
    CHILD_HEALTH = "child_health", "Barnhälsovård"
    OPEN_PRESCHOOL = "open_preschool", "Öppen förskola"
    PREVENTIVE_SOCIAL_SERVICES = "preventive_social_services", "Förebyggande socialtjänst"
    FAMILY_COUNSELLING = "family_counselling", "Familjerådgivning"
    DENTAL_CARE = "dental_care", "Tandvård"
    LIBRARY = "library", "Bibliotek"
    SFI = "sfi", "Svenska för invandrare (SFI)"
    PSYCHOLOGIST = "psychologist", "Psykolog"
    CIVIL_SOCIETY = "civil_society", "Civilsamhälle"
    OTHER = "other", "Annan verksamhet"


class Principal(models.TextChoices):
    REGION = "region", "Region"
    MUNICIPALITY = "municipality", "Kommun"
    PRIVATE = "private", "Privat utförare"
    NON_PROFIT = "non_profit", "Idéburen organisation"


DEFAULT_PRINCIPAL = {
    "maternal_health": "region", "child_health": "region", "dental_care": "region", "psychologist": "region",
    "open_preschool": "municipality", "preventive_social_services": "municipality",
    "family_counselling": "municipality", "library": "municipality", "sfi": "municipality",
    "civil_society": "non_profit", "other": "municipality",
}
"""The usual principal (huvudman) of each kind of service, used when a form or a file does not say."""


class OperatingForm(models.TextChoices):
    OWN_MANAGEMENT = "own_management", "Egen regi"
    CONTRACTED = "contracted", "Entreprenad"
    CHOICE_SCHEME = "choice_scheme", "Vårdval/LOV"


class Profession(models.TextChoices):
    MIDWIFE = "midwife", "Barnmorska"
    CHILD_HEALTH_NURSE = "child_health_nurse", "BVC-sjuksköterska"
    PRESCHOOL_TEACHER = "preschool_teacher", "Förskollärare"
    SOCIAL_WORKER = "social_worker", "Socionom"
    PSYCHOLOGIST = "psychologist", "Psykolog"
    PHYSICIAN = "physician", "Läkare"
    COORDINATOR = "coordinator", "Samordnare"
    OTHER = "other", "Annan yrkesgrupp"


class WorkingMethod(models.Model):
    """A term of the maintained working-methods taxonomy (an HSDS taxonomy_term)."""

    code = models.SlugField("kod", max_length=64, unique=True)
    name = models.CharField("namn", max_length=200)
    description = models.TextField("beskrivning", blank=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    active = models.BooleanField("används", default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "arbetssätt"
        verbose_name_plural = "arbetssätt"

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    external_id = models.CharField("externt id", max_length=100, unique=True, null=True, blank=True)
    name = models.CharField("namn", max_length=200)
    status = models.CharField("status", max_length=32, choices=Status.choices, default=Status.ACTIVE)
    opened_on = models.DateField("öppnade", null=True, blank=True)
    closed_on = models.DateField("stängde", null=True, blank=True)

    street_address = models.CharField("besöksadress", max_length=200, blank=True)
    postcode = models.CharField("postnummer", max_length=5, blank=True)
    locality = models.CharField("postort", max_length=100, blank=True)
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="units",
                                     verbose_name="kommun")
    latitude = models.FloatField("latitud (WGS 84)", null=True, blank=True)
    longitude = models.FloatField("longitud (WGS 84)", null=True, blank=True)

    phone = models.CharField("telefon", max_length=40, blank=True)
    email = models.EmailField("e-post", max_length=254, blank=True)
    website = models.URLField("webbplats", max_length=300, blank=True)
    languages = models.JSONField("språk", default=list, blank=True,
                                 help_text="Språk som personalen talar med familjerna: ISO 639-koder, t.ex. [\"sv\", \"ar\"].")
    accessibility = models.TextField("tillgänglighet", max_length=1000, blank=True,
                                     help_text="Fysisk tillgänglighet: entré, hiss, toalett, parkering.")

    serves_expectant_parents = models.BooleanField("blivande föräldrar", default=False)
    serves_parents = models.BooleanField("föräldrar", default=False)
    children_age_from = models.PositiveSmallIntegerField("barn från ålder (år)", null=True, blank=True)
    children_age_to = models.PositiveSmallIntegerField("barn till och med ålder (år)", null=True, blank=True)
    serves_other_adults = models.BooleanField("andra viktiga vuxna", default=False)
    serves_newly_arrived = models.BooleanField("nyanlända familjer", default=False)

    working_methods = models.ManyToManyField(WorkingMethod, blank=True, related_name="units",
                                             verbose_name="arbetssätt")

    has_cooperation_agreement = models.BooleanField("samverkansavtal", null=True, blank=True)
    has_steering_group = models.BooleanField("styrgrupp", null=True, blank=True)
    has_coordinator = models.BooleanField("samordnare", null=True, blank=True)
    coordinator_fte = models.DecimalField("samordnare, årsarbetare", max_digits=4, decimal_places=2,
                                          null=True, blank=True)
    budget = models.CharField("budget", max_length=16, choices=Budget.choices, blank=True)
    has_state_or_project_funding = models.BooleanField("statliga medel eller projektmedel", null=True, blank=True)

    source = models.CharField("källa", max_length=32, choices=Source.choices, default=Source.MANUAL_EDIT)
    source_detail = models.CharField("källa, detalj", max_length=300, blank=True)
    synthetic = models.BooleanField("syntetisk demo", default=False)
    assured_date = models.DateField("säkerställd", null=True, blank=True)

    classification = models.CharField("klassificering", max_length=32, choices=Classification.choices,
                                      default=Classification.NOT_QUALIFYING, editable=False)
    classification_reason = models.CharField("skäl", max_length=300, blank=True, editable=False)
    fully_co_located = models.BooleanField("samlokaliserad fullt ut", default=False, editable=False)
    co_location_reason = models.CharField("skäl, samlokalisering", max_length=300, blank=True, editable=False)
    completeness = models.FloatField("fullständighet", default=0.0, editable=False)
    search_text = models.TextField("sökord", blank=True, default="", editable=False,
                                   help_text="Namn, adress, kommun och verksamheter, som sökningen jämför dem.")

    version = models.PositiveIntegerField("version", default=1, editable=False)
    import_fingerprint = models.CharField(
        "importens fingeravtryck", max_length=32, blank=True, default="", editable=False,
        help_text="Fingeravtrycket av den rad i en importerad fil som senast skrev enheten; tomt när enheten "
                  "sparats på annat sätt sedan. Samma rad igen är då oförändrad utan att läsas om.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["municipality_id", "name"]
        verbose_name = "enhet"
        verbose_name_plural = "enheter"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True, longitude__isnull=True)
                | models.Q(latitude__range=(55.0, 69.2), longitude__range=(10.5, 24.2)),
                name="coordinates_in_sweden_or_both_missing",
                violation_error_message="Koordinaterna ligger inte i Sverige (latitud 55–69,2, longitud 10,5–24,2 i "
                                        "WGS 84), eller så saknas bara en av dem.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("unit-detail", args=[self.pk])


class UnitService(models.Model):
    """One service at a unit (an HSDS service_at_location), with its principal and operating form."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="services", db_index=False)
    """Found by ``one_service_of_a_kind``, whose index begins with the unit: a second index of its own would only
    be written to, 40 000 times an import of 10 000 units."""
    service_type = models.CharField("verksamhet", max_length=40, choices=ServiceType.choices)
    principal = models.CharField("huvudman", max_length=20, choices=Principal.choices)
    operating_form = models.CharField("driftsform", max_length=20, choices=OperatingForm.choices,
                                      default=OperatingForm.OWN_MANAGEMENT)
    provider_name = models.CharField("utförare", max_length=200, blank=True)
    fully_co_located = models.BooleanField("på plats hela tiden", default=True)

    class Meta:
        ordering = ["unit", "service_type"]
        constraints = [models.UniqueConstraint(fields=["unit", "service_type"], name="one_service_of_a_kind")]
        verbose_name = "verksamhet på enheten"
        verbose_name_plural = "verksamheter på enheten"

    def __str__(self) -> str:
        return f"{self.get_service_type_display()} ({self.get_principal_display()})"


class UnitStaffing(models.Model):
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="staffing", db_index=False)
    """Found by ``one_staffing_row_per_profession``, whose index begins with the unit."""
    profession = models.CharField("yrkesgrupp", max_length=32, choices=Profession.choices)
    fte = models.DecimalField("årsarbetare", max_digits=5, decimal_places=2)

    class Meta:
        ordering = ["unit", "profession"]
        constraints = [models.UniqueConstraint(fields=["unit", "profession"], name="one_staffing_row_per_profession")]


class UnitSchedule(models.Model):
    """One weekly time a unit is open (HSDS ``schedule``, RFC 5545 ``FREQ=WEEKLY;BYDAY=…``)."""

    class Kind(models.TextChoices):
        OPENING = "opening", "Öppettider"
        DROP_IN = "drop_in", "Drop-in"

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="schedules")
    kind = models.CharField("slag", max_length=16, choices=Kind.choices)
    days = models.CharField("veckodagar", max_length=20, help_text="iCalendar BYDAY, t.ex. MO,TU,WE,TH,FR")
    opens = models.CharField("öppnar", max_length=5, help_text="HH:MM")
    closes = models.CharField("stänger", max_length=5, help_text="HH:MM")

    class Meta:
        ordering = ["unit", "kind", "pk"]
        verbose_name = "öppettid"
        verbose_name_plural = "öppettider"


class UnitChange(models.Model):
    """One saved change of a unit: who, when, from what source, and each field's old and new value.

    The history outlives the unit: removing a unit writes a last change (``removed``) and keeps every change,
    with the unit's number and name, so that nobody's work disappears without a trace."""

    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.SET_NULL, related_name="changes")
    unit_number = models.PositiveBigIntegerField("enhetens nummer")
    unit_name = models.CharField("enhetens namn", max_length=200, blank=True)
    version = models.PositiveIntegerField("version")
    removed = models.BooleanField("borttagen", default=False)
    changed_at = models.DateTimeField("tidpunkt", auto_now_add=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   verbose_name="ändrad av")
    source = models.CharField("källa", max_length=32, choices=Source.choices)
    source_detail = models.CharField("källa, detalj", max_length=300, blank=True)
    fields = models.JSONField("ändringar", help_text="{fält: [gammalt värde, nytt värde]}")

    class Meta:
        ordering = ["unit_number", "-version"]
        constraints = [models.UniqueConstraint(fields=["unit_number", "version"], name="one_change_per_version")]
        verbose_name = "ändring"
        verbose_name_plural = "ändringar"


class ImportJob(models.Model):
    """A checked import too big to write inside a web request: the task runner writes the staged plan and the
    person follows it on its page, where the result stays."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Väntar i kön"
        RUNNING = "running", "Pågår"
        DONE = "done", "Klar"
        REFUSED = "refused", "Inte sparad"

    token = models.TextField("kontrollens nyckel")
    filename = models.CharField("fil", max_length=300)
    rows = models.PositiveIntegerField("rader att skriva")
    status = models.CharField("status", max_length=8, choices=Status.choices, default=Status.QUEUED)
    created = models.PositiveIntegerField("nya", null=True, blank=True)
    updated = models.PositiveIntegerField("ändrade", null=True, blank=True)
    unchanged = models.PositiveIntegerField("oförändrade", null=True, blank=True)
    message = models.TextField("meddelande", blank=True)
    conflicts = models.JSONField("enheter som ändrats under tiden", default=list, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    requested_at = models.DateTimeField("beställd", auto_now_add=True)
    started_at = models.DateTimeField("påbörjad", null=True, blank=True)
    finished_at = models.DateTimeField("klar", null=True, blank=True)

    class Meta:
        verbose_name = "inläsning i jobbkön"
        verbose_name_plural = "inläsningar i jobbkön"
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.REFUSED)
