import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def log_in(page, site, username):
    page.goto(site + "/konto/logga-in/")
    page.fill("#id_username", username)
    page.fill("#id_password", "lösen-ord-123")
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/enheter/"))


def open_map(page, url):
    page.goto(url)
    page.wait_for_selector("#planning-map[data-ready='true']", timeout=20_000)


def change_cell(page, row_label):
    return page.locator("#delta-places tbody tr", has=page.locator("th", has_text=row_label)).locator("td").nth(3)


def test_a_planner_adds_a_unit_on_the_map_and_closes_one_by_keyboard(page, site, make_user, make_unit):
    user = make_user("national_administrator")
    make_unit(name="FC Rosengård", municipality="1280", latitude=55.585, longitude=13.04)
    make_unit(name="FC Lund", municipality="1281", latitude=55.705, longitude=13.19)
    log_in(page, site, user.username)
    open_map(page, site + "/planering/?region=12&radie=10000")
    expect(page.locator("#planning-map path.kommun")).to_have_count(33)
    expect(page.locator("#planning-map .unit-marker")).to_have_count(2)
    expect(page.locator("#delta-places caption")).to_contain_text("folkmängd per DeSO den 31 december 2022")
    assert int(page.locator("#planning-map").get_attribute("data-demand-count")) > 100  # where children are out of reach
    expect(change_cell(page, "Hela landet")).to_have_text("0")

    # Skåne's middle, 30 km from both units: a new unit there reaches children no unit reaches today.
    page.locator("#planning-map").click()
    expect(page.locator("#planning-map .new-unit-marker")).to_have_count(1)
    expect(change_cell(page, "Hela landet")).to_have_text(re.compile(r"^\+\d"))
    expect(page.locator("[data-scenario-changes] li")).to_have_text([re.compile(r"^Ny enhet \(förslag\) 1 vid lat 5")])
    expect(page.locator("[data-scenario-summary]")).to_contain_text("fler barn 0–5 år inom 10\u00a0km")
    assert "add=" in page.url

    marker = page.locator("#planning-map .unit-marker[title^='FC Rosengård']")
    marker.focus()
    page.keyboard.press("Enter")
    button = page.locator(".leaflet-popup-content button[data-popup-close]")
    expect(button).to_have_text("Stäng i scenariot")
    expect(button).to_be_focused()
    page.keyboard.press("Enter")
    expect(button).to_have_text("Öppna igen i scenariot")
    expect(marker).to_have_class(re.compile("scenario-closed"))
    expect(page.locator("[data-scenario-changes] li").nth(1)).to_contain_text("Stängd: FC Rosengård")
    expect(change_cell(page, "Malmö (kommun)")).to_have_text(re.compile("^\u2212\\d"))
    expect(page.locator("#unit-table button[aria-pressed='true']")).to_have_text("Öppna igen i scenariot")

    page.locator("[data-scenario-changes] button[aria-label='Ta bort Ny enhet (förslag) 1']").click()
    expect(page.locator("#planning-map .new-unit-marker")).to_have_count(0)
    expect(page.locator("[data-scenario-changes] li")).to_have_count(1)


def test_a_planner_saves_the_scenario_on_the_map_under_a_name(page, site, make_user, make_unit):
    user = make_user("regional_coordinator", region="12")
    make_unit(name="FC Rosengård", municipality="1280", latitude=55.585, longitude=13.04)
    log_in(page, site, user.username)
    open_map(page, site + "/planering/?region=12&radie=10000")
    page.locator("#planning-map").click()
    expect(page.locator("#planning-map .new-unit-marker")).to_have_count(1)
    page.fill("#scenario-name", "En ny i mitten av Skåne")
    page.click("form[data-save-scenario] button[type=submit]")
    page.wait_for_url(re.compile(r"/planering/scenarier/\d+/$"))
    expect(page.locator("h1")).to_have_text("Scenario: En ny i mitten av Skåne")
    expect(page.locator("table caption")).to_contain_text("före och efter scenariot")
    national = page.locator("tbody tr", has=page.locator("th", has_text="Sverige")).locator("td").nth(4)
    assert float(national.inner_text().replace("\u00a0", "").replace("\u2212", "-").replace(",", ".")) > 0


def test_the_coordinate_form_adds_a_unit_and_explains_a_bad_value(page, site, make_user, make_unit):
    user = make_user("municipal_coordinator", municipality="1280")
    make_unit(name="FC Lund", municipality="1281", latitude=55.705, longitude=13.19)
    log_in(page, site, user.username)
    open_map(page, site + "/planering/")
    expect(page.locator("#region")).to_have_value("12")
    page.fill("#add-lat", "45")
    page.fill("#add-lon", "13")
    page.click("text=Lägg till enhet")
    expect(page.locator("[data-add-error]")).to_have_text(re.compile("^Latitud: skriv ett tal mellan 55 och 69,2"))
    expect(page.locator("#add-lat")).to_be_focused()
    page.fill("#add-lat", "55,605")
    page.fill("#add-lon", "13,003")
    page.click("text=Lägg till enhet")
    expect(page.locator("[data-add-error]")).to_be_hidden()
    expect(page.locator("#planning-map .new-unit-marker")).to_have_count(1)
    expect(change_cell(page, "Malmö (kommun)")).to_have_text(re.compile(r"^\+\d"))


def test_the_proposal_map_numbers_the_sites_like_the_table(page, site, make_user):
    user = make_user("national_administrator")
    log_in(page, site, user.username)
    open_map(page, site + "/planering/forslag/?region=12&antal=3&radie=2000")
    expect(page.locator("#planning-map .proposal-marker")).to_have_text(["1", "2", "3"])
    expect(page.locator("#proposal-table tbody tr")).to_have_count(3)
