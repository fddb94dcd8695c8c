"""The read model unreachable for the worker while cases are under way, then back: the projections and
department tasks retry, nothing is lost, and the read model ends equal to the histories."""

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
from tests.faults.outage import PostgresCut, SqliteLock, outage_for
from tests.processes import System

pytestmark = [pytest.mark.faults, pytest.mark.timeout(240)]

CASES = 30
# PostgreSQL behind the cut proxy fails at once; on SQLite the outage must outlast the busy timeout
# (10 s), or writes merely wait instead of failing.
OUTAGE_SECONDS = {PostgresCut: 6.0, SqliteLock: 14.0}
FAILED_ATTEMPT = "Completing activity as failed"  # the SDK's log line for every failed attempt


async def test_read_model_outage_is_retried_and_loses_nothing(system: System, read_model: ReadModel) -> None:
    async with outage_for(read_model.url) as outage:
        worker = await system.start_worker(extra_env={"DATABASE_URL": outage.worker_url})
        _api, url = await system.start_api()
        run = uuid.uuid4().hex[:8]
        async with asyncio.timeout(180), Driver([url], read_model.sessions) as driver:
            cases = [
                asyncio.create_task(driver.standard_path(index, f"faults-{run}-{index}"))
                for index in range(CASES)
            ]
            await driver.reached("intake", CASES // 3)
            await outage.cut()
            at_cut = dict(driver.done)
            await asyncio.sleep(OUTAGE_SECONDS[type(outage)])
            failed_during_outage = worker.log.read_text().count(FAILED_ATTEMPT)
            await outage.restore()
            numbers = await asyncio.gather(*cases)

    assert at_cut.get("closed", 0) < CASES  # the outage came mid-flight
    # The worker's activities did fail while the database was away (and, on PostgreSQL, kept trying to
    # connect); every case still closed below, so each failed attempt was retried.
    assert failed_during_outage > 0
    if isinstance(outage, PostgresCut):
        assert outage.refused > 0

    await assert_closed_in_temporal(system.temporal, system.settings.temporal_task_queue, numbers)
    by_case = await timelines(read_model.sessions, numbers)
    assert kinds(by_case) == {number: STANDARD_PATH for number in numbers}
    assert_no_event_twice(by_case)
    await assert_read_model_matches_histories(
        system.temporal, read_model.sessions, system.settings.temporal_task_queue, numbers
    )
