"""Reading service requests: the list with its filters, one request, and the refusals, in both formats."""

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.helpers import PROPERTY_CERTIFICATE, appeal, new_key
from tests.open311 import (
    CITIZEN_NAME,
    CITIZEN_PHONE,
    FORMATS,
    OPEN311,
    assert_open311_error,
    file_request,
    projected,
    xml_rows,
)

SPEC_FIELDS = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
]


def closed(request: dict[str, Any]) -> bool:
    return request["status"] == "closed"


async def three_cases(api: httpx.AsyncClient, login: Any) -> tuple[str, str, str]:
    """A request filed through Open311, a housing case from the hotline, and a consultation on the
    burst pipe answered (so closed) at intake; in this order, and each in the read model."""
    dispatcher = await login("dispatcher")
    filed = await file_request(api)
    housing = await api.post(
        "/api/v1/cases",
        json=appeal(PROPERTY_CERTIFICATE),
        headers={**dispatcher, "Idempotency-Key": new_key()},
    )
    answered = await api.post(
        "/api/v1/cases",
        json=appeal(appeal_type="consultation", answer="停水期间可到小区东门取水。"),
        headers={**dispatcher, "Idempotency-Key": new_key()},
    )
    numbers = filed, housing.json()["case_number"], answered.json()["case_number"]
    await projected(api, numbers[0])
    await projected(api, numbers[1])
    await projected(api, numbers[2], until=closed)
    return numbers


async def listed(api: httpx.AsyncClient, **params: str) -> list[str]:
    response = await api.get(f"{OPEN311}/requests.json", params=params)
    assert response.status_code == 200, response.text
    return [r["service_request_id"] for r in response.json()]


async def test_the_list_shows_requests_newest_first_without_personal_data(
    api: httpx.AsyncClient, login: Any, case_worker: Any
) -> None:
    filed, housing, answered = await three_cases(api, login)
    ids = ",".join((filed, housing, answered))

    as_json = await api.get(f"{OPEN311}/requests.json", params={"service_request_id": ids})
    assert [r["service_request_id"] for r in as_json.json()] == [answered, housing, filed]
    assert all(list(r) == SPEC_FIELDS for r in as_json.json())
    as_xml = await api.get(f"{OPEN311}/requests.xml", params={"service_request_id": ids})
    rows = xml_rows(as_xml, "service_requests", "request")
    assert [r["service_request_id"] for r in rows] == [answered, housing, filed]
    assert all(list(r) == SPEC_FIELDS for r in rows)
    assert [r["status"] for r in rows] == [r["status"] for r in as_json.json()] == ["closed", "open", "open"]
    assert [r["description"] for r in rows] == [r["description"] for r in as_json.json()]

    personal = (CITIZEN_NAME, CITIZEN_PHONE, PROPERTY_CERTIFICATE["citizen_name"], "13900005678")
    for response in (as_json, as_xml, await api.get(f"{OPEN311}/requests.xml")):
        assert not any(value in response.text for value in personal)


async def test_the_filters_pick_by_service_status_and_date(
    api: httpx.AsyncClient, login: Any, case_worker: Any
) -> None:
    filed, housing, answered = await three_cases(api, login)
    mine = {filed, housing, answered}
    before = (datetime.now(UTC) - timedelta(minutes=10)).isoformat()

    assert mine <= set(await listed(api))  # the last 90 days
    assert set(await listed(api, service_code="water.pipe_burst")) & mine == {filed, answered}
    assert set(await listed(api, service_code="water.outage,housing.certificate")) & mine == {housing}
    assert set(await listed(api, status="closed")) & mine == {answered}
    assert set(await listed(api, status="open")) & mine == {filed, housing}
    assert set(await listed(api, status="open,closed")) & mine == mine
    assert set(await listed(api, start_date=before)) & mine == mine
    assert set(await listed(api, start_date=before, end_date=before)) & mine == set()
    assert set(await listed(api, end_date="2020-01-01")) & mine == set()
    assert await listed(api, service_request_id=filed, status="closed") == [filed]  # it overrides the rest

    # An unencoded "+08:00" arrives as " 08:00"; it still reads as the offset.
    unencoded = await api.get(f"{OPEN311}/requests.json?start_date=2000-01-01T00:00:00+08:00")
    assert unencoded.status_code == 200


async def test_one_request_in_both_formats(api: httpx.AsyncClient, case_worker: Any) -> None:
    number = await file_request(api)
    found = await projected(api, number)
    assert found["service_request_id"] == number and found["status_notes"] == "办理中"
    assert found["requested_datetime"].endswith("+08:00") and found["expected_datetime"].endswith("+08:00")
    assert (found["address_id"], found["zipcode"], found["media_url"], found["service_notice"]) == ("",) * 4

    [row] = xml_rows(await api.get(f"{OPEN311}/requests/{number}.xml"), "service_requests", "request")
    assert row["service_request_id"] == number and row["status"] == "open"
    assert row["agency_responsible"] == found["agency_responsible"]
    assert row["expected_datetime"] == found["expected_datetime"]
    assert (float(row["lat"]), float(row["long"])) == (found["lat"], found["long"])


async def test_a_case_closed_at_intake_is_closed_with_its_reason(
    api: httpx.AsyncClient, login: Any, case_worker: Any
) -> None:
    *_, answered = await three_cases(api, login)
    found = await projected(api, answered, until=closed)
    assert found["status_notes"] == "已办结（直接答复）"
    [row] = xml_rows(await api.get(f"{OPEN311}/requests/{answered}.xml"), "service_requests", "request")
    assert (row["status"], row["status_notes"]) == ("closed", "已办结（直接答复）")


@pytest.mark.parametrize("response_format", FORMATS)
async def test_an_unknown_request_is_not_found(api: httpx.AsyncClient, response_format: str) -> None:
    response = await api.get(f"{OPEN311}/requests/XX00000000-000000.{response_format}")
    assert "XX00000000-000000" in assert_open311_error(response, response_format, 404)


@pytest.mark.parametrize("response_format", FORMATS)
@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"start_date": "yesterday"}, "start_date"),
        ({"end_date": "2026-13-01"}, "end_date"),
        ({"start_date": "0001-01-01T00:00:00+01:00"}, "start_date"),
        ({"end_date": "0001-01-01"}, "end_date"),
        ({"start_date": "2026-02-01", "end_date": "2026-01-01"}, "start_date"),
        ({"status": "pending"}, "status"),
        ({"service_code": ",".join(["water.pipe_burst"] * 201)}, "service_code"),
        ({"service_code": "water\x00"}, "NUL"),
    ],
)
async def test_a_bad_filter_is_refused(
    api: httpx.AsyncClient, response_format: str, params: dict[str, str], named: str
) -> None:
    response = await api.get(f"{OPEN311}/requests.{response_format}", params=params)
    assert named in assert_open311_error(response, response_format, 400)


async def test_a_nul_in_the_path_is_refused(api: httpx.AsyncClient) -> None:
    response = await api.get(f"{OPEN311}/requests/XN%00.json")
    assert_open311_error(response, "json", 400)
