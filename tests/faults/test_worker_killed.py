"""kill -9 of the worker while 200 cases are under way: it comes back, and every case closes exactly once."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from tests.faults.checks import (
    assert_closed_in_temporal,
    assert_no_event_twice,
    assert_read_model_matches_histories,
    kinds,
    timelines,
)
from tests.faults.conftest import ReadModel
from tests.faults.driver import STANDARD_PATH, Driver
from tests.processes import System

pytestmark = [pytest.mark.faults, pytest.mark.timeout(300)]

CASES = 200


async def test_worker_killed_mid_flight_every_case_closes_once(system: System, read_model: ReadModel) -> None:
    worker = await system.start_worker()
    _api, url = await system.start_api()
    run = uuid.uuid4().hex[:8]
    async with asyncio.timeout(240), Driver([url], read_model.sessions) as driver:
        cases = [
            asyncio.create_task(driver.standard_path(index, f"faults-{run}-{index}"))
            for index in range(CASES)
        ]
        await driver.reached("sign_for", CASES // 3)
        worker.kill()
        at_kill = dict(driver.done)
        await system.restart_worker(worker)
        numbers = await asyncio.gather(*cases)

    # The kill came while cases were between intake and close, not before or after all of them.
    assert at_kill["intake"] > at_kill.get("closed", 0)
    assert at_kill.get("closed", 0) < CASES
    assert len(set(numbers)) == CASES
    # While the worker is away or catching up, people are told to retry, never that something broke.
    assert set(driver.server_errors) <= {"case_busy"}, driver.server_errors

    await assert_closed_in_temporal(system.temporal, system.settings.temporal_task_queue, numbers)
    by_case = await timelines(read_model.sessions, numbers)
    assert kinds(by_case) == {number: STANDARD_PATH for number in numbers}
    assert_no_event_twice(by_case)
    await assert_read_model_matches_histories(
        system.temporal, read_model.sessions, system.settings.temporal_task_queue, numbers
    )
