"""Giving a person the role of staff at one unit: the role (scoped to the unit's kommun) and the unit itself."""

from django.db import transaction

from fcatlas.accounts.models import Membership, Role
from fcatlas.accounts.roles import RoleError, grant_role
from fcatlas.registry.models import Unit

from .models import UnitStaff


@transaction.atomic
def grant_unit_staff(username: str, unit_id: int) -> Membership:
    unit = Unit.objects.filter(pk=unit_id).first()
    if unit is None:
        raise RoleError(f"Det finns ingen enhet med nummer {unit_id}.")
    membership = grant_role(username, Role.UNIT_STAFF, municipality=unit.municipality_id)
    UnitStaff.objects.update_or_create(user=membership.user, defaults={"unit": unit})
    return membership
