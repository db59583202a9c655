import re

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile

from fcatlas.accounts.models import Membership, Role
from fcatlas.registry.models import Unit, UnitChange

pytestmark = pytest.mark.django_db

URL = "/enheter/import/"
GOOD = "namn;kommun;verksamheter\r\nFamiljecentralen Solen;Falu kommun;BVC, MVC\r\nBarnhälsan Mora;Mora;BVC\r\n"


@pytest.fixture(autouse=True)
def uploads_in_tmp(settings, tmp_path):
    settings.VAR_DIR = tmp_path


def login(client, role=Role.MUNICIPAL_COORDINATOR, **scope):
    user = User.objects.create_user(f"user-{role}")
    Membership.objects.create(user=user, role=role, **scope)
    client.force_login(user)
    return user


def upload(client, text: str, name: str = "enheter.csv"):
    return client.post(URL, {"step": "check", "fil": SimpleUploadedFile(name, text.encode("utf-8"))})


def token_in(page: str) -> str:
    return re.search(r'name="token" value="([^"]+)"', page)[1]


def test_an_editor_uploads_sees_the_check_and_nothing_is_written_until_confirming(client):
    login(client, Role.REGIONAL_COORDINATOR, region_id="20")
    page = upload(client, GOOD).content.decode()
    assert "Kontroll av enheter.csv" in page
    assert "2 rader: 2 nya, 0 ändras, 0 oförändrade, 0 med fel." in page
    assert "Läggs till som ny enhet" in page and "Falun" in page
    assert not Unit.objects.exists()

    page = client.post(URL, {"step": "confirm", "token": token_in(page)}).content.decode()
    assert "Filen enheter.csv är inläst: 2 nya, 0 ändrade och 0 oförändrade enheter." in page
    solen = Unit.objects.get(name="Familjecentralen Solen")
    assert (solen.municipality_id, solen.source, solen.source_detail) == ("2080", "import_file", "enheter.csv")
    assert solen.changes.get().changed_by.username == "user-regional_coordinator"


def test_errors_are_shown_per_row_and_column_and_there_is_nothing_to_confirm(client):
    login(client, Role.MUNICIPAL_COORDINATOR, municipality_id="2080")
    page = upload(client, "namn;kommun;status\r\nSolen;Falun;i drift\r\nMånen;Mora;kanske\r\nStjärnan;Falum;\r\n")
    html = page.content.decode()
    assert "3 rader: 1 nya, 0 ändras, 0 oförändrade, 2 med fel." in html
    assert "Du får inte ändra enheter i Mora på rad 3 (kolumn kommun)." in html
    assert "Okänd status &#x27;kanske&#x27; på rad 3 (kolumn status)." in html
    assert "Okänd kommun &#x27;Falum&#x27; på rad 4 (kolumn kommun). Menade du Falun?" in html
    assert 'name="token"' not in html
    assert not Unit.objects.exists()


def test_a_stale_or_foreign_token_is_refused_clearly_and_nothing_is_written(client):
    login(client, Role.NATIONAL_ADMINISTRATOR)
    token = token_in(upload(client, GOOD).content.decode())
    client.logout()
    login(client, Role.REGIONAL_COORDINATOR, region_id="20")  # another user, another session
    response = client.post(URL, {"step": "confirm", "token": token})
    assert response.status_code == 400
    assert "Kontrollen gjordes av någon annan. Ingenting har sparats." in response.content.decode()
    response = client.post(URL, {"step": "confirm", "token": "../../secret_key"})
    assert response.status_code == 400
    assert "Kontrollen känns inte igen." in response.content.decode()
    assert not Unit.objects.exists()


def test_confirming_twice_imports_once(client):
    login(client, Role.NATIONAL_ADMINISTRATOR)
    token = token_in(upload(client, GOOD).content.decode())
    assert client.post(URL, {"step": "confirm", "token": token}).status_code == 200
    assert client.post(URL, {"step": "confirm", "token": token}).status_code == 400
    assert Unit.objects.count() == 2 and UnitChange.objects.count() == 2


def test_uploading_the_same_file_again_shows_nothing_to_import(client):
    login(client, Role.NATIONAL_ADMINISTRATOR)
    client.post(URL, {"step": "confirm", "token": token_in(upload(client, GOOD).content.decode())})
    html = upload(client, GOOD).content.decode()
    assert "2 rader: 0 nya, 0 ändras, 2 oförändrade, 0 med fel." in html
    assert "Det finns inget att läsa in." in html
    assert 'name="token"' not in html


def test_a_reader_gets_403_and_an_anonymous_visitor_is_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/konto/logga-in/")
    login(client, Role.READER)
    assert client.get(URL).status_code == 403
    assert upload(client, GOOD).status_code == 403
    assert not Unit.objects.exists()


def test_the_upload_form_is_labelled_and_in_swedish(client):
    login(client, Role.NATIONAL_ADMINISTRATOR)
    html = client.get(URL).content.decode()
    assert '<label for="id_fil">Fil med enheter</label>' in html
    assert "Kontrollera filen" in html
    response = client.post(URL, {"step": "check"})
    assert response.status_code == 400
    assert "Välj en fil att läsa in" in response.content.decode()
