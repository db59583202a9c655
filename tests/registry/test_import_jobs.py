"""A big import is written by the task runner, not inside the web request: confirming queues it and returns at
once, the job's page follows it and keeps the result, an edit made meanwhile refuses it with the units that moved
on, and only its owner (or a national administrator) sees it."""

import re

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile

from fcatlas.accounts.models import Membership, Role
from fcatlas.registry.editing import save_unit
from fcatlas.registry.models import ImportJob, Unit, UnitChange

pytestmark = pytest.mark.django_db

URL = "/enheter/import/"
FILE = ("namn;kommun;verksamheter;besöksadress\r\n" + "".join(
    f"Familjecentralen {number};Falun;BVC, MVC, öppen förskola;Importgatan {number}\r\n" for number in range(1, 6)))


@pytest.fixture(autouse=True)
def small_jobs(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.IMPORT_JOB_ROWS = 3


def editor(client, username="karin", role=Role.MUNICIPAL_COORDINATOR):
    user = User.objects.create_user(username)
    Membership.objects.create(user=user, role=role, municipality_id="2080" if role != Role.NATIONAL_ADMINISTRATOR
                              else None)
    client.force_login(user)
    return user


def confirm(client, text=FILE):
    page = client.post(URL, {"step": "check", "fil": SimpleUploadedFile("enheter.csv", text.encode())}).content.decode()
    token = re.search(r'name="token" value="([^"]+)"', page)[1]
    return client.post(URL, {"step": "confirm", "token": token})


def test_confirming_a_big_import_queues_it_and_its_page_shows_the_result(client, run_worker,
                                                                         django_capture_on_commit_callbacks):
    editor(client)
    with django_capture_on_commit_callbacks(execute=True):
        response = confirm(client)
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/enheter/import/jobb/{job.pk}/"
    assert not Unit.objects.exists()  # nothing written inside the request
    waiting = client.get(response["Location"]).content.decode()
    assert "Väntar i kön: 5 enheter skrivs av systemets jobbkö, allt eller inget." in waiting
    assert '<meta http-equiv="refresh" content="3">' in waiting

    run_worker()
    job.refresh_from_db()
    assert (job.status, job.created, job.updated) == ("done", 5, 0)
    assert Unit.objects.filter(source="import_file", source_detail="enheter.csv").count() == 5
    assert UnitChange.objects.filter(changed_by__username="karin").count() == 5
    done = client.get(response["Location"]).content.decode()
    assert "Filen enheter.csv är inläst: 5 nya, 0 ändrade och 0 oförändrade enheter." in done
    assert "refresh" not in done


def test_an_edit_made_while_the_job_waits_refuses_it_and_keeps_the_edit(client, run_worker,
                                                                       django_capture_on_commit_callbacks):
    editor(client)
    units = [save_unit(None, {"name": f"Familjecentralen {number}", "municipality_id": "2080",
                              "services": {"child_health": {"principal": "region"}}}, source="manual_edit").unit
             for number in range(1, 6)]
    with django_capture_on_commit_callbacks(execute=True):
        response = confirm(client)
    save_unit(units[1], {"street_address": "Annas gata 5"}, source="manual_edit", expected_version=1)
    run_worker()
    job = ImportJob.objects.get()
    assert job.status == "refused"
    assert job.conflicts == [{"row": 3, "name": "Familjecentralen 2", "unit": units[1].pk, "planned_version": 1,
                              "current_version": 2}]
    assert Unit.objects.get(pk=units[1].pk).street_address == "Annas gata 5"
    assert not Unit.objects.filter(street_address__startswith="Importgatan").exists()
    page = client.get(response["Location"]).content.decode()
    assert "Ingenting har sparats: 1 enheter i filen har ändrats av någon annan" in page
    assert f'href="/enheter/{units[1].pk}/#historik"' in page


def test_a_small_import_is_still_written_at_once(client, settings):
    settings.IMPORT_JOB_ROWS = 1000
    editor(client)
    page = confirm(client).content.decode()
    assert "Filen enheter.csv är inläst: 5 nya" in page and not ImportJob.objects.exists()


def test_only_the_owner_and_national_administrators_see_a_job(client, django_capture_on_commit_callbacks):
    editor(client)
    with django_capture_on_commit_callbacks(execute=True):
        location = confirm(client)["Location"]
    other = client.__class__()
    editor(other, "olle")
    assert other.get(location).status_code == 404
    editor(other, "admin", Role.NATIONAL_ADMINISTRATOR)
    assert other.get(location).status_code == 200
