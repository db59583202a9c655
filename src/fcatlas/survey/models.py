"""The mapping survey: questionnaires and their versions, waves, personal invitations, responses (with every save
kept), mailings, and the analyst's review of each response into the registry."""

import hashlib
import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from fcatlas.reference.models import Municipality, Region
from fcatlas.registry.models import Unit, UnitChange


def new_nonce() -> str:
    return uuid.uuid4().hex


class Audience(models.TextChoices):
    UNIT = "unit", "Enhet"
    MUNICIPALITY = "municipality", "Kommun"
    REGION = "region", "Region"


class Questionnaire(models.Model):
    """A questionnaire (the unit form, the kommun-and-region form); its text lives in its versions."""

    code = models.SlugField("kod", unique=True)
    title = models.CharField("titel", max_length=200)
    for_units = models.BooleanField("för enheter", help_text="annars för kommuner och regioner")

    class Meta:
        ordering = ["-for_units", "code"]
        verbose_name = "formulär"
        verbose_name_plural = "formulär"

    def __str__(self):
        return self.title

    def latest_version(self):
        return self.versions.order_by("-number").first()


class QuestionnaireVersion(models.Model):
    """One compiled version of a questionnaire. Versions are never changed: a changed form is a new version, and
    every response keeps the version it was given on."""

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField("version")
    form_version = models.CharField("formulärets version (settings)", max_length=60, blank=True)
    source_name = models.CharField("källfil", max_length=200)
    source = models.BinaryField("källfil (XLSForm)")
    sha256 = models.CharField(max_length=64)
    xform = models.TextField("XForm")
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        ordering = ["questionnaire", "-number"]
        constraints = [models.UniqueConstraint(fields=["questionnaire", "number"], name="one_number_per_version"),
                       models.UniqueConstraint(fields=["questionnaire", "sha256"], name="one_version_per_source")]

    def __str__(self):
        return f"{self.questionnaire.title}, version {self.number}"

    @staticmethod
    def digest(source: bytes) -> str:
        return hashlib.sha256(source).hexdigest()


class Wave(models.Model):
    """A survey round ("Kartläggning 2026"): its period, the questionnaire versions it asks on, its population."""

    name = models.CharField("namn", max_length=120, unique=True)
    opens_on = models.DateField("öppnar")
    closes_on = models.DateField("stänger")
    unit_version = models.ForeignKey(QuestionnaireVersion, on_delete=models.PROTECT, related_name="+",
                                     verbose_name="formulär för enheter")
    organisation_version = models.ForeignKey(QuestionnaireVersion, on_delete=models.PROTECT, related_name="+",
                                             verbose_name="formulär för kommuner och regioner")
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        ordering = ["-opens_on", "name"]
        verbose_name = "kartläggningsomgång"
        verbose_name_plural = "kartläggningsomgångar"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("survey-wave", args=[self.pk])

    def is_open(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.opens_on <= today <= self.closes_on

    def version_for(self, audience: str) -> QuestionnaireVersion:
        return self.unit_version if audience == Audience.UNIT else self.organisation_version


class Invitation(models.Model):
    """One respondent's personal link to a wave: for a unit, a kommun or a region. Forwarding or reassigning makes
    a new invitation and revokes this one; the link of a revoked invitation no longer opens."""

    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="invitations")
    audience = models.CharField("svarar för", max_length=20, choices=Audience.choices)
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.SET_NULL, related_name="invitations")
    unit_number = models.PositiveBigIntegerField("enhetens nummer", null=True, blank=True)
    municipality = models.ForeignKey(Municipality, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    email = models.EmailField("e-post", blank=True)
    nonce = models.CharField(max_length=32, default=new_nonce, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField("inbjudan skickad", null=True, blank=True)
    reminded_at = models.DateTimeField("påminnelse skickad", null=True, blank=True)
    revoked_at = models.DateTimeField("återkallad", null=True, blank=True)
    replaced_by = models.OneToOneField("self", null=True, blank=True, on_delete=models.SET_NULL,
                                       related_name="replaces")

    class Meta:
        ordering = ["wave", "region_id", "municipality_id", "audience", "unit_number"]
        indexes = [models.Index(fields=["wave", "revoked_at"])]

    def __str__(self):
        return f"{self.wave}: {self.target_name}"

    @property
    def target_name(self) -> str:
        if self.audience == Audience.UNIT:
            return self.unit.name if self.unit else f"Enhet {self.unit_number} (borttagen)"
        if self.audience == Audience.MUNICIPALITY:
            return self.municipality.name
        return self.region.name

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class ResponseStatus(models.TextChoices):
    DRAFT = "draft", "Påbörjad"
    SUBMITTED = "submitted", "Inskickad"


class ResponseSource(models.TextChoices):
    WEB = "web", "Webbformulär"
    ODK = "odk", "ODK-import"
    KOBO = "kobo", "KoboToolbox-import"


class Response(models.Model):
    """The answers given for one unit, kommun or region in a wave, on one questionnaire version."""

    wave = models.ForeignKey(Wave, on_delete=models.PROTECT, related_name="responses")
    invitation = models.ForeignKey(Invitation, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="responses")
    audience = models.CharField(max_length=20, choices=Audience.choices)
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.SET_NULL, related_name="survey_responses")
    unit_number = models.PositiveBigIntegerField(null=True, blank=True)
    municipality = models.ForeignKey(Municipality, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    version = models.ForeignKey(QuestionnaireVersion, on_delete=models.PROTECT, related_name="responses")
    instance_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    answers = models.JSONField(default=dict)
    revision = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=20, choices=ResponseStatus.choices, default=ResponseStatus.DRAFT)
    source = models.CharField(max_length=20, choices=ResponseSource.choices, default=ResponseSource.WEB)
    started_at = models.DateTimeField(default=timezone.now)
    saved_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    receipt = models.CharField("kvittonummer", max_length=40, null=True, blank=True, unique=True)

    class Meta:
        ordering = ["wave", "region_id", "municipality_id", "audience", "unit_number", "pk"]

    def __str__(self):
        return f"Svar {self.pk} i {self.wave}"

    @property
    def target_name(self) -> str:
        if self.audience == Audience.UNIT:
            return self.unit.name if self.unit else f"Enhet {self.unit_number} (borttagen)"
        return self.municipality.name if self.audience == Audience.MUNICIPALITY else self.region.name


class ResponseSave(models.Model):
    """Every save of a response as it arrived, so that nothing a respondent typed is ever lost — also when two
    people save at once or a connection breaks and the browser sends the same save again (``save_id``)."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="saves")
    save_id = models.UUIDField()
    base_revision = models.PositiveIntegerField()
    revision = models.PositiveIntegerField()
    values = models.JSONField(default=dict, help_text="every answer the page sent: {path: text}")
    changed = models.JSONField(default=list, help_text="the paths whose stored answer this save changed")
    kept_theirs = models.JSONField(default=dict, help_text="answers not applied because someone else changed them "
                                                           "first: {path: [this save's value, the value kept]}")
    saved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["response", "revision"]
        constraints = [models.UniqueConstraint(fields=["response", "save_id"], name="one_save_per_save_id")]


class Decision(models.TextChoices):
    ACCEPTED = "accepted", "Godkänd"
    REJECTED = "rejected", "Avvisad"


class ReviewDecision(models.Model):
    """An analyst's decision on one field of a response (or on a reported new unit), and the registry change it
    made."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="decisions")
    key = models.CharField("fält", max_length=120)
    decision = models.CharField(max_length=20, choices=Decision.choices)
    proposed = models.JSONField(null=True)
    current = models.JSONField(null=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(default=timezone.now)
    change = models.ForeignKey(UnitChange, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["response", "key"]
        constraints = [models.UniqueConstraint(fields=["response", "key"], name="one_decision_per_field")]


class MailingKind(models.TextChoices):
    INVITATION = "invitation", "Inbjudningar"
    REMINDER = "reminder", "Påminnelser"


class Mailing(models.Model):
    """A batch of invitations or reminders sent by the task runner, with its progress."""

    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="mailings")
    kind = models.CharField(max_length=20, choices=MailingKind.choices)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    total = models.PositiveIntegerField(default=0)
    sent = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0, help_text="invitations without an e-mail address, and synthetic "
                                                               "demo units' when mail goes out by SMTP")
    errors = models.JSONField(default=list)

    class Meta:
        ordering = ["-requested_at"]

    @property
    def done(self) -> bool:
        return self.finished_at is not None
