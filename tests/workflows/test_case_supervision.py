"""督: urges and supervision orders at the supervisor's own level; the department answers."""

from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import select
from temporalio.client import Client, WorkflowUpdateFailedError

from hotline.contracts import Actor, AnswerOrder, IssueOrder, Urge
from hotline.db import SessionFactory
from hotline.enums import Role
from hotline.models import OutboxMessage
from tests.workflows.lifecycle import CaseDriver, department, rid
from workflows import CaseWorkflow

COMMAND_CENTER = Actor(user="supervisor1", role=Role.SUPERVISOR, supervision_level=1)
DISCIPLINE = Actor(user="supervisor3", role=Role.SUPERVISOR, supervision_level=3)


@pytest.fixture
def driver(temporal: Client, sessions: SessionFactory, task_queue: str) -> CaseDriver:
    return CaseDriver(temporal, sessions, task_queue)


def _refusal(error: WorkflowUpdateFailedError) -> str | None:
    return getattr(error.cause, "type", None)


async def test_an_urge_reaches_every_department_holding_the_case(
    driver: CaseDriver, sessions: SessionFactory, case_worker: Any
) -> None:
    handle = await driver.start()
    await driver.open_tasks(handle.id, 1)
    await handle.execute_update(
        CaseWorkflow.urge, Urge(actor=COMMAND_CENTER, request_id=rid(), message="请加快处理")
    )
    assert (await handle.query(CaseWorkflow.state)).urges == 1
    async with sessions() as session:
        urged = list(
            (
                await session.execute(
                    select(OutboxMessage.recipient).where(
                        OutboxMessage.case_number == handle.id, OutboxMessage.template == "urged"
                    )
                )
            ).scalars()
        )
    assert urged == ["company.water"]
    with pytest.raises(WorkflowUpdateFailedError) as by_dispatcher:
        await handle.execute_update(
            CaseWorkflow.urge,
            Urge(actor=Actor(user="d", role=Role.DISPATCHER), request_id=rid(), message="快"),
        )
    assert _refusal(by_dispatcher.value) == "role_not_allowed"


async def test_an_order_carries_the_supervisors_own_level_and_is_answered_by_its_department(
    driver: CaseDriver, case_worker: Any
) -> None:
    handle = await driver.start()
    [task] = await driver.open_tasks(handle.id, 1)
    reply_by = task.assigned_at + timedelta(days=1)
    order = IssueOrder(
        actor=DISCIPLINE,
        request_id=rid(),
        department="company.water",
        instructions="说明迟缓原因",
        reply_by=reply_by,
    )
    await handle.execute_update(CaseWorkflow.issue_order, order)
    [view] = (await handle.query(CaseWorkflow.state)).orders
    assert (view.level, view.department, view.issued_by) == (3, "company.water", "supervisor3")
    with pytest.raises(WorkflowUpdateFailedError) as other:
        await handle.execute_update(
            CaseWorkflow.answer_order,
            AnswerOrder(
                actor=department("city.forestry"), request_id=rid(), order_id=view.order_id, text="不知道"
            ),
        )
    assert _refusal(other.value) == "not_your_task"
    await handle.execute_update(
        CaseWorkflow.answer_order,
        AnswerOrder(
            actor=department("company.water"), request_id=rid(), order_id=view.order_id, text="抢修队已到场"
        ),
    )
    [answered] = (await handle.query(CaseWorkflow.state)).orders
    assert answered.answer == "抢修队已到场" and answered.answered_at is not None
    kinds = await driver.kinds(handle.id)
    assert kinds[-2:] == ["order_issued", "order_answered"]


async def test_an_order_to_a_department_that_never_held_the_case_is_refused(
    driver: CaseDriver, case_worker: Any
) -> None:
    handle = await driver.start()
    [task] = await driver.open_tasks(handle.id, 1)
    order = IssueOrder(
        actor=COMMAND_CENTER,
        request_id=rid(),
        department="city.forestry",
        instructions="说明情况",
        reply_by=task.assigned_at + timedelta(days=1),
    )
    with pytest.raises(WorkflowUpdateFailedError) as refused:
        await handle.execute_update(CaseWorkflow.issue_order, order)
    assert _refusal(refused.value) == "wrong_state"
