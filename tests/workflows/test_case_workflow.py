"""CaseWorkflow's lifecycle on the dev server with the real worker and read model (a department task
is open, so the time-skipping server cannot be used: DESIGN.md §4)."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import select
from temporalio.client import Client, WorkflowFailureError, WorkflowUpdateFailedError

from hotline.contracts import Actor, Decision, Review, SignFor, Visit
from hotline.db import SessionFactory
from hotline.enums import AssignmentStatus, CaseStatus, CloseReason, Rating, Role
from hotline.models import Assignment, Case, OutboxMessage
from tests.clock import fast_clock
from tests.helpers import case_intake, eventually
from tests.workflows.lifecycle import DISPATCHER, SUPERVISOR, VISITOR, CaseDriver, department, rid
from workflows import CaseWorkflow


@pytest.fixture
def driver(temporal: Client, sessions: SessionFactory, task_queue: str) -> CaseDriver:
    return CaseDriver(temporal, sessions, task_queue)


def _refusal(error: WorkflowUpdateFailedError) -> str | None:
    return getattr(error.cause, "type", None)


async def test_standard_path_sign_reply_review_visit_close(
    driver: CaseDriver, sessions: SessionFactory, case_worker: Any
) -> None:
    handle = await driver.start()
    [task] = await driver.open_tasks(handle.id, 1)
    assert task.department_code == "company.water"
    signed = await driver.sign_for(handle, task)
    assert signed.status == CaseStatus.HANDLING
    await driver.reply(task, "当日晚修复完毕，恢复供水")
    await eventually(lambda: _status_is(handle, CaseStatus.REPLIED))
    assert (await driver.review(handle)).status == CaseStatus.VISITING
    await driver.visit(handle, Rating.SATISFIED)
    outcome = await handle.result()
    assert (outcome.status, outcome.close_reason, outcome.rating) == (
        CaseStatus.CLOSED,
        CloseReason.VISITED,
        Rating.SATISFIED,
    )
    assert await driver.kinds(handle.id) == [
        "registered",
        "dispatched",
        "signed_for",
        "replied",
        "awaiting_review",
        "review_accepted",
        "visited",
        "closed",
    ]
    async with sessions() as session:
        case = await session.get(Case, handle.id)
        row = await session.get(Assignment, task.task_id)
    assert case is not None and (case.status, case.rating, case.resolved, case.close_reason) == (
        "closed",
        "satisfied",
        True,
        "visited",
    )
    assert row is not None and row.signed_at is not None and not row.sign_for_late
    assert row.reply_text == "当日晚修复完毕，恢复供水"


async def _status_is(handle: Any, status: CaseStatus) -> bool:
    return bool((await handle.query(CaseWorkflow.state)).status == status)


async def test_task_force_case_waits_for_every_department(driver: CaseDriver, case_worker: Any) -> None:
    handle = await driver.start(case_intake(category="housing.certificate", district="chengbei"))
    tasks = await driver.open_tasks(handle.id, 4)
    assert {t.department_code for t in tasks} == {
        "city.construction",
        "city.housing",
        "city.planning",
        "city.registry",
    }
    for task in tasks[:3]:
        await driver.reply(task)

    async def three_replied() -> Any:
        view = await handle.query(CaseWorkflow.state)
        return view if sum(t.status == AssignmentStatus.REPLIED for t in view.tasks) == 3 else None

    assert (await eventually(three_replied)).status == CaseStatus.HANDLING
    await driver.reply(tasks[3])
    await eventually(lambda: _status_is(handle, CaseStatus.REPLIED))


async def test_another_department_cannot_sign_for_the_task_and_nothing_is_written(
    driver: CaseDriver, case_worker: Any
) -> None:
    handle = await driver.start()
    [task] = await driver.open_tasks(handle.id, 1)
    before = (await handle.query(CaseWorkflow.state)).events
    with pytest.raises(WorkflowUpdateFailedError) as refused:
        await driver.sign_for(handle, task, actor=department("city.forestry"))
    assert _refusal(refused.value) == "not_your_task"
    history = [e async for e in handle.fetch_history_events()]
    assert not any(e.HasField("workflow_execution_update_accepted_event_attributes") for e in history)
    assert (await handle.query(CaseWorkflow.state)).events == before


async def test_review_before_the_reply_and_an_incomplete_visit_are_refused(
    driver: CaseDriver, case_worker: Any
) -> None:
    handle = await driver.start()
    await driver.open_tasks(handle.id, 1)
    with pytest.raises(WorkflowUpdateFailedError) as early:
        await driver.review(handle)
    assert _refusal(early.value) == "wrong_state"
    with pytest.raises(WorkflowUpdateFailedError) as no_reason:
        await handle.execute_update(
            CaseWorkflow.review, Review(actor=DISPATCHER, request_id=rid(), accept=False)
        )
    assert _refusal(no_reason.value) in ("wrong_state", "reason_required")
    await driver.handle_to_reply(handle)
    with pytest.raises(WorkflowUpdateFailedError) as no_reason_now:
        await handle.execute_update(
            CaseWorkflow.review, Review(actor=DISPATCHER, request_id=rid(), accept=False)
        )
    assert _refusal(no_reason_now.value) == "reason_required"
    await driver.review(handle)
    with pytest.raises(WorkflowUpdateFailedError) as incomplete:
        await handle.execute_update(CaseWorkflow.visit, Visit(actor=VISITOR, request_id=rid(), reached=True))
    assert _refusal(incomplete.value) == "incomplete_visit"
    with pytest.raises(WorkflowUpdateFailedError) as wrong_role:
        await handle.execute_update(
            CaseWorkflow.visit,
            Visit(actor=DISPATCHER, request_id=rid(), reached=True, resolved=True, rating=Rating.SATISFIED),
        )
    assert _refusal(wrong_role.value) == "role_not_allowed"


async def test_a_repeated_request_is_answered_from_the_first_result(
    driver: CaseDriver, case_worker: Any
) -> None:
    handle = await driver.start()
    [task] = await driver.open_tasks(handle.id, 1)
    action = SignFor(actor=department(task.department_code), request_id=rid(), task_id=task.task_id)
    first = await handle.execute_update(CaseWorkflow.sign_for, action)
    again = await handle.execute_update(CaseWorkflow.sign_for, action)
    assert first == again
    assert (await driver.kinds(handle.id)).count("signed_for") == 1


async def test_review_sends_the_reply_back_to_the_department(driver: CaseDriver, case_worker: Any) -> None:
    handle = await driver.start()
    await driver.handle_to_reply(handle)
    result = await driver.review(handle, accept=False, reason="答复未说明维修结果")
    assert result.status == CaseStatus.HANDLING
    [second] = await driver.open_tasks(handle.id, 1)
    assert second.task_id.endswith("-T2") and second.department_code == "company.water"
    await driver.reply(second, "已修复并回访住户")
    await eventually(lambda: _status_is(handle, CaseStatus.REPLIED))
    await driver.review(handle)
    await driver.visit(handle, Rating.BASICALLY_SATISFIED)
    assert (await handle.result()).close_reason == CloseReason.VISITED
    kinds = await driver.kinds(handle.id)
    assert kinds.count("review_sent_back") == 1 and kinds.count("replied") == 2


async def test_dissatisfied_citizen_reopens_until_the_limit_then_a_supervisor_decides(
    driver: CaseDriver, worker_factory: Callable[..., Any]
) -> None:
    async with worker_factory(replace_activities=fast_clock(reopen_limit=1)):
        handle = await driver.start()
        await driver.handle_to_reply(handle)
        await driver.review(handle)
        reopened = await driver.visit(handle, Rating.DISSATISFIED, resolved=False)
        assert reopened.status == CaseStatus.HANDLING
        await driver.handle_to_reply(handle)
        await driver.review(handle)
        limit = await driver.visit(handle, Rating.DISSATISFIED, resolved=False)
        assert limit.status == CaseStatus.AWAITING_DECISION
        await driver.decide(handle, close_as_is=True)
        outcome = await handle.result()
    assert (outcome.close_reason, outcome.rating) == (CloseReason.SUPERVISOR_DECISION, Rating.DISSATISFIED)
    kinds = await driver.kinds(handle.id)
    assert [k for k in kinds if k in ("reopened", "awaiting_decision", "decided")] == [
        "reopened",
        "awaiting_decision",
        "decided",
    ]


async def test_an_unreachable_citizen_closes_the_case_after_the_last_attempt(
    driver: CaseDriver, worker_factory: Callable[..., Any]
) -> None:
    async with worker_factory(replace_activities=fast_clock(visit_attempts=2)):
        handle = await driver.start()
        await driver.handle_to_reply(handle)
        await driver.review(handle)
        assert (await driver.visit(handle, rating=None)).status == CaseStatus.VISITING
        await driver.visit(handle, rating=None)
        outcome = await handle.result()
    assert outcome.close_reason == CloseReason.UNREACHABLE and outcome.rating is None


async def test_the_citizen_is_told_when_the_case_closes(
    driver: CaseDriver, sessions: SessionFactory, case_worker: Any
) -> None:
    handle = await driver.start()
    await driver.handle_to_reply(handle)
    await driver.review(handle)
    await driver.visit(handle)
    await handle.result()
    async with sessions() as session:
        messages = list(
            (
                await session.execute(select(OutboxMessage).where(OutboxMessage.case_number == handle.id))
            ).scalars()
        )
    assert [(m.recipient_kind, m.template) for m in messages] == [("citizen", "closed")]


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


async def test_a_supervisor_can_defer_after_the_reopen_limit_and_the_case_comes_back(
    driver: CaseDriver, worker_factory: Callable[..., Any]
) -> None:
    async with worker_factory(replace_activities=fast_clock(reopen_limit=0)):
        handle = await driver.start()
        [first] = await driver.open_tasks(handle.id, 1)
        await driver.handle_to_reply(handle)
        await driver.review(handle)
        assert (
            await driver.visit(handle, Rating.DISSATISFIED, resolved=False)
        ).status == CaseStatus.AWAITING_DECISION
        decision = Decision(
            actor=SUPERVISOR,
            request_id=rid(),
            close_as_is=False,
            reason="待片区改造后解决",
            defer_until=datetime.now(UTC) + timedelta(seconds=2),
        )
        assert (await handle.execute_update(CaseWorkflow.decide, decision)).status == CaseStatus.DEFERRED
        [again] = await driver.open_tasks(handle.id, 1)
        assert again.task_id != first.task_id and again.department_code == first.department_code
        assert "deferral_ended" in await driver.kinds(handle.id)


async def test_the_citizens_own_rating_counts_as_the_visit(driver: CaseDriver, case_worker: Any) -> None:
    handle = await driver.start()
    await driver.handle_to_reply(handle)
    await driver.review(handle)
    citizen = Actor(user="citizen", role=Role.CITIZEN)
    with pytest.raises(WorkflowUpdateFailedError) as unreached:
        await handle.execute_update(CaseWorkflow.visit, Visit(actor=citizen, request_id=rid(), reached=False))
    assert _refusal(unreached.value) == "incomplete_visit"
    rated = Visit(
        actor=citizen, request_id=rid(), reached=True, resolved=True, rating=Rating.BASICALLY_SATISFIED
    )
    await handle.execute_update(CaseWorkflow.visit, rated)
    outcome = await handle.result()
    assert (outcome.close_reason, outcome.rating) == (CloseReason.VISITED, Rating.BASICALLY_SATISFIED)
