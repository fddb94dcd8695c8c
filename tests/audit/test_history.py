"""A case's steps come back out of its Temporal history exactly as the read model got them."""

from typing import Any

import httpx
import pytest
from temporalio.client import Client

from hotline import history
from hotline.errors import NotFound
from tests.helpers import eventually, open_case_with_task


async def test_the_history_carries_every_step_the_read_model_got(
    api: httpx.AsyncClient, login: Any, case_worker: Any, temporal: Client
) -> None:
    number, _task = await open_case_with_task(api, login)
    headers = await login("dispatcher")

    async def timeline() -> list[dict[str, Any]] | None:
        events = (await api.get(f"/api/v1/cases/{number}", headers=headers)).json()["timeline"]
        return events if len(events) >= 2 else None

    read_model = await eventually(timeline)
    case_history = await history.fetch(client=temporal, case_number=number)
    steps = history.projections(case_history)
    assert [(s.event.seq, s.event.kind.value, s.event.summary) for s in steps] == [
        (e["seq"], e["kind"], e["summary"]) for e in read_model
    ]
    assert steps[0].intake is not None and steps[0].intake.case_number == number
    assert len(case_history.runs) == 1 and case_history.event_count == len(
        case_history.runs[0].history.events
    )


async def test_a_case_temporal_never_saw_is_not_found(temporal: Client) -> None:
    with pytest.raises(NotFound):
        await history.fetch(client=temporal, case_number="XS00000000-999999")
