"""Who may write and issue which report: the national report is the national administrators'; a region's or a
kommun's profile report is also its coordinators'. Issued reports are public; drafts are for their writers."""

from fcatlas.accounts.models import Role
from fcatlas.accounts.permissions import role_of

from .models import Report, ReportStatus
from .scopes import Scope


def can_write_report(user, scope: Scope) -> bool:
    role = role_of(user)
    if role == Role.NATIONAL_ADMINISTRATOR:
        return True
    if role == Role.REGIONAL_COORDINATOR:
        return scope.kind in ("region", "municipality") and scope.code[:2] == user.membership.region_id
    if role == Role.MUNICIPAL_COORDINATOR:
        return scope.kind == "municipality" and scope.code == user.membership.municipality_id
    return False


def can_write_any_report(user) -> bool:
    return role_of(user) in (Role.NATIONAL_ADMINISTRATOR, Role.REGIONAL_COORDINATOR, Role.MUNICIPAL_COORDINATOR)


def can_read_report(user, report: Report) -> bool:
    return report.status == ReportStatus.ISSUED or can_write_report(user, report.scope)


def who_may_write(scope: Scope) -> str:
    """In Swedish: who may write a report on ``scope`` (for the 403 page)."""
    if scope.is_national:
        return "en nationell administratör"
    if scope.kind == "region":
        return f"en nationell administratör eller en regional samordnare för {scope.name}"
    return f"en nationell administratör, en regional samordnare i länet eller en kommunal samordnare för {scope.name}"
