"""A case that collects many events continues as new, keeping its state, its open task and its timeline."""

from collections.abc import Callable
from typing import Any

import pytest
from temporalio.client import Client

from hotline.contracts import Actor, Urge
from hotline.db import SessionFactory
from hotline.enums import CaseStatus, CloseReason, Role
from hotline.models import Assignment
from tests.clock import fast_clock
from tests.helpers import eventually
from tests.workflows.lifecycle import CaseDriver, rid
from workflows import CaseWorkflow

SUPERVISOR = Actor(user="supervisor1", role=Role.SUPERVISOR, supervision_level=1)


@pytest.fixture
def driver(temporal: Client, sessions: SessionFactory, task_queue: str) -> CaseDriver:
    return CaseDriver(temporal, sessions, task_queue)


async def test_many_urges_continue_the_case_as_new_without_losing_anything(
    driver: CaseDriver, temporal: Client, sessions: SessionFactory, worker_factory: Callable[..., Any]
) -> None:
    async with worker_factory(replace_activities=fast_clock(continue_as_new_after_events=40)):
        first = await driver.start()
        [task] = await driver.open_tasks(first.id, 1)
        latest = temporal.get_workflow_handle_for(CaseWorkflow.run, first.id)
        for n in range(6):
            await latest.execute_update(
                CaseWorkflow.urge, Urge(actor=SUPERVISOR, request_id=rid(), message=f"第{n + 1}次催办")
            )

        async def continued() -> bool:
            return (await latest.describe()).run_id != first.result_run_id

        await eventually(continued)

        async def new_token() -> Assignment | None:
            async with sessions() as session:
                row = await session.get(Assignment, task.task_id)
            return row if row is not None and row.task_token not in (None, task.task_token) else None

        renewed = await eventually(new_token)
        view = await latest.query(CaseWorkflow.state)
        assert view.urges == 6 and view.status == CaseStatus.HANDLING
        assert [t.task_id for t in view.tasks] == [task.task_id]

        await driver.sign_for(latest, renewed)
        await driver.reply(renewed, "已修复")

        async def replied() -> bool:
            return (await latest.query(CaseWorkflow.state)).status == CaseStatus.REPLIED

        await eventually(replied)
        await driver.review(latest)
        await driver.visit(latest)
        outcome = await latest.result()
    assert outcome.close_reason == CloseReason.VISITED
    seqs = [e.seq for e in await driver.timeline(first.id)]
    assert seqs == list(range(1, len(seqs) + 1))
    assert (await driver.kinds(first.id)).count("urged") == 6
