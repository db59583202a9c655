"""A parent on a phone finds the nearest centres by keyboard alone, or by sharing the phone's position."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

pytestmark = pytest.mark.browser
WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
FOUR_CORE = ("maternal_health", "child_health", "open_preschool", "preventive_social_services")


@pytest.fixture
def centres(make_unit):
    make_unit(name="Familjecentralen Hjällbo", municipality="1480", services=FOUR_CORE, longitude=11.9386,
              latitude=57.7696, phone="031-365 00 00")
    make_unit(name="Familjecentralen Backa", municipality="1480", services=FOUR_CORE, longitude=11.9833,
              latitude=57.7417)
    make_unit(name="Familjecentralen Lindome", municipality="1481", services=FOUR_CORE, longitude=12.0747,
              latitude=57.5760)


def test_a_postcode_typed_on_a_phone_by_keyboard_gives_three_centres(browser, site, centres):
    context = browser.new_context(locale="sv-SE", viewport={"width": 320, "height": 640})
    page = context.new_page()
    page.goto(site + "/hitta/")
    page.locator("#q").focus()
    page.keyboard.type("415 05")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"q=415"))
    expect(page.locator(".found h3")).to_have_count(3)
    expect(page.locator(".found h3").first).to_have_text("Familjecentralen Backa")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert Axe().run(page, options=WCAG_21_AA).response["violations"] == []
    context.close()


def test_the_phone_s_position_gives_the_centres_nearest_it(browser, site, centres):
    context = browser.new_context(locale="sv-SE", viewport={"width": 360, "height": 740},
                                  geolocation={"latitude": 57.7696, "longitude": 11.9386}, permissions=["geolocation"])
    page = context.new_page()
    page.goto(site + "/hitta/")
    page.get_by_role("button", name="Använd min position").click()
    page.wait_for_url(re.compile(r"lat=57\.7696"))
    expect(page.locator("#results-heading")).to_have_text("Närmast dig")
    expect(page.locator(".found h3").first).to_have_text("Familjecentralen Hjällbo")
    page.wait_for_selector("#map[data-ready='true']", timeout=20_000)
    expect(page.locator("#map .unit-marker")).to_have_count(3)
    context.close()


def test_in_arabic_the_page_runs_right_to_left_on_a_phone_with_nothing_cut_off(browser, site, centres, tmp_path):
    context = browser.new_context(locale="ar", viewport={"width": 320, "height": 640},
                                  extra_http_headers={"Accept-Language": "ar"})
    page = context.new_page()
    page.goto(site + "/hitta/?q=415+05")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("h1")).to_have_text("ابحث عن مركز أسرة")
    heading = page.locator("h1").bounding_box()
    assert heading["x"] + heading["width"] > 320 - 40  # it starts at the right edge
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    cut = page.evaluate("""() => [...document.querySelectorAll('main h1, main h2, main h3, main p, main dt, main dd')]
        .filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.textContent.slice(0, 40))""")
    assert cut == []
    assert Axe().run(page, options=WCAG_21_AA).response["violations"] == []
    page.screenshot(path=str(tmp_path / "hitta-ar-320.png"), full_page=True)
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    expect(page.locator("h1")).to_have_text("Find a family centre")
    assert "q=415" in page.url  # the switch keeps the page
    context.close()
