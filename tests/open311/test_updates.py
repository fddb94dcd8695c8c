"""FixMyStreet's servicerequestupdates: the cases' timelines as updates, in both formats."""

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.helpers import appeal, new_key
from tests.open311 import FORMATS, OPEN311, assert_open311_error, projected, xml_rows

UPDATE_FIELDS = [
    "update_id",
    "service_request_id",
    "status",
    "updated_datetime",
    "description",
    "media_url",
    "external_status_code",
]


async def test_a_closed_case_shows_its_timeline_ending_closed(
    api: httpx.AsyncClient, login: Any, case_worker: Any
) -> None:
    since = (datetime.now(UTC) - timedelta(seconds=5)).isoformat()
    answered = await api.post(
        "/api/v1/cases",
        json=appeal(appeal_type="consultation", answer="停水期间可到小区东门取水。"),
        headers={**await login("dispatcher"), "Idempotency-Key": new_key()},
    )
    number = answered.json()["case_number"]
    await projected(api, number, until=lambda request: request["status"] == "closed")

    as_json = await api.get(f"{OPEN311}/servicerequestupdates.json", params={"start_date": since})
    mine = [u for u in as_json.json() if u["service_request_id"] == number]
    assert [u["update_id"] for u in mine] == [f"{number}-{seq}" for seq in range(1, len(mine) + 1)]
    assert all(list(u) == UPDATE_FIELDS for u in mine)
    assert mine[0]["external_status_code"] == "registered" and mine[0]["description"].startswith("受理")
    assert [u["status"] for u in mine] == ["open"] * (len(mine) - 1) + ["closed"]
    assert mine[-1]["external_status_code"] == "closed"
    assert all(u["updated_datetime"].endswith("+08:00") for u in mine)
    times = [u["updated_datetime"] for u in as_json.json()]
    assert times == sorted(times)  # oldest first, so a client pages on by the last one's time

    as_xml = await api.get(f"{OPEN311}/servicerequestupdates.xml", params={"start_date": since})
    rows = xml_rows(as_xml, "service_request_updates", "request_update")
    assert [r for r in rows if r["service_request_id"] == number] == mine


async def test_updates_outside_the_window_are_left_out(api: httpx.AsyncClient) -> None:
    future = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    assert (
        await api.get(f"{OPEN311}/servicerequestupdates.json", params={"start_date": future})
    ).json() == []
    empty = await api.get(f"{OPEN311}/servicerequestupdates.xml", params={"end_date": "2020-01-01"})
    assert xml_rows(empty, "service_request_updates", "request_update") == []


@pytest.mark.parametrize("response_format", FORMATS)
async def test_a_bad_date_is_refused(api: httpx.AsyncClient, response_format: str) -> None:
    for params in ({"start_date": "last week"}, {"end_date": "2026-02-30"}):
        response = await api.get(f"{OPEN311}/servicerequestupdates.{response_format}", params=params)
        assert next(iter(params)) in assert_open311_error(response, response_format, 400)
