"""The start page's content is rendered once per version of the data: an edit is seen at the next request, and the
frame around the content (who is signed in, the CSRF token) is never kept for the next visitor."""

import re

import pytest

from fcatlas.registry.editing import remove_unit

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
