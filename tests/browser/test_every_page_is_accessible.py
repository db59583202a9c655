"""Accessibility as a gate: axe-core (WCAG 2.1 A and AA, and 2.2's target size) finds nothing on any page the
site serves as HTML — every route, logged in as a national administrator so that the staff pages show — nor in
the key states: errors shown, a map popup open, Arabic."""

import re
import sys
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from strategies import NOT_PAGES, url_routes  # noqa: E402

from fcatlas.support.loading import load_support  # noqa: E402

pytestmark = pytest.mark.browser
RULES = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}}
FOUR_CORE = ("maternal_health", "child_health", "open_preschool", "preventive_social_services")


MARKERS = {"exclude": [[".leaflet-marker-pane"]]}
"""Map markers are exempt from the target-size rule only: WCAG 2.5.8's 'equivalent' exception — every marker's
unit or area is also a link in the table or list beside its map."""


MAP_DRAWING = ".leaflet-container:not([data-ready='true'])"
"""A map that has not yet drawn what it fetched (the page's other content is there once it has loaded)."""


AXE = Axe()
CHECK = """async ([rules, markers]) => {
  const everything = await axe.run(document, rules);
  const targets = await axe.run(markers, {runOnly: {type: "rule", values: ["target-size"]}, resultTypes: ["violations"]});
  return [...everything.violations, ...targets.violations];
}"""
"""Both runs in one call, asking for violations only (axe then skips describing every node that passes)."""


def violations(page) -> list[str]:
    page.evaluate(AXE.axe_script)
    found = page.evaluate(CHECK, [RULES | {"rules": {"target-size": {"enabled": False}}, "resultTypes": ["violations"]},
                                  MARKERS])
    return [f"{page.url}: {v['id']} ({v['impact']}): {v['help']} at {v['nodes'][0]['target']}" for v in found]


def log_in(page, site, username):
    page.goto(site + "/konto/logga-in/")
    page.fill("#id_username", username)
    page.fill("#id_password", "lösen-ord-123")
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/enheter/|/konto/"))


def test_no_page_has_an_accessibility_violation(browser, site, make_user, make_unit):
    unit = make_unit(name="Familjecentralen Tillgänglig", municipality="1280", services=FOUR_CORE,
                     latitude=55.605, longitude=13.0038, phone="040-123 45 67")
    make_user("national_administrator", username="granskaren")
    load_support()
    page = browser.new_context(locale="sv-SE", viewport={"width": 1280, "height": 900}).new_page()
    refused = []  # what the Content-Security-Policy blocked: every script and style the pages need is allowed
    page.on("console", lambda message: refused.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text else None)
    log_in(page, site, "granskaren")
    found, checked, refusals = [], [], set()
    for path in url_routes():
        if NOT_PAGES.search(path):
            continue
        url = site + path.replace("{unit}", str(unit.pk))
        # Asked first without navigating: a bare answer (a 405 for a form's address) leaves Chromium's tab
        # navigating to its own error page, which would interrupt the next address's visit.
        answer = page.request.get(url)
        if "text/html" not in answer.headers.get("content-type", "") or answer.status not in (200, 403, 404):
            continue
        if answer.status >= 400:  # the same 403/404 page for every address it answers: checked once
            if answer.status in refusals:
                continue
            refusals.add(answer.status)
        page.goto(url)
        expect(page.locator(MAP_DRAWING)).to_have_count(0, timeout=20_000)
        found += violations(page)
        checked.append(path)
    assert len(checked) > 30
    assert not refused, "\n".join(refused)
    assert not found, "\n".join(found)


def test_the_key_states_have_no_accessibility_violation(browser, site, make_unit):
    make_unit(name="Familjecentralen Tillgänglig", municipality="1280", services=FOUR_CORE, latitude=55.605,
              longitude=13.0038)
    found = []
    page = browser.new_context(locale="sv-SE", viewport={"width": 390, "height": 800}).new_page()
    page.goto(site + "/konto/logga-in/")
    page.fill("#id_username", "ingen")
    page.fill("#id_password", "fel")
    page.click("button[type=submit]")
    page.wait_for_selector(".error")
    found += violations(page)  # a login error shown
    page.goto(site + "/hitta/?q=Xyzzyk%C3%B6ping")
    found += violations(page)  # a search that found nothing
    page.goto(site + "/kommun/1280/")
    page.wait_for_selector("#map[data-ready='true']", timeout=20_000)
    page.locator("#map .unit-marker").first.focus()
    page.keyboard.press("Enter")
    page.wait_for_selector(".leaflet-popup-content")
    page.wait_for_timeout(600)  # the popup fades in; axe measures contrast as it is drawn
    found += violations(page)  # a map popup open
    arabic = browser.new_context(locale="ar", viewport={"width": 320, "height": 640},
                                 extra_http_headers={"Accept-Language": "ar"}).new_page()
    for path in ("/hitta/?q=211+19", "/om/"):
        arabic.goto(site + path)
        found += violations(arabic)
    assert not found, "\n".join(found)
