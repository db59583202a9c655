"""Reports: the national report to the government (redovisning) and the regional and municipal profiles.

A ``Report`` holds the agencies' own words (conclusions and proposals), every saved revision of them
(``ReportTextRevision``), and, once issued, a frozen copy of its whole content — figures, tables, drawn charts and
maps — with a checksum, so that the issued document never changes when the registry does and can be reproduced.
``ReportFile`` is a built PDF, HTML or XLSX file, made by a task, never inside a request.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse

from .scopes import SCOPE_KINDS, Scope


class ReportStatus(models.TextChoices):
    DRAFT = "draft", "Utkast"
    ISSUING = "issuing", "Fastställs"
    ISSUED = "issued", "Fastställd"


class Report(models.Model):
    title = models.CharField("titel", max_length=200)
    scope_kind = models.CharField("omfattning", max_length=16, choices=list(SCOPE_KINDS.items()))
    scope_code = models.CharField("kod", max_length=4, blank=True)
    scope_name = models.CharField("område", max_length=100)
    reference = models.CharField("diarienummer", max_length=60, blank=True)
    radius_m = models.PositiveIntegerField("radie (m)", default=2000)
    police_year = models.PositiveSmallIntegerField("Polisens lista (år)")
    compare_on = models.DateField("jämför med registret den", null=True, blank=True,
                                  help_text="Rapportens kapitel om förändring visar registret den dagen bredvid dagens.")
    conclusions = models.TextField("slutsatser", blank=True)
    proposals = models.TextField("förslag", blank=True)
    text_revision = models.PositiveIntegerField("textversion", default=0)
    status = models.CharField("status", max_length=16, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    content = models.JSONField("fryst innehåll", null=True, blank=True, editable=False)
    content_sha256 = models.CharField("kontrollsumma", max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField("skapad", auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name="skapad av")
    issued_at = models.DateTimeField("fastställd", null=True, blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+", verbose_name="fastställd av")

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "rapport"
        verbose_name_plural = "rapporter"

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("report-detail", args=[self.pk])

    @property
    def scope(self) -> Scope:
        return Scope(self.scope_kind, self.scope_code, self.scope_name if self.scope_kind != "national" else "Sverige")

    @property
    def editable(self) -> bool:
        return self.status == ReportStatus.DRAFT


class ReportTextRevision(models.Model):
    """One saved version of a report's own words: nothing written is lost."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="revisions")
    revision = models.PositiveIntegerField("version")
    conclusions = models.TextField("slutsatser", blank=True)
    proposals = models.TextField("förslag", blank=True)
    saved_at = models.DateTimeField("sparad", auto_now_add=True)
    saved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+", verbose_name="sparad av")

    class Meta:
        ordering = ["report", "-revision"]
        constraints = [models.UniqueConstraint(fields=["report", "revision"], name="one_report_text_per_revision")]


class FileFormat(models.TextChoices):
    PDF = "pdf", "PDF"
    XLSX = "xlsx", "Excel (XLSX)"
    HTML = "html", "HTML"


class FileStatus(models.TextChoices):
    QUEUED = "queued", "Byggs"
    DONE = "done", "Klar"
    FAILED = "failed", "Misslyckades"


class ReportFile(models.Model):
    """A built file of a report, or of a profile (then ``report`` is empty and ``scope`` says which place)."""

    report = models.ForeignKey(Report, null=True, blank=True, on_delete=models.CASCADE, related_name="files")
    scope = models.CharField("omfattning", max_length=20)
    radius_m = models.PositiveIntegerField("radie (m)")
    police_year = models.PositiveSmallIntegerField("Polisens lista (år)")
    data_version = models.CharField("datats version", max_length=200, blank=True)
    format = models.CharField("format", max_length=8, choices=FileFormat.choices)
    status = models.CharField("status", max_length=8, choices=FileStatus.choices, default=FileStatus.QUEUED)
    data = models.BinaryField("fil", null=True, blank=True)
    as_of = models.CharField("uppgifternas läge", max_length=40, blank=True)
    content_sha256 = models.CharField("innehållets kontrollsumma", max_length=64, blank=True)
    error = models.TextField("fel", blank=True)
    requested_at = models.DateTimeField("beställd", auto_now_add=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    built_at = models.DateTimeField("byggd", null=True, blank=True)
    seconds = models.FloatField("byggtid (s)", null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
