"""CaseWorkflow on the dev server with the real worker and read model (a department task is open,
so the time-skipping server cannot be used: DESIGN.md §4)."""

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select
from temporalio.client import Client, WorkflowFailureError

from hotline.contracts import Actor, CaseOutcome, CaseView, TaskReply
from hotline.db import SessionFactory
from hotline.enums import AssignmentStatus, CaseStatus, EventKind, Role
from hotline.models import Assignment, Case, CaseEvent
from tests.helpers import case_intake, eventually
from workflows import CaseWorkflow


async def _open_tasks(sessions: SessionFactory, case_number: str, expected: int) -> list[Assignment]:
    async def probe() -> list[Assignment] | None:
        async with sessions() as session:
            rows = list(
                (
                    await session.execute(
                        select(Assignment).where(
                            Assignment.case_number == case_number,
                            Assignment.status == AssignmentStatus.OPEN,
                            Assignment.task_token.is_not(None),
                        )
                    )
                ).scalars()
            )  # type: ignore[union-attr]
        return rows if len(rows) == expected else None

    return await eventually(probe)


async def _complete(client: Client, task: Assignment, text: str = "已处理") -> None:
    assert task.task_token is not None
    await client.get_async_activity_handle(task_token=task.task_token).complete(
        TaskReply(
            text=text,
            actor=Actor(user="dept", role=Role.DEPARTMENT, department=task.department_code),
            replied_at=datetime.now(UTC),
        )
    )


async def test_direct_case_closes_after_the_department_completes_its_task(
    temporal: Client, sessions: SessionFactory, case_worker: Any, task_queue: str
) -> None:
    intake = case_intake()
    handle = await temporal.start_workflow(
        CaseWorkflow.run, intake, id=intake.case_number, task_queue=task_queue
    )
    [task] = await _open_tasks(sessions, intake.case_number, 1)
    assert task.department_code == "company.water"
    view = await handle.query(CaseWorkflow.state)
    assert isinstance(view, CaseView) and view.status == CaseStatus.HANDLING
    await _complete(temporal, task, "当日晚修复完毕，恢复供水")
    outcome = await handle.result()
    assert isinstance(outcome, CaseOutcome) and outcome.status == CaseStatus.CLOSED
    async with sessions() as session:
        case = await session.get(Case, intake.case_number)
        kinds = list(
            (
                await session.execute(
                    select(CaseEvent.kind)
                    .where(CaseEvent.case_number == intake.case_number)
                    .order_by(CaseEvent.seq)
                )
            ).scalars()
        )
        task = await session.get(Assignment, task.task_id)
    assert case is not None and case.status == CaseStatus.CLOSED and case.tier == 1
    assert case.due_at is not None and (case.due_at - case.received_at).days == 1
    assert kinds == [EventKind.REGISTERED, EventKind.DISPATCHED, EventKind.REPLIED, EventKind.CLOSED]
    assert (
        task is not None
        and task.status == AssignmentStatus.REPLIED
        and task.reply_text == "当日晚修复完毕，恢复供水"
    )


async def test_task_force_case_waits_for_every_department(
    temporal: Client, sessions: SessionFactory, case_worker: Any, task_queue: str
) -> None:
    intake = case_intake(category="housing.certificate", district="chengbei")
    handle = await temporal.start_workflow(
        CaseWorkflow.run, intake, id=intake.case_number, task_queue=task_queue
    )
    tasks = await _open_tasks(sessions, intake.case_number, 4)
    assert {t.department_code for t in tasks} == {
        "city.construction",
        "city.housing",
        "city.planning",
        "city.registry",
    }
    for task in tasks[:3]:
        await _complete(temporal, task)

    async def three_replied() -> CaseView | None:
        view = await handle.query(CaseWorkflow.state)
        return view if sum(t.status == AssignmentStatus.REPLIED for t in view.tasks) == 3 else None

    view = await eventually(three_replied)
    assert view.status == CaseStatus.HANDLING
    await _complete(temporal, tasks[3])
    assert (await handle.result()).status == CaseStatus.CLOSED


async def test_unknown_category_fails_the_case_with_a_typed_error(
    temporal: Client, case_worker: Any, task_queue: str
) -> None:
    intake = case_intake(category="no.such")
    with pytest.raises(WorkflowFailureError) as failed:
        await temporal.execute_workflow(
            CaseWorkflow.run, intake, id=intake.case_number, task_queue=task_queue
        )
    causes, error = [], failed.value.cause
    while error is not None:
        causes.append(getattr(error, "type", None))
        error = error.cause
    assert "category_not_found" in causes
