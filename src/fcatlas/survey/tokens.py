"""The personal links of invitations: signed (Django signing), single-purpose (their own salt), expiring, and
revoked when the invitation is forwarded or reassigned (the link names the invitation's current nonce)."""

from __future__ import annotations

from datetime import timedelta

from django.core import signing
from django.utils import timezone

from .models import Invitation

SALT = "fcatlas.survey.invitation"
GRACE = timedelta(days=30)
"""How long after a wave closes its links still open (to read a receipt or finish a late answer)."""
MAX_AGE = timedelta(days=400)


class LinkError(Exception):
    """A link that does not open a response; the message says why in Swedish, without revealing whose it was."""


def link_token(invitation: Invitation) -> str:
    return signing.dumps({"i": invitation.pk, "n": invitation.nonce}, salt=SALT, compress=True)


def invitation_for(token: str, *, today=None) -> Invitation:
    """The active invitation a link stands for, or ``LinkError``."""
    try:
        data = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.SignatureExpired:
        raise LinkError("Länken är för gammal. Be den som bjöd in dig om en ny länk.") from None
    except signing.BadSignature:
        raise LinkError("Länken är inte giltig. Kontrollera att hela länken från e-postmeddelandet kom med.") from None
    if not isinstance(data, dict):
        raise LinkError("Länken är inte giltig.")
    invitation = Invitation.objects.select_related("wave", "unit", "municipality", "region").filter(
        pk=data.get("i")).first()
    if invitation is None or invitation.nonce != data.get("n"):
        raise LinkError("Länken är inte giltig.")
    if invitation.revoked_at is not None:
        raise LinkError("Länken har ersatts av en ny. Använd den senaste länken du fått, eller be samordnaren om en.")
    today = today or timezone.localdate()
    if today > invitation.wave.closes_on + GRACE:
        raise LinkError(f"Kartläggningen {invitation.wave.name} stängde {invitation.wave.closes_on:%Y-%m-%d}.")
    if today < invitation.wave.opens_on:
        raise LinkError(f"Kartläggningen {invitation.wave.name} öppnar {invitation.wave.opens_on:%Y-%m-%d}.")
    return invitation
