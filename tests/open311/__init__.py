"""Helpers for the Open311 tests: filing a request as a client does, and reading either format."""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import Any

import httpx

from hotline.bootstrap import DEMO_OPEN311_TOKEN
from tests.helpers import eventually

OPEN311 = "/open311/v2"
FORMATS = ("json", "xml")
CITIZEN_NAME, CITIZEN_PHONE = "王女士", "13800001234"


def request_form(**overrides: str) -> dict[str, str]:
    """A burst pipe as a client files it; the description is unique, so it is a new request."""
    form = {
        "api_key": DEMO_OPEN311_TOKEN,
        "service_code": "water.pipe_burst",
        "description": f"和盛园小区二期东院115号楼自来水管爆裂，整栋楼停水。编号{uuid.uuid4().hex[:8]}",
        "first_name": "女士",
        "last_name": "王",
        "phone": CITIZEN_PHONE,
        "email": "wang@example.com",
        "address_string": "和盛园小区二期东院115号楼",
        "lat": "36.6232",
        "long": "101.8011",
        "attribute[district]": "chengdong",
    }
    return {**form, **overrides}


async def file_request(api: httpx.AsyncClient, form: dict[str, str] | None = None) -> str:
    response = await api.post(f"{OPEN311}/requests.json", data=form or request_form())
    assert response.status_code == 201, response.text
    [receipt] = response.json()
    number: str = receipt["service_request_id"]
    return number


def dispatched(request: dict[str, Any]) -> bool:
    return bool(request["agency_responsible"])


async def projected(
    api: httpx.AsyncClient, number: str, until: Callable[[dict[str, Any]], bool] = dispatched
) -> dict[str, Any]:
    """The request once its case is in the read model and `until` holds (by default: dispatched)."""

    async def probe() -> dict[str, Any] | None:
        response = await api.get(f"{OPEN311}/requests/{number}.json")
        if response.status_code != 200:
            return None
        [found] = response.json()
        return found if until(found) else None

    return await eventually(probe)


def xml_rows(response: httpx.Response, root: str, item: str) -> list[dict[str, str]]:
    """The rows of a list document, each as {element: text} ('' for an empty element)."""
    assert response.headers["content-type"].startswith("text/xml")
    document = ET.fromstring(response.content)
    assert document.tag == root
    assert all(child.tag == item for child in document)
    return [{field.tag: field.text or "" for field in row} for row in document]


def assert_open311_error(response: httpx.Response, response_format: str, status: int) -> str:
    """Open311's error body, never the API's {code, message, details}; returns the description."""
    assert response.status_code == status, response.text
    if response_format == "xml":
        [error] = xml_rows(response, "errors", "error")
        assert set(error) == {"code", "description"} and error["code"] == str(status)
    else:
        [error] = response.json()
        assert set(error) == {"code", "description"} and error["code"] == status
    assert error["description"]
    return str(error["description"])
