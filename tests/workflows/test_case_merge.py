"""并单: a duplicate joins an open case, gets its reply and its own return visit."""

from typing import Any

import pytest
from temporalio.client import Client, WorkflowUpdateFailedError

from hotline.contracts import MergeInto, Withdraw
from hotline.db import SessionFactory
from hotline.enums import AssignmentStatus, CaseStatus, CloseReason
from hotline.models import Case
from tests.helpers import case_intake, eventually
from tests.workflows.lifecycle import DISPATCHER, CaseDriver, rid
from workflows import CaseWorkflow


@pytest.fixture
def driver(temporal: Client, sessions: SessionFactory, task_queue: str) -> CaseDriver:
    return CaseDriver(temporal, sessions, task_queue)


async def _status(handle: Any) -> CaseStatus:
    return CaseStatus((await handle.query(CaseWorkflow.state)).status)


async def _merge(duplicate: Any, primary: str) -> Any:
    return await duplicate.execute_update(
        CaseWorkflow.merge_into,
        MergeInto(actor=DISPATCHER, request_id=rid(), primary=primary, reason="同一爆管"),
    )


async def test_the_merged_citizen_gets_the_primary_reply_and_a_visit_of_their_own(
    driver: CaseDriver, sessions: SessionFactory, case_worker: Any
) -> None:
    primary = await driver.start()
    duplicate = await driver.start(case_intake())
    await driver.open_tasks(primary.id, 1)
    await driver.open_tasks(duplicate.id, 1)
    assert (await _merge(duplicate, primary.id)).status == CaseStatus.MERGED

    async def withdrawn() -> bool:
        view = await duplicate.query(CaseWorkflow.state)
        return all(t.status == AssignmentStatus.VOID for t in view.tasks)

    await eventually(withdrawn)
    await driver.handle_to_reply(primary)
    assert await _status(duplicate) == CaseStatus.MERGED  # still waiting for the primary's review
    await driver.review(primary)

    async def visiting() -> bool:
        return await _status(duplicate) == CaseStatus.VISITING

    await eventually(visiting)
    await driver.visit(duplicate)
    await driver.visit(primary)
    assert (await duplicate.result()).close_reason == CloseReason.VISITED
    assert (await primary.result()).close_reason == CloseReason.VISITED
    duplicate_kinds = await driver.kinds(duplicate.id)
    assert [k for k in duplicate_kinds if k in ("merged", "primary_replied", "visited", "closed")] == [
        "merged",
        "primary_replied",
        "visited",
        "closed",
    ]
    assert "merged_in" in await driver.kinds(primary.id)
    async with sessions() as session:
        row = await session.get(Case, duplicate.id)
    assert row is not None and row.merged_into == primary.id


async def test_merging_into_a_case_that_is_not_open_is_refused_and_changes_nothing(
    driver: CaseDriver, case_worker: Any
) -> None:
    duplicate = await driver.start()
    await driver.open_tasks(duplicate.id, 1)
    with pytest.raises(WorkflowUpdateFailedError) as refused:
        await _merge(duplicate, "XN00000000-000000")
    assert getattr(refused.value.cause, "type", None) == "wrong_state"
    assert await _status(duplicate) == CaseStatus.HANDLING
    await driver.open_tasks(duplicate.id, 1)  # its task is still open


async def test_a_withdrawn_primary_hands_merged_cases_back_to_their_departments(
    driver: CaseDriver, case_worker: Any
) -> None:
    primary = await driver.start()
    duplicate = await driver.start(case_intake())
    await driver.open_tasks(primary.id, 1)
    [first] = await driver.open_tasks(duplicate.id, 1)
    await _merge(duplicate, primary.id)
    await primary.execute_update(
        CaseWorkflow.withdraw, Withdraw(actor=DISPATCHER, request_id=rid(), reason="市民撤回")
    )
    [again] = await driver.open_tasks(duplicate.id, 1)
    assert again.task_id != first.task_id and again.department_code == first.department_code
    assert await _status(duplicate) == CaseStatus.HANDLING
