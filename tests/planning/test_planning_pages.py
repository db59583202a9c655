"""The planning pages: who may open them, and that they show the services' figures in Swedish."""

from html import escape

import pytest

from fcatlas.formatting import format_number
from fcatlas.planning.services import MAX_NEW_SITES, priority_list

pytestmark = pytest.mark.django_db

PLANNER_PAGES = ("/planering/", "/planering/forslag/", "/planering/forslag/?region=12&antal=2&radie=2000")


@pytest.fixture
def units(make_unit):
    """Two counting units in Skåne and one that does not count (BVC + MVC only)."""
    return [
        make_unit(name="FC Rosengård", municipality="1280", latitude=55.585, longitude=13.04),
        make_unit(name="FC Lund", municipality="1281", latitude=55.705, longitude=13.19),
        make_unit(name="BVC Ystad", municipality="1286", latitude=55.43, longitude=13.82,
                  services=("child_health", "maternal_health")),
    ]


@pytest.mark.parametrize("url", PLANNER_PAGES)
def test_visitors_are_sent_to_the_login_page(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/konto/logga-in/?next=/planering/")


@pytest.mark.parametrize("url", PLANNER_PAGES)
def test_readers_may_not_plan(client, make_user, url):
    client.force_login(make_user("reader"))
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("role, scope", [("municipal_coordinator", {"municipality": "1280"}),
                                         ("national_administrator", {})])
@pytest.mark.parametrize("url", PLANNER_PAGES)
def test_planners_may_open_the_planning_pages(client, make_user, role, scope, url):
    client.force_login(make_user(role, **scope))
    response = client.get(url)
    assert response.status_code == 200
    assert "/planering/prioritet/" in response.content.decode()


def test_the_scenario_page_opens_on_the_planners_region_with_map_table_and_form(client, make_user, units):
    client.force_login(make_user("municipal_coordinator", municipality="1280"))
    page = client.get("/planering/").content.decode()
    assert '<option value="12" selected>Skåne län</option>' in page
    assert 'data-boundaries-url="/api/v1/municipalities.geojson?region=12"' in page
    assert "Scenariot sparas inte i registret" in page
    assert "Källa: SCB, folkmängd per DeSO den 31 december 2022" in page
    assert 'data-demand-url="/api/v1/coverage/areas.geojson?region=12&amp;year=2025&amp;uncovered_only=true"' in page
    assert "Lägg till en tänkt enhet vid koordinat" in page
    assert f'data-close-unit="{units[0].pk}"' in page and f'data-close-unit="{units[1].pk}"' in page
    assert f'data-close-unit="{units[2].pk}"' not in page  # BVC + MVC only: not counted, cannot be closed
    assert '<option value="2000" selected>2\u00a0km</option>' in page


def test_a_regional_coordinator_plans_in_their_region(client, make_user):
    client.force_login(make_user("regional_coordinator", region="25"))
    assert "Pröva ett scenario i Norrbottens län" in client.get("/planering/").content.decode()
    assert '<option value="25" selected>' in client.get("/planering/forslag/").content.decode()


def test_the_scenario_page_falls_back_to_stockholm_and_explains_an_unknown_region(client, make_user):
    client.force_login(make_user("national_administrator"))
    assert "Pröva ett scenario i Stockholms län" in client.get("/planering/").content.decode()
    page = client.get("/planering/?region=99").content.decode()
    assert "Det finns ingen region med kod ”99”" in page and "Stockholms län" in page


def test_the_proposal_page_shows_n_sites_and_their_total(client, make_user, units):
    client.force_login(make_user("national_administrator"))
    response = client.get("/planering/forslag/", {"region": "12", "antal": "3", "radie": "2000"})
    page = response.content.decode()
    result = response.context["result"]
    assert page.count("<tr data-site>") == 3 == len(result["sites"])
    assert "3 nya enheter i Skåne län, radie 2\u00a0km" in page
    assert f'<td class="num" data-total>{format_number(result["children_newly_reached"])}</td>' in page
    assert result["children_newly_reached"] > 0
    assert "Källa: SCB, folkmängd per DeSO" in page
    assert 'id="proposal-sites"' in page
    assert "/planering/?region=12&amp;radie=2000&amp;ar=2025&amp;add=" in page
    names = [site["small_area_name"] for site in result["sites"]]
    assert all(f"<td>{escape(name)}</td>" in page for name in names)


@pytest.mark.parametrize("count, message", [
    (str(MAX_NEW_SITES + 1), f"Antalet nya enheter måste vara mellan 1 och {MAX_NEW_SITES}."),
    ("tre", f"Skriv antalet nya enheter som ett heltal mellan 1 och {MAX_NEW_SITES}, inte ”tre”."),
])
def test_an_invalid_count_is_explained_in_swedish_and_kept(client, make_user, count, message):
    client.force_login(make_user("municipal_coordinator", municipality="1280"))
    page = client.get("/planering/forslag/", {"region": "12", "antal": count, "radie": "5000"}).content.decode()
    assert f'<p class="error" id="proposal-error" role="alert">{escape(message)}</p>' in page
    assert f'name="antal" value="{count}"' in page
    assert '<option value="5000" selected>' in page
    assert "<tr data-site>" not in page


def test_the_exact_comparison_shows_the_gap(client, make_user, units):
    client.force_login(make_user("national_administrator"))
    page = client.get("/planering/forslag/", {"region": "12", "antal": "2", "exakt": "1"}).content.decode()
    assert "Jämförelse med exakt lösning (HiGHS)" in page and "lika bra som det bästa möjliga" in page
    assert 'name="exakt" value="1" checked' in page


def test_the_priority_list_is_public_and_explains_the_first_kommun(client, units):
    response = client.get("/planering/prioritet/", {"region": "12", "radie": "2000"})
    assert response.status_code == 200
    page = response.content.decode()
    first = priority_list(region="12", radius_m=2000)["rows"][0]
    assert escape(first["explanation"]) in page
    assert f'<a href="/kommun/{first["municipality_code"]}/?radie=2000&amp;ar=2025">{first["municipality_name"]}</a>' in page
    assert page.count('<a href="/kommun/12') == 33  # all of Skåne's kommuner
    assert "Så räknas poängen" in page and "Källa: SCB, folkmängd per DeSO" in page
    assert "Barn utom räckhåll i områden med socioekonomiska utmaningar" in page


def test_the_priority_weights_can_be_changed_on_the_page(client, units):
    response = client.get("/planering/prioritet/", {"vikt_uncovered_share": "0", "vikt_no_existing_units": "50"})
    rows = response.context["result"]["rows"]
    assert response.context["result"]["weights"]["no_existing_units"] == 50.0
    assert all(row["uncovered_share_points"] == 0 for row in rows)
    assert 'name="vikt_no_existing_units" value="50"' in response.content.decode()
    page = client.get("/planering/prioritet/", {"vikt_uncovered_share": "mycket"}).content.decode()
    assert "Vikten för ”Andel barn utom räckhåll” ska vara ett tal från 0 och uppåt, inte ”mycket”." in page


def test_the_priority_list_ranks_small_areas_too(client):
    response = client.get("/planering/prioritet/", {"niva": "omrade", "region": "14"})
    page = response.content.decode()
    assert "Prioritering av statistikområden i Västra Götalands län" in page
    first = response.context["rows"][0]
    assert f"#regso-{first['small_area_code']}\">{escape(first['name'])}</a>" in page


def test_the_priority_list_covers_the_whole_country_by_default(client):
    page = client.get("/planering/prioritet/").content.decode()
    assert "290 kommuner, med störst behov först" in page
