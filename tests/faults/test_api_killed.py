"""kill -9 of the API while intakes are in flight; every request sent again with its own Idempotency-Key
after the restart: exactly one case per key, in Temporal and in the read model."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from sqlmodel import col, func, select

from hotline.models import Case, CaseEvent, IntakeKey
from tests.faults.checks import workflow_ids
from tests.faults.conftest import ReadModel
from tests.faults.driver import Driver
from tests.helpers import eventually
from tests.processes import System

pytestmark = [pytest.mark.faults, pytest.mark.timeout(180)]

INTAKES = 40
ANSWERED_BEFORE_KILL = 3


async def _keys(read_model: ReadModel, keys: list[str]) -> dict[str, str]:
    async with read_model.sessions() as session:
        found = await session.execute(
            select(IntakeKey.idempotency_key, IntakeKey.case_number).where(
                col(IntakeKey.idempotency_key).in_(keys)
            )
        )
        return {key: number for key, number in found}


async def _registered_cases(read_model: ReadModel) -> list[str] | None:
    """Every case in the read model, once its registration has been projected (None until then)."""
    async with read_model.sessions() as session:
        cases = list((await session.execute(select(Case.case_number))).scalars())
        registered = (
            await session.execute(
                select(func.count()).select_from(CaseEvent).where(CaseEvent.kind == "registered")
            )
        ).scalar_one()
    return sorted(cases) if registered == len(cases) == INTAKES else None


async def test_api_killed_mid_intake_makes_exactly_one_case_per_key(
    system: System, read_model: ReadModel
) -> None:
    await system.start_worker()
    api, url = await system.start_api()
    keys = [f"faults-{uuid.uuid4().hex}" for _ in range(INTAKES)]
    async with asyncio.timeout(150), Driver([url], read_model.sessions) as driver:
        first = [asyncio.create_task(driver.intake_once(index, key)) for index, key in enumerate(keys)]
        while sum(attempt.done() for attempt in first) < ANSWERED_BEFORE_KILL:  # noqa: ASYNC110
            await asyncio.sleep(0.01)
        api.kill()
        answers = await asyncio.gather(*first)
        await system.restart_api(api, url)
        numbers = await asyncio.gather(*(driver.intake(index, key) for index, key in enumerate(keys)))

    answered = {
        key: answer.json()["case_number"]
        for key, answer in zip(keys, answers, strict=True)
        if answer is not None and answer.status_code == 201
    }
    assert ANSWERED_BEFORE_KILL <= len(answered) < INTAKES  # the kill cut some intakes off mid-way
    assert all(numbers[keys.index(key)] == number for key, number in answered.items())
    assert len(set(numbers)) == INTAKES

    # One case per key in the read model: its key, its row, its registration; nothing else.
    assert await _keys(read_model, keys) == dict(zip(keys, numbers, strict=True))
    assert await eventually(lambda: _registered_cases(read_model), within=60) == sorted(numbers)

    # One workflow per case in Temporal, each with a single run (a second start would be a second run).
    async def started() -> list[str] | None:
        found = sorted(await workflow_ids(system.temporal, system.settings.temporal_task_queue))
        return found if len(found) >= INTAKES else None

    assert await eventually(started, within=30) == sorted(numbers)
