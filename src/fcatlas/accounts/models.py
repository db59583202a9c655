"""Who may do what: every user has one role with a scope (a region or a kommun)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from fcatlas.reference.models import Municipality, Region


class Role(models.TextChoices):
    NATIONAL_ADMINISTRATOR = "national_administrator", "Nationell administratör"
    REGIONAL_COORDINATOR = "regional_coordinator", "Regional samordnare"
    MUNICIPAL_COORDINATOR = "municipal_coordinator", "Kommunal samordnare"
    SUPPORT_OFFICER = "support_officer", "Stödhandläggare"
    UNIT_STAFF = "unit_staff", "Personal vid en enhet"
    READER = "reader", "Läsare"


class Membership(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership")
    role = models.CharField("roll", max_length=32, choices=Role.choices, default=Role.READER)
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT, verbose_name="region")
    municipality = models.ForeignKey(Municipality, null=True, blank=True, on_delete=models.PROTECT,
                                     verbose_name="kommun")

    class Meta:
        verbose_name = "roll"
        verbose_name_plural = "roller"
        constraints = [
            models.CheckConstraint(name="scope_matches_role", condition=(
                models.Q(role="regional_coordinator", region__isnull=False, municipality__isnull=True)
                | models.Q(role__in=["municipal_coordinator", "unit_staff"], municipality__isnull=False,
                           region__isnull=True)
                | models.Q(role__in=["national_administrator", "support_officer", "reader"], region__isnull=True,
                           municipality__isnull=True)
            )),
        ]

    def __str__(self) -> str:
        scope = self.region or self.municipality
        return f"{self.user}: {self.get_role_display()}" + (f" ({scope})" if scope else "")

    def clean(self):
        if self.role == Role.REGIONAL_COORDINATOR and not self.region_id:
            raise ValidationError({"region": "En regional samordnare behöver en region."})
        if self.role in (Role.MUNICIPAL_COORDINATOR, Role.UNIT_STAFF) and not self.municipality_id:
            raise ValidationError({"municipality": f"En {self.get_role_display().lower()} behöver en kommun."})


class AuditEvent(models.Model):
    """Who did what that the registry's own history does not hold: logins, failed logins, lockouts, role grants,
    and exports of personal data. Rows are only ever added."""

    class Action(models.TextChoices):
        LOGIN = "login", "Inloggning"
        LOGIN_FAILED = "login_failed", "Misslyckad inloggning"
        LOCKED_OUT = "locked_out", "Utelåst efter för många försök"
        LOGOUT = "logout", "Utloggning"
        ROLE_GRANTED = "role_granted", "Roll given"
        ROLE_REMOVED = "role_removed", "Roll borttagen"
        PERSONAL_DATA_EXPORT = "personal_data_export", "Export av personuppgifter"

    at = models.DateTimeField("tid", auto_now_add=True, db_index=True)
    action = models.CharField("händelse", max_length=32, choices=Action.choices)
    username = models.CharField("användarnamn", max_length=150, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+", verbose_name="användare")
    ip_address = models.GenericIPAddressField("IP-adress", null=True, blank=True)
    detail = models.TextField("detaljer", blank=True)

    class Meta:
        verbose_name = "händelse i granskningsloggen"
        verbose_name_plural = "granskningslogg"
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()} {self.username}"
