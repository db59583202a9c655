"""The knowledge library: a Swedish starter set on every theme, real full-text search with Swedish stemming
(PostgreSQL's text search or SQLite FTS5), and editing by support staff in the web interface, versioned."""

import pytest
from django.db import connection

from fcatlas.support.library import search
from fcatlas.support.models import Article, Revision
from fcatlas.support.vocabulary import ArticleKind, Theme
from posting import opened_revision

pytestmark = pytest.mark.django_db


def test_the_starter_library_covers_every_theme_and_says_what_each_item_is_based_on(support_material):
    articles = list(Article.objects.all())
    assert support_material.articles_added == len(articles) >= len(Theme.values)
    assert set(Theme.values) <= {theme for article in articles for theme in article.themes}
    assert all(article.based_on and article.summary for article in articles)
    references = [a for a in articles if a.kind == ArticleKind.PUBLIC_GUIDANCE]
    assert references and all(a.publisher and a.year for a in references)


def test_loading_again_keeps_what_editors_changed(support_material, client, make_user):
    from fcatlas.support.loading import load_support

    article = Article.objects.get(slug="samverkansavtal-och-styrgrupp")
    article.title = "Ändrad av redaktören"
    article.save()
    again = load_support()
    assert again.articles_added == 0 and again.articles_kept == Article.objects.count()
    assert Article.objects.get(pk=article.pk).title == "Ändrad av redaktören"


@pytest.mark.parametrize("typed, word_in_article", [("våld", "våldet"), ("föräldraskap", "föräldraskapet")])
def test_search_finds_the_inflected_form_of_what_a_person_types(support_material, typed, word_in_article):
    found = search(typed)
    assert found, f"nothing found for {typed!r} on {connection.vendor}"
    assert any(word_in_article in f"{a.title} {a.summary} {a.body}".lower() for a in found)


def test_search_needs_every_word_and_is_not_a_substring_match(support_material):
    assert [a.slug for a in search("hedersrelaterat förtryck")][0] == "hedersrelaterat-vald-och-fortryck"
    assert search("ldet") == []  # inside a word: "våldet" is not found by its middle
    assert search("xyzzy våld") == []


def test_the_library_page_searches_and_filters_by_theme(client, make_user, support_material):
    client.force_login(make_user("unit_staff", municipality="1280"))
    page = client.get("/stod/kunskapsbank/", {"q": "pappor"}).content.decode()
    assert "1 träff på ”pappor”" in page and "Jämställt föräldraskap: att nå pappor och partner" in page
    page = client.get("/stod/kunskapsbank/", {"tema": "older_children"}).content.decode()
    assert "Äldre barn: familjecentralen efter förskoleåldern" in page and "Att fråga om våld" not in page


def test_a_support_officer_adds_an_article_that_search_then_finds(client, make_user, support_material):
    client.force_login(make_user("support_officer"))
    response = client.post("/stod/kunskapsbank/ny/", {
        "kind": "written_here", "title": "Trygghetsvandringar med föräldrar", "summary": "Om att gå runt i området.",
        "body": "Trygghetsvandringarna görs tillsammans med bostadsbolaget.", "based_on": "Erfarenheter från Malmö.",
        "themes": ["vulnerable_areas"], "target_roles": ["unit_staff"]})
    article = Article.objects.get(title="Trygghetsvandringar med föräldrar")
    assert response.status_code == 302 and response["Location"] == f"/stod/kunskapsbank/{article.slug}/"
    assert [a.pk for a in search("trygghetsvandring")] == [article.pk]
    assert [a.pk for a in search("bostadsbolag")] == [article.pk]
    edit_url = f"/stod/kunskapsbank/{article.slug}/andra/"
    response = client.post(edit_url, {
        "kind": "written_here", "title": "Trygghetsvandringar", "summary": "Om att gå runt i kvarteret.",
        "body": "", "based_on": "Erfarenheter från Malmö.", "themes": ["vulnerable_areas"],
        "revision": opened_revision(client, edit_url)})
    assert response.status_code == 302
    assert search("bostadsbolag") == [] and [a.pk for a in search("kvarteret")] == [article.pk]
    assert Revision.objects.filter(kind="article", object_id=article.pk).count() == 2


def test_an_article_without_its_basis_is_refused_in_swedish_and_the_text_kept(client, make_user, support_material):
    client.force_login(make_user("support_officer"))
    before = Article.objects.count()
    response = client.post("/stod/kunskapsbank/ny/", {
        "kind": "public_guidance", "title": "En vägledning", "summary": "Kort.", "based_on": "", "year": "tjugo",
        "themes": []})
    page = response.content.decode()
    assert response.status_code == 400 and Article.objects.count() == before
    for message in ("Bygger på behöver fyllas i.", "Året ska vara ett årtal som 2024, inte ”tjugo”.",
                    "En hänvisning till offentlig vägledning behöver en utgivare.", "Välj minst ett tema."):
        assert message in page
    assert 'value="En vägledning"' in page


@pytest.mark.parametrize("role, scope", [("regional_coordinator", {"region": "12"}), ("unit_staff", {"municipality": "1280"}),
                                         ("reader", {})])
def test_only_support_staff_edit_the_library(client, make_user, support_material, role, scope):
    client.force_login(make_user(role, **scope))
    assert client.get("/stod/kunskapsbank/").status_code == 200
    assert client.get("/stod/kunskapsbank/ny/").status_code == 403
    assert client.post("/stod/kunskapsbank/samverkansavtal-och-styrgrupp/andra/", {"title": "x"}).status_code == 403
