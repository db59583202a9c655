"""Giving a person a role: one function that the command line and the admin share."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction

from fcatlas.reference.models import Municipality, Region

from .models import Membership, Role


class RoleError(ValueError):
    """A role that cannot be given as asked; the message says why in Swedish."""


def describe(membership: Membership | None) -> str:
    """"Kommunal samordnare för Malmö", "Nationell administratör", "Läsare"."""
    if membership is None:
        return Role.READER.label
    if membership.role == Role.REGIONAL_COORDINATOR:
        return f"{membership.get_role_display()} för {membership.region.name}"
    if membership.role == Role.MUNICIPAL_COORDINATOR:
        return f"{membership.get_role_display()} för {membership.municipality.name}"
    if membership.role == Role.UNIT_STAFF:
        return f"{membership.get_role_display()} i {membership.municipality.name}"
    return membership.get_role_display()


@transaction.atomic
def grant_role(username: str, role: str, *, region: str | None = None, municipality: str | None = None) -> Membership:
    """Give ``username`` one role (replacing any earlier one), with the scope the role needs."""
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise RoleError(f"Det finns ingen användare {username!r}. Skapa den först (fcatlas createsuperuser eller admin).")
    if role not in Role.values:
        raise RoleError(f"Okänd roll {role!r}; välj någon av: {', '.join(Role.values)}.")
    found_region = found_municipality = None
    if role == Role.REGIONAL_COORDINATOR:
        if not region or municipality:
            raise RoleError("En regional samordnare behöver en region (--region KOD) och ingen kommun.")
        found_region = Region.objects.filter(code=region.zfill(2)).first()
        if found_region is None:
            raise RoleError(f"Det finns ingen region med kod {region!r}.")
    elif role in (Role.MUNICIPAL_COORDINATOR, Role.UNIT_STAFF):
        if not municipality or region:
            raise RoleError(f"En {Role(role).label.lower()} behöver en kommun (--kommun KOD) och ingen region.")
        found_municipality = Municipality.objects.filter(code=municipality.zfill(4)).first()
        if found_municipality is None:
            raise RoleError(f"Det finns ingen kommun med kod {municipality!r}.")
    elif region or municipality:
        raise RoleError(f"Rollen {Role(role).label.lower()} gäller hela landet och har ingen region eller kommun.")
    membership, _ = Membership.objects.update_or_create(
        user=user, defaults={"role": role, "region": found_region, "municipality": found_municipality})
    try:
        membership.full_clean()
    except ValidationError as error:
        raise RoleError("; ".join(error.messages)) from None
    return membership
