"""Giving people roles, where they land after logging in, their account page, and who may use the admin."""

import io

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from fcatlas.accounts.models import Membership, Role

pytestmark = pytest.mark.django_db


def grant(*args) -> str:
    out = io.StringIO()
    call_command("grant_role", *args, stdout=out)
    return out.getvalue()


def test_grant_role_gives_a_coordinator_their_kommun_and_they_land_on_its_units(client):
    User.objects.create_user("karin", password="lösen-ord-123")

    assert grant("karin", "municipal_coordinator", "--kommun", "1280") == "karin är nu kommunal samordnare för Malmö.\n"

    membership = Membership.objects.get(user__username="karin")
    assert (membership.role, membership.municipality_id, membership.region_id) == ("municipal_coordinator", "1280", None)
    response = client.post("/konto/logga-in/", {"username": "karin", "password": "lösen-ord-123"}, follow=True)
    assert response.redirect_chain[-1][0] == "/enheter/?municipality=1280"
    assert response.context["filters"]["municipality"] == "1280"


def test_a_regional_coordinator_lands_on_the_regions_units_and_a_new_role_replaces_the_old(client):
    user = User.objects.create_user("rolf", password="lösen-ord-123")
    grant("rolf", "municipal_coordinator", "--kommun", "1280")
    grant("rolf", "regional_coordinator", "--region", "12")

    assert Membership.objects.filter(user=user).count() == 1
    client.force_login(user)
    assert client.get("/konto/mina-enheter/")["Location"] == "/enheter/?region=12"


@pytest.mark.parametrize("args, message", [
    (("nobody", "reader"), "Det finns ingen användare 'nobody'"),
    (("karin", "municipal_coordinator"), "behöver en kommun"),
    (("karin", "regional_coordinator", "--region", "99"), "ingen region med kod '99'"),
    (("karin", "national_administrator", "--kommun", "1280"), "gäller hela landet"),
])
def test_grant_role_refuses_what_does_not_fit_in_swedish(args, message):
    User.objects.create_user("karin")
    with pytest.raises(CommandError, match=message):
        grant(*args)
    assert not Membership.objects.exists()


def test_my_account_shows_the_role_and_scope(client, make_user):
    client.force_login(make_user("regional_coordinator", region="20"))
    page = client.get("/konto/").content.decode()
    assert "Regional samordnare för Dalarnas län" in page
    assert "Du kan lägga till och ändra enheter i Dalarnas län" in page
    assert 'href="/enheter/?region=20"' in page


@pytest.mark.parametrize("role, scope, description, can", [
    ("support_officer", {}, "Stödhandläggare", "Du kan registrera stödinsatser i hela landet"),
    ("unit_staff", {"municipality": "1280"}, "Personal vid en enhet i Malmö", "Du kan fylla i er familjecentrals självskattning"),
])
def test_my_account_says_what_support_roles_may_do_and_not_that_they_edit_units(client, make_user, role, scope,
                                                                               description, can):
    client.force_login(make_user(role, **scope))
    page = client.get("/konto/").content.decode()
    assert description in page and can in page
    assert "Du kan lägga till och ändra enheter" not in page


def test_staff_of_a_unit_is_granted_through_the_unit_not_grant_role(make_user, make_unit):
    from fcatlas.support.models import UnitStaff

    user = make_user("reader", username="anna")
    unit = make_unit(name="FC Lund", municipality="1281")
    with pytest.raises(CommandError, match="invalid choice: 'unit_staff'"):
        grant("anna", "unit_staff", "--kommun", "1281")
    call_command("grant_unit_staff", "anna", str(unit.pk), stdout=io.StringIO())
    user.refresh_from_db()
    assert (user.membership.role, user.membership.municipality_id) == ("unit_staff", "1281")
    assert UnitStaff.objects.get(user=user).unit == unit
    with pytest.raises(CommandError, match="Det finns ingen enhet med nummer 999999."):
        call_command("grant_unit_staff", "anna", "999999")


def test_only_national_administrators_may_use_the_admin(client, make_user):
    assert client.get("/admin/")["Location"].startswith("/admin/login/")
    client.force_login(make_user("regional_coordinator", region="20"))
    assert client.get("/admin/").status_code == 302
    client.force_login(make_user("national_administrator"))
    page = client.get("/admin/").content.decode()
    assert "fcatlas administration" in page and "Enheter" in page and "Roller" in page


def test_the_admin_shows_units_and_their_history_but_does_not_change_them(client, make_user, make_unit):
    unit = make_unit(name="Familjecentralen Admin")
    client.force_login(make_user("national_administrator"))
    page = client.get(f"/admin/registry/unit/{unit.pk}/change/").content.decode()
    assert "Familjecentralen Admin" in page
    assert client.post(f"/admin/registry/unit/{unit.pk}/change/", {"name": "Ändrad i admin"}).status_code == 403
    assert client.post(f"/admin/registry/unit/{unit.pk}/delete/", {"post": "yes"}).status_code == 403
    unit.refresh_from_db()
    assert unit.name == "Familjecentralen Admin"


def test_a_national_administrator_gives_a_role_in_the_admin(client, make_user):
    person = User.objects.create_user("kim")
    client.force_login(make_user("national_administrator"))
    response = client.post("/admin/accounts/membership/add/", {"user": person.pk, "role": Role.MUNICIPAL_COORDINATOR,
                                                               "municipality": "2584"})
    assert response.status_code == 302
    assert Membership.objects.get(user=person).municipality_id == "2584"
