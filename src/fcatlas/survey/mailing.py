"""Invitations and reminders by e-mail, sent by the task runner (django-tasks, database backend) so that 600
messages never hold a web request; each mailing records its progress as it goes."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from .models import Audience, Invitation, Mailing, MailingKind, Response, ResponseStatus, Wave
from .tokens import link_token

PROGRESS_EVERY = 10


class MailingError(ValueError):
    """A mailing that cannot be started; the message is Swedish."""


def link_of(invitation: Invitation) -> str:
    return settings.SITE_URL + reverse("survey-answer", kwargs={"token": link_token(invitation)})


def mail_leaves_the_machine() -> bool:
    return settings.EMAIL_BACKEND == "django.core.mail.backends.smtp.EmailBackend"


def recipients(wave: Wave, kind: str):
    """The active invitations with an address that this kind of mailing goes to: every one not yet invited, or
    (reminders) every invited one whose response is not submitted. The made-up addresses of synthetic demo units
    get mail only while mail stays on this machine (written to var/mail/), never through SMTP."""
    invitations = wave.invitations.filter(revoked_at__isnull=True).exclude(email="")
    if mail_leaves_the_machine():
        invitations = invitations.exclude(unit__synthetic=True)
    if kind == MailingKind.INVITATION:
        return invitations.filter(sent_at__isnull=True)
    submitted = Response.objects.filter(wave=wave, status=ResponseStatus.SUBMITTED, invitation=OuterRef("pk"))
    return invitations.filter(sent_at__isnull=False).exclude(Exists(submitted))


def message_for(invitation: Invitation, kind: str) -> EmailMessage:
    wave = invitation.wave
    whom = {Audience.UNIT: "enheten", Audience.MUNICIPALITY: "kommunen", Audience.REGION: "regionen"}[
        invitation.audience]
    synthetic = bool(invitation.unit and invitation.unit.synthetic)
    subject = (f"{'Påminnelse: ' if kind == MailingKind.REMINDER else ''}{wave.name} – {invitation.target_name}"
               + (" (syntetisk demodata)" if synthetic else ""))
    body = "\n".join([
        *(["SYNTETISK DEMODATA: enheten är påhittad för att visa hur kartläggningen fungerar.", ""] if synthetic
          else []),
        "Hej!",
        "",
        f"Folkhälsomyndigheten och Socialstyrelsen kartlägger familjecentraler och familjecentralsliknande "
        f"verksamheter i hela landet. Vi ber dig svara på enkäten för {whom} {invitation.target_name}.",
        "" if kind == MailingKind.INVITATION else "Vi har ännu inte fått ert svar, och vi är tacksamma om du kan "
                                                  "svara så snart som möjligt.",
        "",
        f"Din personliga länk (den öppnar enkäten utan inloggning; dela den bara med den som ska svara):",
        link_of(invitation),
        "",
        f"Enkäten är öppen till och med {wave.closes_on:%Y-%m-%d}. Svaren sparas medan du fyller i, och du kan "
        "komma tillbaka med samma länk. Uppgifter om enheten är ifyllda från registret; rätta det som har ändrats.",
        "",
        "Är du fel person att svara? Be samordnaren i din kommun eller region att skicka länken vidare.",
        "",
        "— In English: you are invited to answer the national mapping of family centres; the link above opens "
        "the questionnaire, which can also be answered in English.",
    ])
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [invitation.email])


def request_mailing(wave: Wave, kind: str, user=None, *, queue: bool = True) -> Mailing:
    """Record a mailing and (``queue``) hand it to the task runner once the record is committed."""
    if kind not in MailingKind.values:
        raise MailingError(f"Okänd sorts utskick: {kind}.")
    if wave.mailings.filter(kind=kind, finished_at__isnull=True).exists():
        raise MailingError("Ett utskick av samma sort pågår redan för omgången; vänta tills det är klart.")
    if not recipients(wave, kind).exists():
        raise MailingError("Det finns ingen att skicka till: alla med e-postadress har redan fått det här utskicket"
                           + (" eller svarat." if kind == MailingKind.REMINDER else "."))
    active = wave.invitations.filter(revoked_at__isnull=True)
    skipped = active.filter(email="").count() + (
        active.exclude(email="").filter(unit__synthetic=True).count() if mail_leaves_the_machine() else 0)
    mailing = Mailing.objects.create(wave=wave, kind=kind, requested_by=user if user and user.is_authenticated
                                     else None, total=recipients(wave, kind).count(), skipped=skipped)
    if queue:
        transaction.on_commit(lambda: send_mailing.enqueue(mailing.pk))
    return mailing


@task()
def send_mailing(mailing_id: int) -> dict:
    """Send one mailing's messages (the task runner's job)."""
    return deliver(Mailing.objects.select_related("wave").get(pk=mailing_id))


def deliver(mailing: Mailing, on_progress=None) -> dict:
    """Send a mailing's messages, saving its progress every few messages (``on_progress(sent_or_failed, total)``
    after each, for the command line's progress bar)."""
    if mailing.finished_at:
        return {"sent": mailing.sent, "failed": mailing.failed}
    mailing.started_at = mailing.started_at or timezone.now()
    targets = recipients(mailing.wave, mailing.kind)
    if mailing.kind == MailingKind.REMINDER:  # a task run again after a crash reminds nobody twice
        targets = targets.exclude(reminded_at__gte=mailing.requested_at)
    targets = list(targets.select_related("wave", "unit", "municipality", "region"))
    mailing.total = mailing.sent + len(targets)
    mailing.save(update_fields=["started_at", "total"])
    stamp = "sent_at" if mailing.kind == MailingKind.INVITATION else "reminded_at"
    with get_connection() as connection:
        for number, invitation in enumerate(targets, start=1):
            message = message_for(invitation, mailing.kind)
            message.connection = connection
            try:
                message.send()
            except Exception as error:  # one bad address or a refused message must not stop the others
                mailing.failed += 1
                mailing.errors = [*mailing.errors, {"invitation": invitation.pk, "email": invitation.email,
                                                    "error": str(error)[:300]}]
            else:
                mailing.sent += 1
                Invitation.objects.filter(pk=invitation.pk).update(**{stamp: timezone.now()})
            if number % PROGRESS_EVERY == 0:
                mailing.save(update_fields=["sent", "failed", "errors"])
            if on_progress:
                on_progress(number, len(targets))
    mailing.finished_at = timezone.now()
    mailing.save(update_fields=["sent", "failed", "errors", "finished_at"])
    return {"sent": mailing.sent, "failed": mailing.failed}


@task()
def send_invitation(invitation_id: int) -> bool:
    """Send one invitation (a forwarded link) by the task runner."""
    invitation = Invitation.objects.select_related("wave", "unit", "municipality", "region").get(pk=invitation_id)
    if invitation.revoked_at or not invitation.email:
        return False
    message_for(invitation, MailingKind.INVITATION).send()
    Invitation.objects.filter(pk=invitation.pk).update(sent_at=timezone.now())
    return True
