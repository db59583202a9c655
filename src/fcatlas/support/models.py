"""What the support programme records: activities, the self-assessment rubric and its rounds, the knowledge
library, who works at which unit, and every earlier version of what a person saved."""

from django.conf import settings
from django.db import models

from fcatlas.reference.models import Municipality, Region
from fcatlas.registry.models import Unit

from .vocabulary import ActivityType, ArticleKind


class UnitStaff(models.Model):
    """A person who works at one unit and fills in its self-assessment (role ``unit_staff``)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="unit_staff")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="staff", verbose_name="enhet")

    class Meta:
        verbose_name = "personal vid en enhet"
        verbose_name_plural = "personal vid enheter"

    def __str__(self) -> str:
        return f"{self.user} ({self.unit})"


class SupportActivity(models.Model):
    """Support given to a region, a kommun or a unit. ``region`` is always set (from the kommun or unit when
    those are), so that every activity is found in its region's and kommun's lists."""

    activity_type = models.CharField("typ av stöd", max_length=32, choices=ActivityType.choices)
    held_on = models.DateField("datum")
    title = models.CharField("rubrik", max_length=200)
    description = models.TextField("beskrivning", blank=True)
    themes = models.JSONField("teman", default=list)
    participants = models.JSONField("deltagare per roll", default=dict)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, verbose_name="region")
    municipality = models.ForeignKey(Municipality, null=True, blank=True, on_delete=models.PROTECT,
                                     verbose_name="kommun")
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, verbose_name="enhet")
    small_area_code = models.CharField("område (RegSO-kod)", max_length=9, blank=True)
    follow_up_on = models.DateField("uppföljning", null=True, blank=True)
    outcome = models.TextField("resultat av uppföljningen", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name="registrerad av")
    updated_at = models.DateTimeField("senast sparad", auto_now=True)

    class Meta:
        verbose_name = "stödinsats"
        verbose_name_plural = "stödinsatser"
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.held_on} {self.get_activity_type_display()}: {self.title}"

    @property
    def participant_count(self) -> int:
        return sum(self.participants.values())


class Rubric(models.Model):
    """One version of the self-assessment rubric. ``definition`` holds its themes and criteria; a criterion that
    keeps its ``key`` into a later version is the same question, so rounds on both versions compare on it."""

    version = models.PositiveSmallIntegerField("version", unique=True)
    title = models.CharField("namn", max_length=200)
    published_on = models.DateField("gäller från")
    definition = models.JSONField("innehåll")

    class Meta:
        verbose_name = "självskattningsmall"
        verbose_name_plural = "självskattningsmallar"
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"{self.title}, version {self.version}"


class AssessmentRound(models.Model):
    """A unit's staff filling in a rubric together once. ``answers``: {criterion key: {"level", "evidence",
    "action_plan"}}."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="assessment_rounds", verbose_name="enhet")
    rubric = models.ForeignKey(Rubric, on_delete=models.PROTECT, verbose_name="mall")
    answers = models.JSONField("svar", default=dict)
    taken_part = models.TextField("vilka som deltog", blank=True)
    started_on = models.DateField("påbörjad")
    completed_on = models.DateField("klar", null=True, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name="senast sparad av")
    updated_at = models.DateTimeField("senast sparad", auto_now=True)

    class Meta:
        verbose_name = "självskattning"
        verbose_name_plural = "självskattningar"
        ordering = ["unit", "started_on", "pk"]

    def __str__(self) -> str:
        return f"{self.unit}: självskattning {self.started_on}"


class Article(models.Model):
    """An item of the knowledge library: written for fcatlas, or a reference to public guidance by title,
    publisher and year. ``based_on`` says what it rests on."""

    slug = models.SlugField("adress", max_length=120, unique=True)
    kind = models.CharField("slag", max_length=32, choices=ArticleKind.choices, default=ArticleKind.WRITTEN_HERE)
    title = models.CharField("rubrik", max_length=200)
    summary = models.TextField("sammanfattning")
    body = models.TextField("text", blank=True)
    based_on = models.TextField("bygger på")
    publisher = models.CharField("utgivare", max_length=200, blank=True)
    year = models.PositiveSmallIntegerField("år", null=True, blank=True)
    themes = models.JSONField("teman", default=list)
    target_roles = models.JSONField("för vem", default=list)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name="senast sparad av")
    updated_at = models.DateTimeField("senast sparad", auto_now=True)

    class Meta:
        verbose_name = "kunskapsunderlag"
        verbose_name_plural = "kunskapsbanken"
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class Revision(models.Model):
    """What an activity, an assessment round or an article held after one save: nothing saved is lost."""

    class Kind(models.TextChoices):
        ACTIVITY = "activity", "stödinsats"
        ASSESSMENT = "assessment", "självskattning"
        ARTICLE = "article", "kunskapsunderlag"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    object_id = models.PositiveIntegerField()
    data = models.JSONField()
    saved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    saved_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "object_id", "saved_at", "pk"]
        indexes = [models.Index(fields=["kind", "object_id"])]
