"""退单 and 延期: returns ruled justified or not, extensions that move the clock, and their races."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from temporalio.client import Client, WorkflowUpdateFailedError

from hotline.contracts import Route
from hotline.db import SessionFactory
from hotline.enums import AssignmentStatus, CaseStatus, DispatchMode, Level
from hotline.models import Assignment
from tests.clock import fast_clock
from tests.helpers import eventually
from tests.workflows.lifecycle import CaseDriver
from workflows import CaseWorkflow

TO_REALESTATE = Route(mode=DispatchMode.DIRECT, lead="company.realestate", level=Level.CITY, tier=1)


@pytest.fixture
def driver(temporal: Client, sessions: SessionFactory, task_queue: str) -> CaseDriver:
    return CaseDriver(temporal, sessions, task_queue)


def _refusal(error: WorkflowUpdateFailedError) -> str | None:
    return getattr(error.cause, "type", None)


async def _state(handle: Any) -> Any:
    return await handle.query(CaseWorkflow.state)


async def _returned(driver: CaseDriver, handle: Any, task_id: str) -> None:
    async def recorded() -> bool:
        return "returned" in await driver.kinds(handle.id)

    await eventually(recorded)
    assert any(
        t.task_id == task_id and t.status == AssignmentStatus.RETURNED for t in (await _state(handle)).tasks
    )


async def test_an_unjustified_return_goes_back_to_the_same_department_and_counts_against_it(
    driver: CaseDriver, sessions: SessionFactory, case_worker: Any
) -> None:
    handle = await driver.start()
    [task] = await driver.open_tasks(handle.id, 1)
    await driver.return_task(task, "管网不归我公司")
    await _returned(driver, handle, task.task_id)
    assert (await _state(handle)).status == CaseStatus.HANDLING  # waits for the ruling, not for review
    await driver.rule_return(handle, task.task_id, justified=False)
    [again] = await driver.open_tasks(handle.id, 1)
    assert again.department_code == task.department_code and again.task_id != task.task_id
    async with sessions() as session:
        returned = await session.get(Assignment, task.task_id)
    assert returned is not None
    assert (returned.status, returned.return_reason, returned.return_justified) == (
        "returned",
        "管网不归我公司",
        False,
    )
    # The ruling opens the new task before the round could end: the case never waits for a review
    # while a department still holds the work (it used to flash "awaiting review" during the ruling).
    assert (await _state(handle)).status == CaseStatus.HANDLING
    assert await driver.kinds(handle.id) == ["registered", "dispatched", "returned", "return_ruled"]
    with pytest.raises(WorkflowUpdateFailedError) as early:
        await driver.review(handle)
    assert _refusal(early.value) == "wrong_state"
    await driver.reply(again)
    await eventually(lambda: _is(handle, CaseStatus.REPLIED))


async def test_a_justified_return_sends_the_case_to_the_right_department(
    driver: CaseDriver, case_worker: Any
) -> None:
    handle = await driver.start()
    [task] = await driver.open_tasks(handle.id, 1)
    await driver.return_task(task)
    await _returned(driver, handle, task.task_id)
    with pytest.raises(WorkflowUpdateFailedError) as no_route:
        await driver.rule_return(handle, task.task_id, justified=True)
    assert _refusal(no_route.value) == "route_required"
    await driver.rule_return(handle, task.task_id, justified=True, route=TO_REALESTATE)
    [new] = await driver.open_tasks(handle.id, 1)
    assert new.department_code == "company.realestate"
    assert (await _state(handle)).route.lead == "company.realestate"
    assert (await _state(handle)).status == CaseStatus.HANDLING
    assert "awaiting_review" not in await driver.kinds(handle.id)


async def test_a_return_while_an_extension_is_pending_leaves_nothing_to_rule(
    driver: CaseDriver, case_worker: Any
) -> None:
    handle = await driver.start()
    [task] = await driver.open_tasks(handle.id, 1)
    await driver.request_extension(handle, task, task.due_at + timedelta(days=2))
    await driver.return_task(task)
    await _returned(driver, handle, task.task_id)
    with pytest.raises(WorkflowUpdateFailedError) as moot:
        await driver.rule_extension(handle, task.task_id, approve=True)
    assert _refusal(moot.value) == "wrong_state"


async def test_an_approved_extension_moves_the_clock(
    driver: CaseDriver, sessions: SessionFactory, worker_factory: Callable[..., Any]
) -> None:
    clock = fast_clock(due_seconds=2, sign_for_seconds=30, warning_fraction=0.9, escalation_seconds=(30, 30))
    async with worker_factory(replace_activities=clock):
        handle = await driver.start()
        [task] = await driver.open_tasks(handle.id, 1)
        wanted = task.due_at + timedelta(seconds=2.5)
        await driver.request_extension(handle, task, wanted)
        with pytest.raises(WorkflowUpdateFailedError) as twice:
            await driver.request_extension(handle, task, wanted + timedelta(seconds=1))
        assert _refusal(twice.value) == "wrong_state"
        await driver.rule_extension(handle, task.task_id, approve=True)

        async def moved() -> Assignment | None:
            async with sessions() as session:
                row = await session.get(Assignment, task.task_id)
            return row if row is not None and row.due_at == wanted else None

        row = await eventually(moved)
        assert row.extension_requested_until is None

        async def overdue() -> bool:
            return "overdue" in await driver.kinds(handle.id)

        await eventually(overdue, within=10)
        event = next(e for e in await driver.timeline(handle.id) if e.kind == "overdue")
        assert event.occurred_at >= wanted  # not at the original due time


async def test_extension_requests_are_checked(driver: CaseDriver, case_worker: Any) -> None:
    handle = await driver.start()
    [task] = await driver.open_tasks(handle.id, 1)
    with pytest.raises(WorkflowUpdateFailedError) as earlier:
        await driver.request_extension(handle, task, task.due_at - timedelta(hours=1))
    assert _refusal(earlier.value) == "due_in_past"
    with pytest.raises(WorkflowUpdateFailedError) as nothing_pending:
        await driver.rule_extension(handle, task.task_id, approve=True)
    assert _refusal(nothing_pending.value) == "wrong_state"


async def _is(handle: Any, status: CaseStatus) -> bool:
    return bool((await _state(handle)).status == status)
