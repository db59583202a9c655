"""Who may do what in the support programme, enforced on the server for every page.

- national administrator and support officer: record and change activities everywhere, edit the knowledge
  library, read every self-assessment;
- regional and municipal coordinators: read the activities and self-assessments of their region or kommun;
- staff of a unit: fill in their own unit's self-assessment and read the activities given to it;
- every logged-in person reads the knowledge library. Nobody changes another unit's self-assessment.
"""

from django.db.models import Q, QuerySet

from fcatlas.accounts.models import Role
from fcatlas.accounts.permissions import role_of

from .models import SupportActivity, UnitStaff

NATIONAL_SUPPORT_ROLES = {Role.NATIONAL_ADMINISTRATOR, Role.SUPPORT_OFFICER}


def staff_unit_id(user) -> int | None:
    """The unit a member of a unit's staff works at (None for everyone else)."""
    if role_of(user) != Role.UNIT_STAFF:
        return None
    return UnitStaff.objects.filter(user=user).values_list("unit_id", flat=True).first()


def can_record_activities(user) -> bool:
    return role_of(user) in NATIONAL_SUPPORT_ROLES


def can_edit_library(user) -> bool:
    return role_of(user) in NATIONAL_SUPPORT_ROLES


def can_see_activities(user) -> bool:
    return role_of(user) in NATIONAL_SUPPORT_ROLES | {Role.REGIONAL_COORDINATOR, Role.MUNICIPAL_COORDINATOR,
                                                      Role.UNIT_STAFF}


def visible_activities(user) -> QuerySet[SupportActivity]:
    role = role_of(user)
    activities = SupportActivity.objects.select_related("region", "municipality", "unit")
    if role in NATIONAL_SUPPORT_ROLES:
        return activities
    if role == Role.REGIONAL_COORDINATOR:
        return activities.filter(region_id=user.membership.region_id)
    if role == Role.MUNICIPAL_COORDINATOR:
        return activities.filter(municipality_id=user.membership.municipality_id)
    unit_id = staff_unit_id(user)
    return activities.filter(unit_id=unit_id) if unit_id else activities.none()


def can_fill_assessment(user, unit) -> bool:
    return staff_unit_id(user) == unit.pk


def can_read_assessment(user, unit) -> bool:
    role = role_of(user)
    if role in NATIONAL_SUPPORT_ROLES or can_fill_assessment(user, unit):
        return True
    if role == Role.REGIONAL_COORDINATOR:
        return unit.municipality_id[:2] == user.membership.region_id
    if role == Role.MUNICIPAL_COORDINATOR:
        return unit.municipality_id == user.membership.municipality_id
    return False


def assessable_units_filter(user) -> Q | None:
    """The units whose self-assessments ``user`` may read, as a filter on units (None: none at all)."""
    role = role_of(user)
    if role in NATIONAL_SUPPORT_ROLES:
        return Q()
    if role == Role.REGIONAL_COORDINATOR:
        return Q(municipality__region_id=user.membership.region_id)
    if role == Role.MUNICIPAL_COORDINATOR:
        return Q(municipality_id=user.membership.municipality_id)
    unit_id = staff_unit_id(user)
    return Q(pk=unit_id) if unit_id else None
