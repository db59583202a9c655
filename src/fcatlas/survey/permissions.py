"""Who may do what with a survey: national administrators run waves, send mail and review answers into the
registry; regional and municipal coordinators follow their own area's responses and forward its links."""

from django.db.models import Q, QuerySet

from fcatlas.accounts.models import Role
from fcatlas.accounts.permissions import role_of

from .models import Audience, Invitation


def can_run_surveys(user) -> bool:
    return role_of(user) == Role.NATIONAL_ADMINISTRATOR


def can_follow_up(user) -> bool:
    return role_of(user) in (Role.NATIONAL_ADMINISTRATOR, Role.REGIONAL_COORDINATOR, Role.MUNICIPAL_COORDINATOR)


def scope_filter(user, prefix: str = "") -> Q | None:
    """The invitations or responses a user follows up (None: none at all; an empty Q: all)."""
    role = role_of(user)
    if role == Role.NATIONAL_ADMINISTRATOR:
        return Q()
    membership = getattr(user, "membership", None)
    if role == Role.REGIONAL_COORDINATOR and membership and membership.region_id:
        return Q(**{f"{prefix}region_id": membership.region_id})
    if role == Role.MUNICIPAL_COORDINATOR and membership and membership.municipality_id:
        return Q(**{f"{prefix}municipality_id": membership.municipality_id}) & ~Q(**{f"{prefix}audience":
                                                                                      Audience.REGION})
    return None


def visible_invitations(user, invitations: QuerySet[Invitation]) -> QuerySet[Invitation]:
    scope = scope_filter(user)
    return invitations.none() if scope is None else invitations.filter(scope)


def can_forward(user, invitation: Invitation) -> bool:
    return visible_invitations(user, Invitation.objects.filter(pk=invitation.pk)).exists()
