import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def open_map(page, url):
    page.goto(url)
    page.wait_for_selector("#map[data-ready='true']", timeout=20_000)


def test_the_start_page_map_shows_all_290_kommuner_and_a_legend(page, site):
    open_map(page, site + "/")
    expect(page.locator("#map path.kommun")).to_have_count(290)
    legend = page.locator(".map-figure figcaption")
    for label in ("Kommungräns", "Särskilt utsatt område", "Riskområde", "Utsatt område",
                  "Familjecentral", "Familjecentralsliknande verksamhet", "Uppfyller inte definitionen"):
        expect(legend).to_contain_text(label)
    expect(page.locator("#map .area-marker")).to_have_count(65)  # the 2025 list, the default


def test_choosing_a_year_shows_that_list_on_the_map_and_in_the_table(page, site):
    open_map(page, site + "/")
    page.select_option("#ar", "2015")
    page.locator(".place-choices button[type=submit]").first.click()
    page.wait_for_url("**ar=2015**")
    page.wait_for_selector("#map[data-ready='true']", timeout=20_000)
    expect(page.locator("#map .area-marker")).to_have_count(53)
    expect(page.locator("#area-table tbody tr")).to_have_count(53)
    expect(page.locator("#ar")).to_have_value("2015")
    expect(page.locator("a[href='/region/25/?ar=2015']").first).to_be_attached()


def test_area_markers_are_reachable_by_keyboard(page, site):
    open_map(page, site + "/")
    marker = page.locator("#map .area-marker").first
    marker.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".leaflet-popup-content")).to_be_visible()


def test_the_kommun_page_map_highlights_the_kommun(page, site):
    open_map(page, site + "/kommun/1280/")
    expect(page.locator("#map path.kommun-focus")).to_have_count(1)
    expect(page.locator("#map .area-marker")).to_have_count(4)


def test_units_appear_on_the_map_by_classification_and_open_by_keyboard(page, site, make_unit):
    make_unit(name="FC Rosengård", latitude=55.585, longitude=13.04, synthetic=True,
              services=("maternal_health", "child_health", "open_preschool", "preventive_social_services"))
    make_unit(name="FC Kiruna", municipality="2584", latitude=67.85, longitude=20.22)
    open_map(page, site + "/")
    expect(page.locator("#map .unit-marker.class-family_centre")).to_have_count(1)
    expect(page.locator("#map .unit-marker.class-similar_service")).to_have_count(1)
    page.locator("#map .unit-marker[title^='FC Rosengård']").focus()
    page.keyboard.press("Enter")
    popup = page.locator(".leaflet-popup-content")
    expect(popup).to_contain_text("Familjecentral (syntetisk demodata)")
    expect(page.locator(".banner", has_text="Syntetisk demodata")).to_be_visible()


def test_the_coverage_choropleth_colours_kommuner_with_a_legend(page, site, make_unit):
    make_unit(name="FC Kiruna", municipality="2584", latitude=67.8558, longitude=20.2253)
    open_map(page, site + "/")
    legend = page.locator("[data-coverage-legend]")
    expect(legend).to_be_hidden()
    page.check("#show-coverage")
    expect(page.locator("#map")).to_have_attribute("data-coverage-shown", "true")
    expect(legend).to_be_visible()
    expect(legend).to_contain_text("80–100")
    darkest = page.locator("#map path.kommun[fill='#54278f']")
    assert darkest.count() > 200


def test_the_region_page_colours_its_regso_by_children_out_of_reach_or_by_area_type(page, site):
    open_map(page, site + "/region/25/")
    expect(page.locator("#map path.kommun")).to_have_count(14)
    areas = page.locator("#map path.small-area")
    count = int(page.locator("#map").get_attribute("data-small-area-count"))
    assert count > 80
    expect(areas).to_have_count(count)
    # No unit: every RegSO with children is darkest; Repisvaara-Dundret (new in 2025) has no 2022 figures.
    expect(page.locator("#map path.small-area[fill='#54278f']")).to_have_count(count - 1)
    expect(page.locator("[data-legend-uncovered]")).to_be_visible()
    page.check("input[name=regso-colour][value=area_type]")
    expect(page.locator("#map")).to_have_attribute("data-small-area-colour", "area_type")
    expect(page.locator("[data-legend-area-type]")).to_be_visible()
    expect(page.locator("[data-legend-uncovered]")).to_be_hidden()
    assert page.locator("#map path.small-area[fill='#54278f']").count() == 0
    assert page.locator("#map path.small-area[fill='#deebf7']").count() > 20  # type 4, the commonest


def test_the_kommun_page_shows_its_regso_and_where_the_children_live(page, site):
    open_map(page, site + "/kommun/1480/")
    count = int(page.locator("#map").get_attribute("data-small-area-count"))
    expect(page.locator("#small-area-table tbody tr")).to_have_count(count)
    assert int(page.locator("#map").get_attribute("data-demand-count")) > 1000


def test_a_keyboard_gets_past_the_map_in_one_press_and_no_kommun_shape_is_a_tab_stop(page, site):
    open_map(page, site + "/")
    expect(page.locator("#map path.kommun[tabindex='-1']")).to_have_count(290)
    skip = page.locator("a.skip-map")
    skip.focus()
    expect(skip).to_have_text("Hoppa över kartan")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "map-efter"
    page.keyboard.press("Tab")
    assert page.evaluate("!document.activeElement.closest('#map')")


def test_many_units_are_grouped_into_numbered_clusters_that_say_what_they_hold(page, site, make_unit):
    for number in range(45):
        make_unit(name=f"FC {number:02d}", municipality="0180", latitude=59.25 + number / 400, longitude=18.05)
    open_map(page, site + "/")
    expect(page.locator("#map")).to_have_attribute("data-units-clustered", "true")
    cluster = page.locator("#map .unit-cluster").first
    expect(cluster).to_have_attribute("role", "button")
    expect(cluster).to_contain_text("45 enheter här; zooma in (plus) för att se dem")
    before = page.locator("#map").get_attribute("data-zoom")
    cluster.click()
    expect(page.locator("#map")).not_to_have_attribute("data-zoom", before)  # polled without eval: the CSP forbids it
    assert float(page.locator("#map").get_attribute("data-zoom")) > float(before)
