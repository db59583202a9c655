"""Saved, named scenarios: a planner's imagined new units and closed units in a region, kept so that others can
open them, see the before and after, and download it."""

from urllib.parse import urlencode

from django.conf import settings
from django.db import models
from django.urls import reverse

from fcatlas.reference.models import Region


class SavedScenario(models.Model):
    name = models.CharField("namn", max_length=120)
    description = models.TextField("beskrivning", max_length=2000, blank=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name="region")
    radius_m = models.PositiveIntegerField("radie (m)")
    police_year = models.PositiveSmallIntegerField("Polisens lista (år)")
    additions = models.JSONField("tänkta enheter", default=list, help_text="[[longitud, latitud], …] i WGS 84")
    closures = models.JSONField("stängda enheter", default=list, help_text="enheternas nummer")
    created_at = models.DateTimeField("sparat", auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name="sparat av")

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "sparat scenario"
        verbose_name_plural = "sparade scenarier"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("planning-saved-scenario", args=[self.pk])

    def scenario_query(self) -> str:
        """The scenario page's query that opens this scenario on the map."""
        return urlencode([("region", self.region_id), ("radie", self.radius_m), ("ar", self.police_year)]
                         + [("add", f"{lon:.5f},{lat:.5f}") for lon, lat in self.additions]
                         + [("close", unit_id) for unit_id in self.closures])
