"""Invitations and reminders: queued by the page, sent by the task runner (django-tasks' database worker) through
a real SMTP server on loopback, each with a personal link that opens the survey."""

import re

import pytest
from django.core.management import call_command

from fcatlas.survey.models import Audience, Invitation, Mailing, MailingKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def inbox(smtp_inbox, settings):
    settings.SITE_URL = "http://testserver"
    return smtp_inbox


def body_of(message) -> str:
    return message.get_content()


def request(client, wave, kind):
    return client.post(f"/kartlaggning/{wave.pk}/utskick/", {"kind": kind}, follow=True)


def test_invitations_go_out_through_the_task_runner_and_their_links_open_the_survey(
        client, wave, inbox, make_user, surveyed_unit, django_capture_on_commit_callbacks, run_worker):
    client.force_login(make_user("national_administrator"))
    with django_capture_on_commit_callbacks(execute=True):
        page = request(client, wave, "invitation")

    assert "Inbjudningar till 1 mottagare skickas nu" in page.content.decode()
    assert inbox.messages == [], "the request only queues the mailing"
    run_worker()

    assert len(inbox.messages) == 1
    message = inbox.messages[0]
    assert message["To"] == "enkat@exempel.se"
    assert message["Subject"].strip() == "Kartläggning 2026 – Familjecentralen Enkät"
    link = re.search(r"http://testserver(/svar/\S+/)", body_of(message)).group(1)
    assert "Du svarar för <strong>Familjecentralen Enkät</strong>" in client.get(link).content.decode()
    mailing = Mailing.objects.get(wave=wave, kind=MailingKind.INVITATION)
    assert (mailing.total, mailing.sent, mailing.failed, mailing.done) == (1, 1, 0, True)
    assert mailing.skipped == 290 + 21 + 1, "kommuner, regions and the Lund unit have no address yet"
    assert Invitation.objects.get(wave=wave, unit=surveyed_unit).sent_at is not None
    shown = client.get(f"/kartlaggning/{wave.pk}/").content.decode()
    assert "klart – 1 skickade" in shown


def test_the_made_up_addresses_of_synthetic_units_get_no_mail_through_smtp(
        client, wave, inbox, make_user, make_unit, django_capture_on_commit_callbacks, run_worker):
    demo = make_unit(name="Familjecentralen Demo", municipality="1280", email="demo@exempel.se", synthetic=True)
    Invitation.objects.create(wave=wave, audience=Audience.UNIT, unit=demo, unit_number=demo.pk,
                              municipality=demo.municipality, region=demo.municipality.region, email=demo.email)
    client.force_login(make_user("national_administrator"))
    with django_capture_on_commit_callbacks(execute=True):
        request(client, wave, "invitation")
    run_worker()
    assert [m["To"] for m in inbox.messages] == ["enkat@exempel.se"]


def test_reminders_go_to_those_who_have_not_submitted_and_no_one_is_invited_twice(
        client, wave, inbox, make_user, django_capture_on_commit_callbacks, run_worker):
    client.force_login(make_user("national_administrator"))
    with django_capture_on_commit_callbacks(execute=True):
        request(client, wave, "invitation")
    run_worker()
    with django_capture_on_commit_callbacks(execute=True):
        again = request(client, wave, "invitation")
    assert "Det finns ingen att skicka till" in again.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        request(client, wave, "reminder")
    run_worker()

    assert [m["Subject"].strip() for m in inbox.messages] == ["Kartläggning 2026 – Familjecentralen Enkät",
                                                      "Påminnelse: Kartläggning 2026 – Familjecentralen Enkät"]
    assert "Vi har ännu inte fått ert svar" in body_of(inbox.messages[1])


def test_a_forwarded_link_is_mailed_to_the_new_address_and_the_old_link_stops(
        client, wave, inbox, make_user, unit_link, django_capture_on_commit_callbacks, run_worker):
    coordinator = make_user("municipal_coordinator", municipality="1280")
    client.force_login(coordinator)
    invitation = Invitation.objects.get(wave=wave, audience=Audience.MUNICIPALITY, municipality="1280")
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(f"/kartlaggning/{wave.pk}/inbjudan/{invitation.pk}/vidarebefordra/",
                           {"email": "samordnare@malmo.exempel.se"}, follow=True)
    assert "En ny länk för Malmö skickas till samordnare@malmo.exempel.se" in page.content.decode()
    run_worker()
    assert [m["To"] for m in inbox.messages] == ["samordnare@malmo.exempel.se"]

    lund = Invitation.objects.get(wave=wave, audience=Audience.MUNICIPALITY, municipality="1281")
    refused = client.post(f"/kartlaggning/{wave.pk}/inbjudan/{lund.pk}/vidarebefordra/", {"email": "x@lund.se"})
    assert refused.status_code == 403, "a coordinator forwards only their own area's links"


def test_the_command_line_sends_a_mailing_with_its_progress(wave, inbox):
    import io

    output = io.StringIO()
    call_command("survey", "send", "Kartläggning 2026", stdout=output)
    assert "Inbjudningar: 1 skickade, 0 misslyckades, 312 utan e-postadress eller syntetiska." in \
        output.getvalue().replace("\n", " ")
    assert [m["To"] for m in inbox.messages] == ["enkat@exempel.se"]
