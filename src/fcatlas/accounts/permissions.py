"""Permission rules, enforced on the server for every page and API call.

- national administrator (or Django superuser): every unit;
- regional coordinator: units in their region;
- municipal coordinator: units in their kommun;
- support officer (the national support programme), staff of one unit (their unit's self-assessment, in
  ``fcatlas.support``), reader and anonymous visitors: the registry read only.
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from fcatlas.reference.models import Municipality

from .models import Role

EDITING_ROLES = {Role.NATIONAL_ADMINISTRATOR, Role.REGIONAL_COORDINATOR, Role.MUNICIPAL_COORDINATOR}


def role_of(user) -> str | None:
    if not user.is_authenticated:
        return None
    if user.is_superuser:
        return Role.NATIONAL_ADMINISTRATOR
    membership = getattr(user, "membership", None)
    return membership.role if membership else Role.READER


def editable_municipalities(user) -> QuerySet[Municipality]:
    """The kommuner whose units the user may create and edit (none for readers and visitors)."""
    role = role_of(user)
    if role == Role.NATIONAL_ADMINISTRATOR:
        return Municipality.objects.all()
    if role == Role.REGIONAL_COORDINATOR:
        return Municipality.objects.filter(region_id=user.membership.region_id)
    if role == Role.MUNICIPAL_COORDINATOR:
        return Municipality.objects.filter(code=user.membership.municipality_id)
    return Municipality.objects.none()


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
    return role_of(user) in EDITING_ROLES


def allowed_if(check):
    """A view decorator: logged in (else the login page) and ``check(user)`` true (else the 403 page)."""
    def decorate(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not check(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)
        return wrapped
    return decorate
