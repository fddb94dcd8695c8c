"""Whole cases in a moment, registered through the API as the dispatcher would (so with their search
attributes): a consultation answered on the spot is closed as soon as it is registered."""

from __future__ import annotations

from typing import Any

import httpx
from temporalio.client import Client

from tests.helpers import PIPE_BURST, PROPERTY_CERTIFICATE, appeal, eventually, new_key

BY_DISTRICT = {"chengdong": PIPE_BURST, "chengbei": PROPERTY_CERTIFICATE}


async def answered_at_intake(api: httpx.AsyncClient, login: Any, temporal: Client, district: str) -> str:
    """A closed consultation in the district; its case number once Temporal has closed it."""
    body = appeal(BY_DISTRICT[district], appeal_type="consultation", answer="请携带身份证到政务大厅办理。")
    headers = {**await login("dispatcher"), "Idempotency-Key": new_key()}
    created = await api.post("/api/v1/cases", json=body, headers=headers)
    assert created.status_code == 201, created.text
    number = str(created.json()["case_number"])
    await temporal.get_workflow_handle(number).result()
    return number


async def listed(temporal: Client, query: str, expected: list[str]) -> None:
    """Wait until the visibility store answers the query with exactly these workflow ids (any order)."""

    async def probe() -> bool:
        return sorted([w.id async for w in temporal.list_workflows(query)]) == sorted(expected)

    await eventually(probe)
