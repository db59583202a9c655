import re

import pytest

pytestmark = pytest.mark.django_db


def test_the_kommun_page_names_the_kommun_its_region_and_its_areas(client):
    page = client.get("/kommun/1280/").content.decode()
    assert "<h1>Malmö</h1>" in page
    assert 'href="/region/12/">Skåne län</a>' in page
    assert "Rosengård söder om Amiralsgatan" in page
    assert "Polisens lista 2025: 4 områden" in page


def test_a_kommun_without_areas_says_so(client):
    page = client.get("/kommun/2584/").content.decode()
    assert "<h1>Kiruna</h1>" in page
    assert "inget område på någon av Polisens listor" in page


def test_an_unknown_kommun_code_is_not_found(client):
    assert client.get("/kommun/9999/").status_code == 404


def test_the_region_page_lists_its_kommuner(client):
    page = client.get("/region/25/").content.decode()
    assert "<h1>Norrbottens län</h1>" in page
    assert len(set(re.findall(r'href="/kommun/(25\d\d)/"', page))) == 14


def test_the_kommun_list_links_all_290_kommuner(client):
    page = client.get("/kommun/").content.decode()
    assert len(set(re.findall(r'href="/kommun/(\d{4})/"', page))) == 290


def test_the_start_page_offers_every_list_year_and_a_text_alternative(client):
    page = client.get("/").content.decode()
    for year in (2015, 2017, 2019, 2021, 2023, 2025):
        assert f'<option value="{year}"' in page
    assert "Polisens utsatta områden 2025: <span data-area-count>65</span>" in page
    assert '<option value="2025" selected>' in page
    assert 'aria-label="Karta över Sveriges kommuner' in page
    assert "SCB (kommungränser" in page


def test_the_year_in_the_address_chooses_the_police_list_and_stays_in_links(client):
    page = client.get("/?ar=2023&radie=5000").content.decode()
    assert "Polisens utsatta områden 2023: <span data-area-count>59</span>" in page
    assert '<option value="2023" selected>' in page
    assert 'href="/region/12/?radie=5000&amp;ar=2023"' in page
    assert "i Polisens utsatta områden (lista 2023)" in page
    assert "year=2023" in page  # the map's layers ask for the same list


def test_an_unknown_year_falls_back_to_the_newest_list(client):
    page = client.get("/?ar=2024").content.decode()
    assert '<option value="2025" selected>' in page


def test_the_start_page_compares_the_regions_and_sorts_them(client, make_unit):
    make_unit(municipality="2584", latitude=67.8558, longitude=20.2253)
    response = client.get("/", {"sortera": "-share_covered"})
    rows = response.context["comparison"]["rows"]
    assert len(rows) == 21
    assert rows[0]["code"] == "25"  # the only region with a unit
    norrbotten = rows[0]
    assert norrbotten["units"] == 1
    assert norrbotten["units_per_10000"] == pytest.approx(10_000 / norrbotten["children"])
    page = response.content.decode()
    assert 'aria-sort="descending"' in page
    assert "sortera=share_covered" in page  # clicking again sorts ascending


def test_the_comparison_figures_match_the_coverage_of_each_place(client, make_unit):
    from fcatlas.planning.services import coverage_report

    make_unit(municipality="1280", latitude=55.5855, longitude=13.0395)
    rows = {row["code"]: row for row in client.get("/region/12/").context["comparison"]["rows"]}
    assert len(rows) == 33
    malmo = coverage_report(municipality="1280")
    assert rows["1280"]["children"] == pytest.approx(malmo["children"])
    assert rows["1280"]["share_covered"] == pytest.approx(malmo["share_covered"])
    challenged = [a for a in malmo["area_types"] if a["type"] in (1, 2)]
    expected = 1 - sum(a["uncovered"] for a in challenged) / sum(a["children"] for a in challenged)
    assert rows["1280"]["share_covered_challenged"] == pytest.approx(expected)
    assert rows["1281"]["share_covered_police"] in (0.0, None)


def test_the_kommun_list_sorts_all_290_by_a_column(client):
    response = client.get("/kommun/", {"sortera": "-children"})
    rows = response.context["comparison"]["rows"]
    assert len(rows) == 290
    assert [row["name"] for row in rows[:3]] == ["Stockholm", "Göteborg", "Malmö"]
    names = [row["name"] for row in client.get("/kommun/").context["comparison"]["rows"]]
    assert names[-3:] == ["Östra Göinge", "Överkalix", "Övertorneå"]  # Swedish order: Å, Ä, Ö last
    assert names.index("Zinkgruvan" if "Zinkgruvan" in names else "Ystad") < names.index("Åre") < names.index(
        "Älmhult") < names.index("Örebro")


def test_the_kommun_page_lists_its_regso_with_area_type_and_police_category(client):
    response = client.get("/kommun/1480/")
    rows = {row["code"]: row for row in response.context["small_areas"]["rows"]}
    assert len(rows) == 147
    assert rows["1480R049"]["name"] == "Hjällbo västra"
    assert rows["1480R049"]["area_type_label"] == "1 Stora socioekonomiska utmaningar"
    assert rows["1480R049"]["police_category_label"] == "Särskilt utsatt område"
    page = response.content.decode()
    assert 'id="regso-1480R049"' in page and "Kommunens 147 regionala statistikområden" in page
    assert sum(row["children"] for row in rows.values()) == pytest.approx(response.context["coverage"]["children"])


def test_links_keep_the_filters_even_when_a_parameter_is_named_like_a_method_of_the_query(client):
    response = client.get("/kommun/", {"items": "x", "urlencode": "y", "ar": "2025", "sortera": "-children"})

    page = response.content.decode()
    assert response.status_code == 200
    assert 'href="?items=x&amp;urlencode=y&amp;ar=2025&amp;sortera=-children&amp;format=csv"' in page
    assert 'href="?items=x&amp;urlencode=y&amp;ar=2025&amp;sortera=children"' in page  # clicking again: ascending
