"""Open311 discovery, services and service definitions, in both formats."""

import xml.etree.ElementTree as ET

import httpx
import pytest

from tests.open311 import FORMATS, OPEN311, assert_open311_error, xml_rows


async def test_discovery_names_the_v2_endpoint_and_its_formats(api: httpx.AsyncClient) -> None:
    as_json = (await api.get(f"{OPEN311}/discovery.json")).json()
    assert as_json["contact"] == "12345 政务服务便民热线"
    [endpoint] = as_json["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "http://hotline.test/open311/v2"
    assert endpoint["formats"] == ["application/json", "text/xml"]
    assert endpoint["changeset"] == as_json["changeset"]

    response = await api.get(f"{OPEN311}/discovery.xml")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/xml")
    discovery = ET.fromstring(response.content)
    assert discovery.tag == "discovery"
    assert discovery.findtext("changeset") == as_json["changeset"]
    assert discovery.findtext("key_service") == as_json["key_service"]
    assert discovery.findtext("endpoints/endpoint/url") == "http://hotline.test/open311/v2"
    assert discovery.findtext("endpoints/endpoint/type") == "production"
    assert [f.text for f in discovery.findall("endpoints/endpoint/formats/format")] == [
        "application/json",
        "text/xml",
    ]


async def test_services_are_the_leaf_categories_grouped_by_their_parent(api: httpx.AsyncClient) -> None:
    response = await api.get(f"{OPEN311}/services.json")
    assert response.status_code == 200
    services = {s["service_code"]: s for s in response.json()}
    assert "water" not in services  # a group, not a service
    burst = services["water.pipe_burst"]
    assert list(burst) == [
        "service_code",
        "service_name",
        "description",
        "metadata",
        "type",
        "keywords",
        "group",
    ]
    assert burst["service_name"] and burst["description"] == burst["service_name"]
    assert (burst["metadata"], burst["type"], burst["keywords"]) == (True, "realtime", "")
    assert burst["group"] and burst["group"] == services["water.outage"]["group"]
    assert burst["group"] != services["housing.certificate"]["group"]

    rows = xml_rows(await api.get(f"{OPEN311}/services.xml"), "services", "service")
    assert [r["service_code"] for r in rows] == list(services)
    as_xml = next(r for r in rows if r["service_code"] == "water.pipe_burst")
    assert as_xml == {**burst, "metadata": "true"}


async def test_a_service_definition_asks_for_the_district_and_offers_streets(
    api: httpx.AsyncClient,
) -> None:
    definition = (await api.get(f"{OPEN311}/services/water.pipe_burst.json")).json()
    assert definition["service_code"] == "water.pipe_burst"
    district, street = definition["attributes"]
    assert list(district) == [
        "variable",
        "code",
        "datatype",
        "required",
        "datatype_description",
        "order",
        "description",
        "values",
    ]
    assert (district["code"], district["datatype"], district["required"], district["order"]) == (
        "district",
        "singlevaluelist",
        True,
        1,
    )
    assert len(district["values"]) == 7
    assert {"key": "chengdong", "name": "城东区"} in district["values"]
    assert (street["code"], street["required"], street["order"]) == ("street", False, 2)
    assert {"key": "chengdong.dongguan", "name": "城东区 东关大街街道"} in street["values"]

    response = await api.get(f"{OPEN311}/services/water.pipe_burst.xml")
    document = ET.fromstring(response.content)
    assert document.tag == "service_definition"
    assert document.findtext("service_code") == "water.pipe_burst"
    attributes = document.findall("attributes/attribute")
    assert [a.findtext("code") for a in attributes] == ["district", "street"]
    assert [a.findtext("required") for a in attributes] == ["true", "false"]
    assert [a.findtext("variable") for a in attributes] == ["true", "true"]
    values = {v.findtext("key"): v.findtext("name") for v in attributes[0].findall("values/value")}
    assert values == {v["key"]: v["name"] for v in district["values"]}
    assert len(attributes[1].findall("values/value")) == len(street["values"])


@pytest.mark.parametrize("response_format", FORMATS)
async def test_an_unknown_service_is_not_found(api: httpx.AsyncClient, response_format: str) -> None:
    for code in ("water.nothing", "water"):  # unknown, and a group rather than a service
        response = await api.get(f"{OPEN311}/services/{code}.{response_format}")
        assert code in assert_open311_error(response, response_format, 404)


@pytest.mark.parametrize(
    "path",
    ["discovery.yaml", "services.yaml", "services/water.pipe_burst.yaml", "requests.yaml", "tokens/x.csv"],
)
async def test_an_unknown_format_is_not_found(api: httpx.AsyncClient, path: str) -> None:
    response = await api.get(f"{OPEN311}/{path}")
    assert "use .json or .xml" in assert_open311_error(response, "json", 404)


@pytest.mark.parametrize("response_format", FORMATS)
async def test_an_unknown_endpoint_answers_in_open311_terms(
    api: httpx.AsyncClient, response_format: str
) -> None:
    response = await api.get(f"{OPEN311}/nothing.{response_format}")
    assert_open311_error(response, response_format, 404)
