"""The clock as it stood, derived from the history alone of cases driven through the lifecycle on the
dev server with a fast clock: an approved extension moves the due time, an untouched task goes overdue
and climbs the levels, a deferral stops the clock until the department gets the case back."""

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from temporalio.client import Client

from hotline import audit, audit_clock, history
from hotline.audit_reads import clock_of
from hotline.contracts import Actor, RequestDeferral, RuleDeferral
from hotline.db import SessionFactory
from hotline.enums import AssignmentStatus, CaseStatus, Role
from hotline.replay import load_history
from tests.clock import fast_clock
from tests.helpers import eventually
from tests.replay.test_corpus import HISTORIES
from tests.workflows.lifecycle import CaseDriver, department, rid
from workflows import CaseWorkflow


@pytest.fixture
def driver(temporal: Client, sessions: SessionFactory, task_queue: str) -> CaseDriver:
    return CaseDriver(temporal, sessions, task_queue)


async def _recorded(temporal: Client, case_number: str, kind: str, count: int = 1) -> history.CaseHistory:
    """The case's history once `count` steps of `kind` are in it."""

    async def probe() -> history.CaseHistory | None:
        found = await history.fetch(client=temporal, case_number=case_number)
        steps = [s for s in history.projections(found) if s.event.kind == kind]
        return found if len(steps) >= count else None

    return await eventually(probe, within=20)


async def test_an_untouched_task_goes_overdue_and_climbs_the_levels(
    driver: CaseDriver, worker_factory: Callable[..., Any], temporal: Client
) -> None:
    # The rungs a second and more apart: a busy machine still reaches each before its time has passed.
    clock = fast_clock(due_seconds=3, sign_for_seconds=0.5, warning_fraction=0.5, escalation_seconds=(1, 1))
    async with worker_factory(replace_activities=clock):
        handle = await driver.start()
        [task] = await driver.open_tasks(handle.id, 1)
        case_history = await _recorded(temporal, handle.id, "escalated", count=2)

    [derived] = clock_of(case_history, datetime.now(UTC)).tasks
    assert derived.task_id == task.task_id and derived.status == AssignmentStatus.OPEN
    [segment] = derived.segments
    assert (segment.reason, segment.due_at) == ("dispatched", task.due_at)
    assert derived.sign_for_late and derived.signed_at is None
    assert derived.sign_for_late_at is not None and derived.sign_for_late_at >= derived.sign_by
    assert [reached.level for reached in derived.levels] == [1, 2, 3]
    first, second, third = (reached.at for reached in derived.levels)
    assert derived.overdue_at == first and task.due_at <= first < second < third
    assert len(derived.warnings) == 1 and derived.warnings[0] < task.due_at

    recorded = audit_clock.read(case_history)
    before = audit_clock.as_it_stood(recorded, first - timedelta(milliseconds=1))
    assert (before.status, before.escalation_level) == (CaseStatus.HANDLING, 0)
    assert not before.tasks[0].overdue and before.tasks[0].escalation_level == 0
    between = audit_clock.as_it_stood(recorded, second - timedelta(milliseconds=1))
    assert between.escalation_level == 1 and between.tasks[0].overdue
    assert between.last_event is not None and between.last_event.kind == "overdue"
    assert audit_clock.as_it_stood(recorded, third).escalation_level == 3
    nothing = audit_clock.as_it_stood(recorded, task.assigned_at - timedelta(minutes=5))
    assert nothing.status is None and nothing.tasks == []

    entries = audit.timeline(case_history).entries
    timers = [
        (e.name, e.details.get("level"))
        for e in entries
        if e.kind == "timer_fired" and e.task_id == task.task_id
    ]
    ladder = [
        ("sign_for", None),
        ("warning", None),
        ("overdue", "1"),
        ("escalation", "2"),
        ("escalation", "3"),
    ]
    assert not [e for e in entries if e.kind.startswith("timer_") and e.name == "unknown"]
    # A step the worker took longer over than a rung's delay leaves no timer to wait on: the rest, in order.
    assert timers == [rung for rung in ladder if rung in timers] and ("overdue", "1") in timers
    due_timer = next(e for e in entries if e.kind == "timer_started" and e.name == "overdue")
    assert due_timer.fires_at is not None and abs(due_timer.fires_at - task.due_at) < timedelta(
        milliseconds=1
    )


async def test_an_approved_extension_moves_the_due_time(
    driver: CaseDriver, worker_factory: Callable[..., Any], temporal: Client
) -> None:
    clock = fast_clock(due_seconds=2, sign_for_seconds=30, warning_fraction=0.9, escalation_seconds=(30, 30))
    async with worker_factory(replace_activities=clock):
        handle = await driver.start()
        [task] = await driver.open_tasks(handle.id, 1)
        wanted = task.due_at + timedelta(seconds=1.5)
        await driver.request_extension(handle, task, wanted)
        await driver.rule_extension(handle, task.task_id, approve=True)
        await driver.sign_for(handle, task)
        case_history = await _recorded(temporal, handle.id, "overdue")
        await driver.reply(task)
        case_history = await _recorded(temporal, handle.id, "replied")

    [derived] = clock_of(case_history, datetime.now(UTC)).tasks
    dispatched, extended = derived.segments
    assert (dispatched.reason, dispatched.due_at) == ("dispatched", task.due_at)
    assert (extended.reason, extended.due_at) == ("extension", wanted)
    assert derived.due_at(dispatched.start) == task.due_at
    assert derived.due_at(extended.start) == wanted
    assert derived.overdue_at is not None and derived.overdue_at >= wanted
    assert derived.signed_at is not None and not derived.sign_for_late
    assert derived.status == AssignmentStatus.REPLIED and derived.ended_at is not None

    recorded = audit_clock.read(case_history)
    stood = audit_clock.as_it_stood(recorded, extended.start)  # signed for just after
    assert stood.tasks[0].due_at == wanted and stood.tasks[0].status == AssignmentStatus.OPEN
    assert audit_clock.as_it_stood(recorded, datetime.now(UTC)).status == CaseStatus.REPLIED


async def test_a_deferral_stops_the_clock_until_the_department_gets_the_case_back(
    driver: CaseDriver, case_worker: Any, temporal: Client
) -> None:
    handle = await driver.start()
    [task] = await driver.open_tasks(handle.id, 1)
    target = datetime.now(UTC) + timedelta(seconds=2)
    await handle.execute_update(
        CaseWorkflow.request_deferral,
        RequestDeferral(
            actor=department(task.department_code),
            request_id=rid(),
            task_id=task.task_id,
            plan="待管网改造后解决",
            target_date=target,
        ),
    )
    supervisor = Actor(user="supervisor2", role=Role.SUPERVISOR, supervision_level=2)
    await handle.execute_update(
        CaseWorkflow.rule_deferral,
        RuleDeferral(actor=supervisor, request_id=rid(), approve=True, reason="属实"),
    )
    [resumed] = await driver.open_tasks(handle.id, 1)
    await asyncio.sleep(0.2)
    case_history = await _recorded(temporal, handle.id, "reissued")

    first, second = clock_of(case_history, datetime.now(UTC)).tasks
    assert first.task_id == task.task_id and second.task_id == resumed.task_id
    paused = first.segments[-1]
    assert (paused.reason, paused.due_at, paused.until) == ("deferred", None, target)
    assert first.status == AssignmentStatus.VOID and first.due_at(paused.start) is None
    assert second.segments[0].reason == "resumed" and second.assigned_at >= target

    recorded = audit_clock.read(case_history)
    during = audit_clock.as_it_stood(recorded, paused.start + timedelta(milliseconds=500))
    assert during.status == CaseStatus.DEFERRED and during.deferred_until == target
    assert [(t.status, t.due_at) for t in during.tasks] == [(AssignmentStatus.VOID, None)]
    after = audit_clock.as_it_stood(recorded, datetime.now(UTC))
    assert after.status == CaseStatus.HANDLING and after.deferred_until is None
    timers = [e.name for e in audit.timeline(case_history).entries if e.kind == "timer_fired"]
    assert "deferral_end" in timers


def test_tasks_opened_together_each_get_their_own_timers() -> None:
    """Four departments dispatched at once wait for the same sign-by and warning moments: each timer is
    still named for its own task (it used to be named for the first task, four times)."""
    recorded = load_history(HISTORIES / "one-write-per-task" / "task_force_all_departments.json")
    case_history = history.CaseHistory(recorded.workflow_id, [history.Run(recorded.run_id, None, recorded)])
    started = [e for e in audit.timeline(case_history).entries if e.kind == "timer_started"]
    for purpose in ("sign_for", "warning"):
        tasks = [e.task_id for e in started if e.name == purpose]
        assert len(tasks) == 4 and len(set(tasks)) == 4, (purpose, tasks)
    cancelled = [e for e in audit.timeline(case_history).entries if e.kind == "timer_cancelled"]
    assert len({(e.name, e.task_id) for e in cancelled}) == len(cancelled) == 8
