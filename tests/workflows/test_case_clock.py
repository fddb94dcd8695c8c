"""The task clock on the dev server with a fast injected clock: sign-for window, warning, overdue and
the three-level escalation ladder; a reply stops it."""

import asyncio
from collections.abc import Callable
from typing import Any

import pytest
from sqlmodel import select
from temporalio.client import Client

from hotline.db import SessionFactory
from hotline.enums import CaseStatus
from hotline.models import Assignment, Case, OutboxMessage
from tests.clock import fast_clock
from tests.helpers import eventually
from tests.workflows.lifecycle import CaseDriver
from workflows import CaseWorkflow

CLOCK_EVENTS = {"sign_for_late", "warning", "overdue", "escalated"}


@pytest.fixture
def driver(temporal: Client, sessions: SessionFactory, task_queue: str) -> CaseDriver:
    return CaseDriver(temporal, sessions, task_queue)


async def test_an_untouched_task_warns_goes_overdue_and_climbs_three_levels(
    driver: CaseDriver, worker_factory: Callable[..., Any], sessions: SessionFactory, temporal: Client
) -> None:
    clock = fast_clock(due_seconds=3, sign_for_seconds=0.5, warning_fraction=0.5, escalation_seconds=(1, 1))
    async with worker_factory(replace_activities=clock):
        handle = await driver.start()
        [task] = await driver.open_tasks(handle.id, 1)

        async def at_level_three() -> bool:
            # The query answers from the workflow at once; the timeline lands a moment later.
            projected = (await driver.kinds(handle.id)).count("escalated") == 2
            return projected and (await handle.query(CaseWorkflow.state)).escalation_level == 3

        await eventually(at_level_three, within=20)
        kinds = await driver.kinds(handle.id)
        assert [k for k in kinds if k in CLOCK_EVENTS] == [
            "sign_for_late",
            "warning",
            "overdue",
            "escalated",
            "escalated",
        ]
        levels = [
            e.data.get("level")
            for e in await driver.timeline(handle.id)
            if e.kind in ("overdue", "escalated")
        ]
        assert levels == [1, 2, 3]

        async def searchable() -> list[Any] | None:
            found = [
                w
                async for w in temporal.list_workflows(
                    f"WorkflowId = '{handle.id}' AND CaseEscalationLevel = 3"
                )
            ]
            return found or None

        await eventually(searchable)
        async with sessions() as session:
            case = await session.get(Case, handle.id)
            row = await session.get(Assignment, task.task_id)
            supervisors = list(
                (
                    await session.execute(
                        select(OutboxMessage.recipient).where(
                            OutboxMessage.case_number == handle.id,
                            OutboxMessage.recipient_kind == "supervisor",
                        )
                    )
                ).scalars()
            )
        assert case is not None and case.escalation_level == 3
        assert row is not None and row.overdue and row.sign_for_late
        assert sorted(supervisors) == ["1", "2", "3"]

        await driver.reply(task, "已处理（超期）")
        await eventually(lambda: _status_is(handle, CaseStatus.REPLIED))
        assert [k for k in await driver.kinds(handle.id) if k in CLOCK_EVENTS] == [
            "sign_for_late",
            "warning",
            "overdue",
            "escalated",
            "escalated",
        ]


async def test_a_task_signed_and_answered_in_time_raises_no_alarm(
    driver: CaseDriver, worker_factory: Callable[..., Any]
) -> None:
    async with worker_factory(
        replace_activities=fast_clock(due_seconds=2, sign_for_seconds=1, escalation_seconds=(1, 1))
    ):
        handle = await driver.start()
        await driver.handle_to_reply(handle)
        await asyncio.sleep(3)  # past the sign-for window, the warning, the due time and level 2
        assert not CLOCK_EVENTS & set(await driver.kinds(handle.id))
        assert (await handle.query(CaseWorkflow.state)).escalation_level == 0


async def test_a_reply_landing_at_the_deadline_stops_the_ladder(
    driver: CaseDriver, worker_factory: Callable[..., Any]
) -> None:
    async with worker_factory(
        replace_activities=fast_clock(due_seconds=1.5, sign_for_seconds=10, escalation_seconds=(0.5, 0.5))
    ):
        handle = await driver.start()
        [task] = await driver.open_tasks(handle.id, 1)
        await asyncio.sleep(1.4)
        await driver.reply(task)
        await eventually(lambda: _status_is(handle, CaseStatus.REPLIED))
        await asyncio.sleep(1.5)  # long enough for levels 2 and 3 had the clock kept running
        view = await handle.query(CaseWorkflow.state)
        kinds = await driver.kinds(handle.id)
        after_reply = kinds[kinds.index("replied") :]
        assert "escalated" not in kinds and not CLOCK_EVENTS & set(after_reply)
        assert view.escalation_level <= 1


async def _status_is(handle: Any, status: CaseStatus) -> bool:
    return bool((await handle.query(CaseWorkflow.state)).status == status)
