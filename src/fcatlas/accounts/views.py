"""The account pages: what a person may do, and where they start after logging in."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse

from .models import Role
from .permissions import EDITING_ROLES, role_of
from .roles import describe


@login_required
def my_account(request):
    membership = getattr(request.user, "membership", None)
    role = role_of(request.user)
    return render(request, "accounts/my_account.html", {
        "role": role, "description": describe(membership) if not request.user.is_superuser else
        f"{Role.NATIONAL_ADMINISTRATOR.label} (superanvändare)",
        "membership": membership, "can_edit": role in EDITING_ROLES,
        "units_url": _units_url(request.user),
    })


def _units_url(user) -> str:
    membership = getattr(user, "membership", None)
    role = role_of(user)
    if role == Role.REGIONAL_COORDINATOR:
        return f"{reverse('unit-list')}?region={membership.region_id}"
    if role == Role.MUNICIPAL_COORDINATOR:
        return f"{reverse('unit-list')}?municipality={membership.municipality_id}"
    return reverse("unit-list")


@login_required
def my_units(request):
    """Where a person lands after logging in: their own kommun's or region's units."""
    return redirect(_units_url(request.user))
