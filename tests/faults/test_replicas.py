"""Two worker processes and two API processes against one Temporal server and one PostgreSQL (issue 9):
cases driven through both APIs in turn all close, both workers did the work, the read model agrees."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from temporalio.client import Client

from tests.faults.checks import (
    assert_closed_in_temporal,
    assert_no_event_twice,
    assert_read_model_matches_histories,
    kinds,
    timelines,
)
from tests.faults.conftest import ReadModel, backend
from tests.faults.driver import STANDARD_PATH, Driver
from tests.processes import System

pytestmark = [
    pytest.mark.faults,
    pytest.mark.timeout(180),
    pytest.mark.skipif(backend() != "postgresql", reason="replicas share a PostgreSQL read model"),
]

CASES = 30


async def _identities(client: Client, numbers: list[str]) -> set[str]:
    """Who completed the cases' workflow tasks and ran their department tasks."""
    found = set()
    for number in numbers:
        history = await client.get_workflow_handle(number).fetch_history()
        for event in history.events:
            if event.HasField("workflow_task_completed_event_attributes"):
                found.add(event.workflow_task_completed_event_attributes.identity)
            if event.HasField("activity_task_started_event_attributes"):
                found.add(event.activity_task_started_event_attributes.identity)
    return found


async def test_two_workers_and_two_apis_share_the_cases(system: System, read_model: ReadModel) -> None:
    workers = [await system.start_worker(f"worker-{n}") for n in (1, 2)]
    urls = [(await system.start_api(f"api-{n}"))[1] for n in (1, 2)]
    run = uuid.uuid4().hex[:8]
    async with asyncio.timeout(150), Driver(urls, read_model.sessions) as driver:
        numbers = await asyncio.gather(
            *(driver.standard_path(index, f"faults-{run}-{index}") for index in range(CASES))
        )

    await assert_closed_in_temporal(system.temporal, system.settings.temporal_task_queue, numbers)
    identities = await _identities(system.temporal, numbers)
    for worker in workers:
        assert any(identity.startswith(f"{worker.pid}@") for identity in identities), (
            worker.name,
            identities,
        )
    by_case = await timelines(read_model.sessions, numbers)
    assert kinds(by_case) == {number: STANDARD_PATH for number in numbers}
    assert_no_event_twice(by_case)
    await assert_read_model_matches_histories(
        system.temporal, read_model.sessions, system.settings.temporal_task_queue, numbers
    )
    # Every step went through the API chosen for it, alternating: both APIs served requests.
    for api in (p for p in system.processes if p.name.startswith("api-")):
        assert "POST /api/v1/" in api.log.read_text(), api.name
