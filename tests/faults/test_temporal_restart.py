"""kill -9 of the Temporal dev server mid-flight, then the same server again on the same SQLite file and
port: every case goes on to close, and a timer set before the restart fires after it."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import col, select

from hotline.db import SessionFactory
from hotline.enums import EventKind
from hotline.models import Assignment, CaseEvent
from tests.faults.checks import (
    assert_closed_in_temporal,
    assert_no_event_twice,
    assert_read_model_matches_histories,
    kinds,
    timelines,
)
from tests.faults.clocked_worker import SIGN_FOR_SECONDS, api_env
from tests.faults.conftest import ReadModel
from tests.faults.driver import STANDARD_PATH, Driver
from tests.helpers import eventually
from tests.processes import System

pytestmark = [pytest.mark.faults, pytest.mark.timeout(240)]

MOVING = 20  # cases driven along the path straight away, through the restart
WAITING = 10  # cases left unsigned until their sign-for window (a timer) has run out
SIGN_FOR_WINDOW = timedelta(seconds=20)
LATE = EventKind.SIGN_FOR_LATE.value


async def _late_events(sessions: SessionFactory, numbers: list[str]) -> dict[str, CaseEvent]:
    async with sessions() as session:
        found = await session.execute(
            select(CaseEvent).where(col(CaseEvent.case_number).in_(numbers), CaseEvent.kind == LATE)
        )
        return {event.case_number: event for event in found.scalars()}


async def _assigned_at(sessions: SessionFactory, numbers: list[str]) -> dict[str, datetime]:
    async with sessions() as session:
        found = await session.execute(
            select(Assignment.case_number, Assignment.assigned_at).where(
                col(Assignment.case_number).in_(numbers)
            )
        )
        return {number: assigned_at for number, assigned_at in found}


async def test_dev_server_restart_loses_no_case_and_no_timer(system: System, read_model: ReadModel) -> None:
    await system.start_worker(
        module="tests.faults.clocked_worker",
        extra_env={SIGN_FOR_SECONDS: str(SIGN_FOR_WINDOW.total_seconds())},
    )
    _api, url = await system.start_api(extra_env=api_env(SIGN_FOR_WINDOW.total_seconds()))
    sessions = read_model.sessions
    run = uuid.uuid4().hex[:8]
    waiting: list[str] = []

    async def until_sign_for_late(number: str) -> None:
        waiting.append(number)
        await eventually(lambda: _late_events(sessions, [number]), within=120, interval=0.5)

    async def all_waiting() -> bool:
        return len(waiting) == WAITING

    async with asyncio.timeout(180), Driver([url], sessions) as driver:
        cases = [
            asyncio.create_task(driver.standard_path(index, f"faults-{run}-{index}"))
            for index in range(MOVING)
        ] + [
            asyncio.create_task(
                driver.standard_path(index, f"faults-{run}-{index}", before_sign_for=until_sign_for_late)
            )
            for index in range(MOVING, MOVING + WAITING)
        ]
        await eventually(all_waiting, within=60)
        await driver.reached("sign_for", MOVING // 4)

        assert not await _late_events(sessions, waiting), "a sign-for timer ran out before the restart"
        killed_at = datetime.now(UTC)
        assert system.dev_server is not None
        system.dev_server.kill()
        at_kill = dict(driver.done)
        await asyncio.sleep(1)
        await system.restart_dev_server()
        numbers = await asyncio.gather(*cases)

    assert at_kill.get("closed", 0) < MOVING  # the restart came mid-flight
    await assert_closed_in_temporal(system.temporal, system.settings.temporal_task_queue, numbers)

    # The timers were set at dispatch, before the kill; each fired after the restart, not early.
    assigned = await _assigned_at(sessions, waiting)
    late = await _late_events(sessions, waiting)
    assert sorted(late) == sorted(waiting)
    for number in waiting:
        assert assigned[number] < killed_at
        assert late[number].occurred_at >= assigned[number] + SIGN_FOR_WINDOW
        assert late[number].occurred_at > killed_at

    by_case = await timelines(sessions, numbers)
    paths = kinds(by_case)
    for number in waiting:
        assert paths[number] == [*STANDARD_PATH[:2], LATE, *STANDARD_PATH[2:]]
    for number in set(numbers) - set(waiting):
        # A moving case held up by the restart may also run out of its window; nothing else differs.
        assert [kind for kind in paths[number] if kind != LATE] == STANDARD_PATH
    assert_no_event_twice(by_case)
    await assert_read_model_matches_histories(
        system.temporal, sessions, system.settings.temporal_task_queue, numbers
    )
