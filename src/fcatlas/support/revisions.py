"""Each save of an activity, an assessment round or an article is kept as a ``Revision``. A form carries the
revision it was opened at; a save made from an older one is refused, so that nobody overwrites a colleague's
change without seeing it (the refused form comes back with everything typed)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from .models import Revision


class StaleEdit(Exception):
    """The record was saved by someone else after the form was opened, or the form did not say when it was
    opened; nothing was saved. ``newest`` is the revision to open the form at again."""

    def __init__(self, newest: Revision | None, *, posted_without_revision: bool = False):
        self.newest = newest
        if posted_without_revision:
            message = ("Formuläret saknar fältet ”revision” (vilken version du öppnade), så ändringen kan inte "
                       "jämföras med den sparade. Ladda om sidan och gör ändringen igen.")
        else:
            who = newest.saved_by.get_username() if newest and newest.saved_by else "någon annan"
            when = timezone.localtime(newest.saved_at).strftime("%Y-%m-%d %H:%M") if newest else ""
            message = (f"{who} sparade en nyare version ({when}) efter att du öppnade sidan. Det du skrev är inte "
                       "sparat men finns kvar i formuläret: jämför med den sparade versionen och spara igen.")
        super().__init__(message)


def newest(kind: str, object_id: int) -> Revision | None:
    return Revision.objects.filter(kind=kind, object_id=object_id).select_related("saved_by").order_by("-pk").first()


def form_revision(kind: str, instance: models.Model | None) -> str:
    """What an edit form of ``instance`` carries in its ``revision`` field."""
    latest = newest(kind, instance.pk) if instance is not None and instance.pk else None
    return str(latest.pk) if latest else ""


def check_current(kind: str, instance: models.Model, posted: str | None) -> None:
    """Refuse a save of ``instance`` from a form opened at revision ``posted`` (``None``: the form had no such
    field) unless that is still the newest. Locks the record's row until the transaction ends, so that two saves
    of the same revision cannot both pass."""
    list(type(instance).objects.select_for_update().filter(pk=instance.pk).values_list("pk"))
    latest = newest(kind, instance.pk)
    if posted is None:
        raise StaleEdit(latest, posted_without_revision=True)
    if str(posted).strip() != (str(latest.pk) if latest else ""):
        raise StaleEdit(latest)


def keep(kind: str, object_id: int, user, data: dict) -> Revision:
    return Revision.objects.create(kind=kind, object_id=object_id, saved_by=user if user is not None and
                                   user.is_authenticated else None, data=data)
