"""Every state has a page in the site frame, in Swedish: 403 says why and who grants access, 404 and 500 say
what to do; "Om atlasen", help, contact, the personal-data notice and the accessibility statement exist."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def in_the_frame(page: str) -> bool:
    return '<html lang="sv" dir="ltr">' in page and 'name="viewport"' in page and "Hoppa till innehållet" in page


def test_a_page_that_does_not_exist_is_a_swedish_404_in_the_site_frame(client):
    response = client.get("/finns-inte/")
    page = response.content.decode()
    assert response.status_code == 404 and in_the_frame(page)
    assert "Sidan finns inte" in page and 'href="/hitta/"' in page


def test_a_forbidden_page_says_why_and_who_can_grant_access(client, make_user):
    client.force_login(make_user("reader", username="lasaren"))
    response = client.get("/planering/")
    page = response.content.decode()
    assert response.status_code == 403 and in_the_frame(page)
    assert "Du har inte behörighet till den här sidan" in page
    assert "Behörighet ger en nationell administratör" in page and "Du är inloggad som lasaren" in page


def test_a_server_error_is_a_swedish_500_in_the_site_frame(settings):
    from django.urls import include, path

    def broken(request):
        raise RuntimeError("trasigt")

    settings.ROOT_URLCONF = type("urls", (), {"urlpatterns": [path("trasig/", broken), path("", include("fcatlas.urls"))]})
    client = Client(raise_request_exception=False)
    response = client.get("/trasig/")
    page = response.content.decode()
    assert response.status_code == 500 and in_the_frame(page)
    assert "Något gick fel hos oss" in page and "trasigt" not in page


@pytest.mark.parametrize("path, heading", [
    ("/om/", "Om atlasen"), ("/hjalp/", "Hjälp"), ("/kontakt/", "Kontakt"),
    ("/personuppgifter/", "Så behandlar vi personuppgifter"), ("/tillganglighet/", "Tillgänglighetsredogörelse"),
])
def test_the_pages_about_the_atlas_are_linked_from_every_page(client, path, heading):
    page = client.get(path).content.decode()
    assert f"<h1>{heading}</h1>" in page and in_the_frame(page)
    assert f'href="{path}"' in client.get("/").content.decode()


def test_the_accessibility_statement_follows_digg_s_structure(client):
    page = client.get("/tillganglighet/").content.decode()
    sections = ["Hur tillgänglig är webbplatsen?", "Vad kan du göra om du inte kan använda delar av webbplatsen?",
                "Rapportera brister i webbplatsens tillgänglighet", "Tillsyn",
                "Teknisk information om webbplatsens tillgänglighet", "Innehåll som inte är tillgängligt",
                "Hur vi testat webbplatsen"]
    positions = [page.index(section) for section in sections]
    assert positions == sorted(positions)
    assert "delvis förenlig" in page and "WCAG 2.1 på nivå AA" in page and "Redogörelsen uppdaterades senast" in page


def test_the_login_page_tells_what_is_kept_about_the_person(client):
    page = client.get("/konto/logga-in/").content.decode()
    assert "Så behandlar vi personuppgifter" in page and 'href="/personuppgifter/"' in page
