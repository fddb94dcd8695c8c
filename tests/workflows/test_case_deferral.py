"""挂账: a supervisor approves a deferral; the clock stops until the target date, then the case resumes.

Runs on the dev server with a target date seconds away: the time-skipping test server (1.40.0) keeps
time locked after a withdrawn asynchronously-completed activity, even once Temporal records it cancelled."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from temporalio.client import Client, WorkflowUpdateFailedError

from hotline.contracts import Actor, RequestDeferral, RuleDeferral
from hotline.db import SessionFactory
from hotline.enums import AssignmentStatus, CaseStatus, Role
from hotline.models import Case
from tests.workflows.lifecycle import CaseDriver, department, rid
from workflows import CaseWorkflow

SUPERVISOR = Actor(user="supervisor2", role=Role.SUPERVISOR, supervision_level=2)


async def _defer(handle: Any, task: Any, target: datetime) -> None:
    await handle.execute_update(
        CaseWorkflow.request_deferral,
        RequestDeferral(
            actor=department(task.department_code),
            request_id=rid(),
            task_id=task.task_id,
            plan="待老旧管网改造工程立项后统一解决",
            target_date=target,
        ),
    )
    await handle.execute_update(
        CaseWorkflow.rule_deferral,
        RuleDeferral(actor=SUPERVISOR, request_id=rid(), approve=True, reason="客观原因属实"),
    )


@pytest.fixture
def driver(temporal: Client, sessions: SessionFactory, task_queue: str) -> CaseDriver:
    return CaseDriver(temporal, sessions, task_queue)


async def test_a_deferred_case_waits_for_its_target_date_then_resumes(
    driver: CaseDriver, sessions: SessionFactory, case_worker: Any
) -> None:
    handle = await driver.start()
    [task] = await driver.open_tasks(handle.id, 1)
    target = datetime.now(UTC) + timedelta(seconds=3)
    await _defer(handle, task, target)
    view = await handle.query(CaseWorkflow.state)
    assert view.status == CaseStatus.DEFERRED and view.deferral is not None and view.deferral.approved
    async with sessions() as session:
        row = await session.get(Case, handle.id)
    assert row is not None and row.status == "deferred" and row.deferred_until is not None

    [resumed] = await driver.open_tasks(handle.id, 1)  # no task until the target date
    assert datetime.now(UTC) >= target
    assert resumed.task_id != task.task_id and resumed.department_code == task.department_code
    assert (await handle.query(CaseWorkflow.state)).status == CaseStatus.HANDLING
    async with sessions() as session:
        row = await session.get(Case, handle.id)
    assert row is not None and row.status == "handling" and row.deferred_until is None
    kinds = await driver.kinds(handle.id)
    deferral = [k for k in kinds if k.startswith("deferral") or k == "reissued"]
    assert deferral == ["deferral_requested", "deferral_ruled", "deferral_ended", "reissued"]


async def test_deferral_rules_are_checked(driver: CaseDriver, case_worker: Any) -> None:
    handle = await driver.start()
    [task] = await driver.open_tasks(handle.id, 1)
    with pytest.raises(WorkflowUpdateFailedError) as nothing_requested:
        await handle.execute_update(
            CaseWorkflow.rule_deferral,
            RuleDeferral(actor=SUPERVISOR, request_id=rid(), approve=True, reason="可以"),
        )
    assert getattr(nothing_requested.value.cause, "type", None) == "wrong_state"
    with pytest.raises(WorkflowUpdateFailedError) as past:
        await handle.execute_update(
            CaseWorkflow.request_deferral,
            RequestDeferral(
                actor=department(task.department_code),
                request_id=rid(),
                task_id=task.task_id,
                plan="计划",
                target_date=task.assigned_at - timedelta(days=1),
            ),
        )
    assert getattr(past.value.cause, "type", None) == "due_in_past"
    await _defer(handle, task, task.assigned_at + timedelta(days=30))
    withdrawn = [t for t in (await handle.query(CaseWorkflow.state)).tasks if t.task_id == task.task_id]
    assert withdrawn[0].status == AssignmentStatus.VOID
    assert "deferral_ruled" in await driver.kinds(handle.id)
