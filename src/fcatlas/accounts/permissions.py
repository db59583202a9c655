"""Permission rules, enforced on the server for every page and API call.

- national administrator (or Django superuser): every unit;
- regional coordinator: units in their region;
- municipal coordinator: units in their kommun;
- reader and anonymous visitors: read only.
"""

from django.db.models import Q

from .models import Role


def role_of(user) -> str | None:
    if not user.is_authenticated:
        return None
    if user.is_superuser:
        return Role.NATIONAL_ADMINISTRATOR
    membership = getattr(user, "membership", None)
    return membership.role if membership else Role.READER


def editable_scope(user) -> Q | None:
    """A filter on ``Unit`` (or on ``Municipality`` via ``municipality__``) for what the user may edit; None: nothing."""
    role = role_of(user)
    if role == Role.NATIONAL_ADMINISTRATOR:
        return Q()
    if role == Role.REGIONAL_COORDINATOR:
        return Q(municipality__region_id=user.membership.region_id)
    if role == Role.MUNICIPAL_COORDINATOR:
        return Q(municipality_id=user.membership.municipality_id)
    return None


def can_edit_in_municipality(user, municipality_code: str) -> bool:
    role = role_of(user)
    if role == Role.NATIONAL_ADMINISTRATOR:
        return True
    if role == Role.REGIONAL_COORDINATOR:
        return municipality_code[:2] == user.membership.region_id
    if role == Role.MUNICIPAL_COORDINATOR:
        return municipality_code == user.membership.municipality_id
    return False


def can_edit_unit(user, unit) -> bool:
    return can_edit_in_municipality(user, unit.municipality_id)


def can_edit_any(user) -> bool:
    return editable_scope(user) is not None
