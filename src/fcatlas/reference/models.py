"""Sweden's reference geography: regions (län), kommuner, the Police's vulnerable areas, postcodes.

Geometries are GeoJSON geometry objects in WGS 84 (EPSG:4326), kept in JSON fields so the same
schema runs on SQLite and PostgreSQL without spatial extensions; spatial work happens in
``fcatlas.analysis`` with Shapely/GeoPandas (see docs/ARCHITECTURE.md).
"""

from django.db import models
from django.urls import reverse


class Region(models.Model):
    code = models.CharField("länskod", max_length=2, primary_key=True)
    name = models.CharField("namn", max_length=100)
    short_name = models.CharField("kort namn", max_length=100)
    geometry = models.JSONField("gräns (GeoJSON, WGS 84)")

    class Meta:
        ordering = ["code"]
        verbose_name = "region"
        verbose_name_plural = "regioner"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("region-detail", args=[self.code])


class Municipality(models.Model):
    code = models.CharField("kommunkod", max_length=4, primary_key=True)
    name = models.CharField("namn", max_length=100)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="municipalities")
    geometry = models.JSONField("gräns (GeoJSON, WGS 84)")

    class Meta:
        ordering = ["code"]
        verbose_name = "kommun"
        verbose_name_plural = "kommuner"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("municipality-detail", args=[self.code])


class VulnerableArea(models.Model):
    """One area on one of the Police's lists (lägesbild) of a given year."""

    class Category(models.TextChoices):
        VULNERABLE = "vulnerable", "Utsatt område"
        RISK = "risk", "Riskområde"
        ESPECIALLY_VULNERABLE = "especially_vulnerable", "Särskilt utsatt område"

    name = models.CharField("namn", max_length=200)
    year = models.PositiveSmallIntegerField("listår")
    category = models.CharField("kategori", max_length=32, choices=Category.choices)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="vulnerable_areas"
    )
    panel_id = models.PositiveIntegerField(
        "områdes-id i panelen 2015–2023", null=True, blank=True,
        help_text="Samma id för samma område över liståren (UO_panel).",
    )
    geometry = models.JSONField("gräns (GeoJSON, WGS 84)", null=True, blank=True)

    class Meta:
        ordering = ["-year", "municipality_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["year", "municipality", "name"], name="one_listing_per_year")
        ]
        verbose_name = "utsatt område"
        verbose_name_plural = "utsatta områden"

    def __str__(self) -> str:
        return f"{self.name} ({self.year})"


class Postcode(models.Model):
    code = models.CharField("postnummer", max_length=5, primary_key=True)
    locality = models.CharField("postort", max_length=100)
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="postcodes")

    class Meta:
        ordering = ["code"]
        verbose_name = "postnummer"
        verbose_name_plural = "postnummer"

    def __str__(self) -> str:
        return f"{self.code[:3]} {self.code[3:]} {self.locality}"
