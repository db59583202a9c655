"""The audit log: one function writes every event; the signal handlers below record logins, failed logins,
lockouts, logouts and role changes wherever they happen (login page, admin, command line)."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import AuditEvent, Membership
from .roles import describe

MAX_USERNAME = 150


def client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") if request is not None else None


def record(action: str, *, user=None, username: str = "", request=None, detail: str = "") -> AuditEvent:
    if user is not None and not user.is_authenticated:
        user = None
    return AuditEvent.objects.create(action=action, user=user, username=(username or getattr(user, "username", "")
                                                                           )[:MAX_USERNAME],
                                     ip_address=client_ip(request), detail=detail)


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    record(AuditEvent.Action.LOGIN, user=user, request=request)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        record(AuditEvent.Action.LOGOUT, user=user, request=request)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    record(AuditEvent.Action.LOGIN_FAILED, username=str(credentials.get("username") or ""), request=request)


def _locked_out(sender, request, username, ip_address, **kwargs):
    record(AuditEvent.Action.LOCKED_OUT, username=str(username or ""), request=request,
           detail="Inloggningen spärrades efter för många misslyckade försök.")


@receiver(post_save, sender=Membership)
def _role_saved(sender, instance, raw=False, **kwargs):
    if raw:  # a restore loading a backup writes the rows as they were, the audit log's own among them
        return
    record(AuditEvent.Action.ROLE_GRANTED, username=instance.user.username, detail=describe(instance))


@receiver(post_delete, sender=Membership)
def _role_removed(sender, instance, **kwargs):
    record(AuditEvent.Action.ROLE_REMOVED, username=instance.user.username, detail=instance.get_role_display())


def connect_lockouts() -> None:
    from axes.signals import user_locked_out

    user_locked_out.connect(_locked_out, dispatch_uid="fcatlas-audit-locked-out")
