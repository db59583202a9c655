"""Every page fits a 320 px wide phone: no sideways scrolling of the page itself (wide tables scroll in their box)
— every HTML route the site serves, logged in so that the staff pages show, and the public pages in Arabic."""

import re
import sys
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from strategies import NOT_PAGES, url_routes  # noqa: E402

pytestmark = pytest.mark.browser


def test_no_page_scrolls_sideways_on_a_320_px_screen(browser, site, make_user, make_unit):
    unit = make_unit(name="Familjecentralen Smal med ett mycket långt namn, Rosengård", municipality="1280",
                     latitude=55.585, longitude=13.04, email="en-mycket-lang-adress.till.familjecentralen@exempel.se",
                     website="https://www.exempel.se/familjecentralen/rosengard/oppettider-och-kontakt")
    make_user("national_administrator", username="smal")
    context = browser.new_context(locale="sv-SE", viewport={"width": 320, "height": 640})
    page = context.new_page()
    page.goto(site + "/konto/logga-in/")
    page.fill("#id_username", "smal")
    page.fill("#id_password", "lösen-ord-123")
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/enheter/|/konto/"))

    too_wide, checked = {}, 0
    paths = [path for path in url_routes() if not NOT_PAGES.search(path)] + [
        "/hitta/?q=212+11", "/oversikt/?region=12", "/finns-inte/"]
    for path in paths:
        try:
            response = page.goto(site + path.replace("{unit}", str(unit.pk)))
        except PlaywrightError:
            continue
        if response is None or "text/html" not in response.headers.get("content-type", ""):
            continue
        checked += 1
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 320:
            too_wide[path] = width
    context.close()
    assert checked > 60
    assert too_wide == {}


def test_no_public_page_scrolls_sideways_in_arabic(browser, site, make_unit):
    unit = make_unit(name="Familjecentralen Rosengård", municipality="1280", latitude=55.585, longitude=13.04)
    context = browser.new_context(locale="ar", viewport={"width": 320, "height": 640},
                                  extra_http_headers={"Accept-Language": "ar"})
    page = context.new_page()
    too_wide = {}
    for path in ("/hitta/", "/hitta/?q=212+11", f"/enheter/{unit.pk}/", "/om/"):
        page.goto(site + path)
        assert page.evaluate("document.documentElement.dir") == "rtl", path
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 320:
            too_wide[path] = width
    context.close()
    assert too_wide == {}
