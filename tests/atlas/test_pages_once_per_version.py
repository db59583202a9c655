"""Pages rendered once per version of the data (the start page, a unit's page): an edit is seen at the next request,
and nothing of one visitor (who is signed in, the CSRF token, an editor's links and names) is kept for the next."""

import re

import pytest

from fcatlas.registry.editing import remove_unit, save_unit

pytestmark = pytest.mark.django_db


def total_units(response) -> str:
    return re.search(r'<th scope="row">Totalt</th><td class="num">([^<]+)</td>', response.content.decode())[1]


def test_a_unit_added_or_removed_is_counted_on_the_start_page_at_the_next_request(client, make_unit):
    make_unit("Familjecentralen Ett")
    assert total_units(client.get("/")) == "1"
    assert total_units(client.get("/")) == "1"  # the same content, from the cache

    second = make_unit("Familjecentralen Två", municipality="0180")
    assert total_units(client.get("/")) == "2"

    remove_unit(second, expected_version=second.version)
    assert total_units(client.get("/")) == "1"


def test_another_police_year_is_other_content(client):
    latest = client.get("/").content.decode()
    earlier = client.get("/", {"ar": "2015"}).content.decode()

    assert "Polisens utsatta områden 2015" in earlier and "Polisens utsatta områden 2015" not in latest


def test_the_signed_in_user_and_the_csrf_token_are_not_kept_for_the_next_visitor(client, make_user):
    client.force_login(make_user("national_administrator", username="anna"))
    signed_in = client.get("/")
    assert "Logga ut anna" in signed_in.content.decode()
    client.logout()

    anonymous = client.get("/")

    page = anonymous.content.decode()
    assert "anna" not in page and "Logga in" in page
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', signed_in.content.decode())[1]
    assert token not in page
    assert total_units(anonymous) == total_units(signed_in)


def test_an_edit_to_a_unit_is_on_its_page_at_the_next_request(client, make_unit):
    unit = make_unit("Familjecentralen Före")
    assert "Familjecentralen Före" in client.get(f"/enheter/{unit.pk}/").content.decode()

    save_unit(unit, {"name": "Familjecentralen Efter", "phone": "08-123 45 67"}, source="manual_edit",
              expected_version=1)

    page = client.get(f"/enheter/{unit.pk}/").content.decode()
    assert "<h1>Familjecentralen Efter" in page and "08-123 45 67" in page


def test_an_editor_s_links_and_name_on_a_unit_page_are_not_shown_to_the_visitor_after_them(client, make_unit,
                                                                                            make_user):
    unit = make_unit("Familjecentralen Öster", municipality="1280")
    editor = make_user("municipal_coordinator", municipality="1280", username="berit")
    save_unit(unit, {"phone": "040-12 34 56"}, user=editor, source="manual_edit", expected_version=1)
    client.force_login(editor)
    seen_by_editor = client.get(f"/enheter/{unit.pk}/").content.decode()
    assert "Ändra uppgifterna" in seen_by_editor and "<td>berit</td>" in seen_by_editor
    client.logout()

    seen_by_visitor = client.get(f"/enheter/{unit.pk}/").content.decode()

    assert "Ändra uppgifterna" not in seen_by_visitor and "berit" not in seen_by_visitor
    assert "040-12 34 56" in seen_by_visitor
