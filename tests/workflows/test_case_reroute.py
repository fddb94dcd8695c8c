"""改派: re-routing before the reply withdraws tasks; a reply racing the withdrawal is kept as void."""

from collections.abc import Callable
from typing import Any

import pytest
from temporalio import activity
from temporalio.client import Client, WorkflowUpdateFailedError

from hotline.contracts import Reroute, Route, TaskWithdrawal
from hotline.db import SessionFactory
from hotline.enums import AssignmentStatus, CaseStatus, DispatchMode, Level
from hotline.models import Assignment, Case
from tests.helpers import eventually
from tests.workflows.lifecycle import CaseDriver, department, rid
from workflows import CaseWorkflow

TO_REALESTATE = Route(mode=DispatchMode.DIRECT, lead="company.realestate", level=Level.CITY, tier=1)


@pytest.fixture
def driver(temporal: Client, sessions: SessionFactory, task_queue: str) -> CaseDriver:
    return CaseDriver(temporal, sessions, task_queue)


async def _replied(handle: Any) -> bool:
    return bool((await handle.query(CaseWorkflow.state)).status == CaseStatus.REPLIED)


async def test_reroute_withdraws_the_old_task_and_opens_one_for_the_new_department(
    driver: CaseDriver, sessions: SessionFactory, case_worker: Any
) -> None:
    handle = await driver.start()
    [old] = await driver.open_tasks(handle.id, 1)
    result = await driver.reroute(handle, TO_REALESTATE, "小区内部管网，属物业维修范围")
    assert result.status == CaseStatus.HANDLING
    [new] = await driver.open_tasks(handle.id, 1)
    assert new.department_code == "company.realestate" and new.task_id != old.task_id
    await driver.reply(new, "已组织人员抢修")
    await eventually(lambda: _replied(handle))
    async with sessions() as session:
        withdrawn = await session.get(Assignment, old.task_id)
        case = await session.get(Case, handle.id)
    assert (
        withdrawn is not None and withdrawn.status == AssignmentStatus.VOID and withdrawn.reply_text is None
    )
    assert case is not None and case.lead_department_code == "company.realestate"
    kinds = await driver.kinds(handle.id)
    assert "rerouted" in kinds and "reply_void" not in kinds and kinds.count("replied") == 1


async def test_a_reply_that_races_the_withdrawal_is_recorded_void_and_never_applied(
    driver: CaseDriver, sessions: SessionFactory, worker_factory: Callable[..., Any]
) -> None:
    @activity.defn(name="withdraw_task")
    async def slow_withdrawal(withdrawal: TaskWithdrawal) -> bool:
        return False  # the department's reply gets to Temporal first

    async with worker_factory(replace_activities=[slow_withdrawal]):
        handle = await driver.start()
        [old] = await driver.open_tasks(handle.id, 1)
        await driver.reroute(handle, TO_REALESTATE)
        await driver.reply(old, "我们已经修好了")
        [new] = await driver.open_tasks(handle.id, 1)

        async def void_recorded() -> bool:
            return "reply_void" in await driver.kinds(handle.id)

        await eventually(void_recorded)
        assert (await handle.query(CaseWorkflow.state)).status == CaseStatus.HANDLING
        await driver.reply(new, "已组织人员抢修")
        await eventually(lambda: _replied(handle))
    void = next(e for e in await driver.timeline(handle.id) if e.kind == "reply_void")
    assert void.data["text"] == "我们已经修好了" and void.data["task_id"] == old.task_id
    async with sessions() as session:
        withdrawn = await session.get(Assignment, old.task_id)
    assert (
        withdrawn is not None and withdrawn.status == AssignmentStatus.VOID and withdrawn.reply_text is None
    )


async def test_reroute_is_the_dispatchers_and_only_before_the_reply(
    driver: CaseDriver, case_worker: Any
) -> None:
    handle = await driver.start()
    await driver.open_tasks(handle.id, 1)
    with pytest.raises(WorkflowUpdateFailedError) as by_department:
        await handle.execute_update(
            CaseWorkflow.reroute,
            Reroute(
                actor=department("company.water"), request_id=rid(), route=TO_REALESTATE, reason="不归我们"
            ),
        )
    assert getattr(by_department.value.cause, "type", None) == "role_not_allowed"
    await driver.handle_to_reply(handle)
    with pytest.raises(WorkflowUpdateFailedError) as too_late:
        await driver.reroute(handle, TO_REALESTATE)
    assert getattr(too_late.value.cause, "type", None) == "wrong_state"
