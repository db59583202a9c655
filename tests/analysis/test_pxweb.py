"""The PxWeb client, tested against recorded SCB responses (no network)."""

import json
from pathlib import Path

import pytest

from fcatlas.analysis.pxweb import (
    HttpResponse,
    PxWebError,
    fetch_v1,
    fetch_v2,
    v1_query,
    v2_data_url,
)
from fcatlas.analysis.statistics import children_0_5, population_from_jsonstat

FIXTURES = Path(__file__).parent / "fixtures"


class RecordedTransport:
    """Answers every request with one recorded response and remembers what was asked."""

    def __init__(self, body: bytes, status: int = 200):
        self.body, self.status, self.requests = body, status, []

    def __call__(self, method, url, body, headers):
        self.requests.append({"method": method, "url": url, "body": body, "headers": dict(headers)})
        return HttpResponse(self.status, self.body, url)


def recorded(name: str) -> RecordedTransport:
    return RecordedTransport((FIXTURES / name).read_bytes())


def test_v1_posts_scbs_json_query_asking_for_json_stat2():
    transport = recorded("pxweb_v1_befolkningny_0114_2480_2023.json")

    fetch_v1(
        "BE/BE0101/BE0101A/BefolkningNy",
        {"Region": ["0114", "2480"], "Alder": [str(a) for a in range(6)], "ContentsCode": "BE0101N1", "Tid": "2023"},
        transport=transport,
    )

    request = transport.requests[0]
    assert request["method"] == "POST"
    assert request["url"] == "https://api.scb.se/OV0104/v1/doris/sv/ssd/BE/BE0101/BE0101A/BefolkningNy"
    assert json.loads(request["body"]) == {
        "query": [
            {"code": "Region", "selection": {"filter": "item", "values": ["0114", "2480"]}},
            {"code": "Alder", "selection": {"filter": "item", "values": ["0", "1", "2", "3", "4", "5"]}},
            {"code": "ContentsCode", "selection": {"filter": "item", "values": ["BE0101N1"]}},
            {"code": "Tid", "selection": {"filter": "item", "values": ["2023"]}},
        ],
        "response": {"format": "json-stat2"},
    }
    assert request["headers"]["Content-Type"] == "application/json"


def test_a_wildcard_selects_with_filter_all():
    assert v1_query({"Region": "01*"})["query"][0]["selection"] == {"filter": "all", "values": ["01*"]}


def test_the_recorded_v1_answer_gives_children_per_kommun():
    document = fetch_v1("BE/BE0101/BE0101A/BefolkningNy", {"Tid": "2023"},
                        transport=recorded("pxweb_v1_befolkningny_0114_2480_2023.json"))

    children = children_0_5(population_from_jsonstat(document)).set_index("region_code")["children_0_5"]

    assert children.to_dict() == {"0114": 3559.0, "2480": 8540.0}


def test_v2_gets_the_table_with_value_codes_and_code_lists_in_the_url():
    transport = recorded("pxweb_v2_tab6574_0114_2024.json")

    fetch_v2("TAB6574", {"Region": "0114*", "Alder": ["-4", "5-9", "totalt"], "Kon": "1+2", "Tid": "2024"},
             codelists={"Region": "vs_DeSO2025"}, transport=transport)

    request = transport.requests[0]
    assert request["method"] == "GET"
    assert request["body"] is None
    assert request["url"] == (
        "https://statistikdatabasen.scb.se/api/v2/tables/TAB6574/data?lang=sv&outputFormat=json-stat2"
        "&valueCodes[Region]=0114*&valueCodes[Alder]=-4,5-9,totalt&valueCodes[Kon]=1%2B2"
        "&valueCodes[Tid]=2024&codelist[Region]=vs_DeSO2025"
    )


def test_the_plus_in_sex_code_1_plus_2_is_escaped():
    assert "valueCodes[Kon]=1%2B2" in v2_data_url("TAB6574", {"Kon": "1+2"})


@pytest.mark.parametrize("status", [400, 403, 404, 429, 503])
def test_an_error_status_raises_with_the_status_and_the_url(status):
    transport = RecordedTransport(b'{"error": "Bad request"}', status=status)

    with pytest.raises(PxWebError, match=rf"HTTP {status}.*Bad request") as raised:
        fetch_v2("TAB6574", {"Tid": "2024"}, transport=transport)

    assert "tables/TAB6574/data" in str(raised.value)


def test_an_answer_that_is_not_json_raises():
    with pytest.raises(PxWebError, match="not JSON"):
        fetch_v1("BE/BE0101/BE0101A/BefolkningNy", {}, transport=RecordedTransport(b"<html>Service unavailable</html>"))


def test_json_that_is_not_a_json_stat2_dataset_raises_naming_the_field():
    broken = json.loads((FIXTURES / "pxweb_v2_tab6574_0114_2024.json").read_text(encoding="utf-8"))
    broken["value"] = broken["value"][:-1]

    with pytest.raises(PxWebError, match="field 'value' has 8 entries, the dimensions need 9"):
        fetch_v2("TAB6574", {}, transport=RecordedTransport(json.dumps(broken).encode()))


def test_a_json_stat1_bundle_is_refused():
    bundle = {"dataset": {"dimension": {}, "value": []}}

    with pytest.raises(PxWebError, match="field 'class'"):
        fetch_v1("BE/BE0101/BE0101A/BefolkningNy", {}, transport=RecordedTransport(json.dumps(bundle).encode()))
