"""Filling a dev server with open cases straight through the SDK (intake's own workflow start, without
the API), paced by what the worker has opened so far, and reading back from the read model."""

from __future__ import annotations

import asyncio
import time
import uuid
from datetime import UTC, datetime

from sqlalchemy import func
from sqlmodel import col, select
from temporalio.client import Client

from hotline.contracts import CURRENT_GENERATION, Actor, CaseIntake, Citizen, Place
from hotline.db import SessionFactory
from hotline.enums import AppealType, AssignmentStatus, Channel, EventKind, Role
from hotline.models import Assignment, CaseEvent

# Sent by the catalogue straight to the water company: one department task per case.
CATEGORY = "water.outage"
START_BATCH = 50
PROGRESS_SECONDS = 10.0


def intake(case_number: str, tier: int) -> CaseIntake:
    """What intake would start the case with; the catalogue decides the route inside the workflow."""
    return CaseIntake(
        case_number=case_number,
        tracking_code=uuid.uuid4().hex[:10].upper(),
        channel=Channel.HOTLINE,
        appeal_type=AppealType.HELP,
        citizen=Citizen(name="王女士", phone="13800001234"),
        place=Place(district="chengdong", address="和盛园小区二期东院115号楼"),
        category=CATEGORY,
        tier=tier,
        title="压测：停水",
        content="基准测试生成的诉求，任务保持打开。",
        received_at=datetime.now(UTC),
        registered_by=Actor(user="dispatcher", role=Role.DISPATCHER),
        generation=CURRENT_GENERATION,
    )


async def start(client: Client, task_queue: str, case_number: str, tier: int) -> None:
    await client.start_workflow(
        "CaseWorkflow", intake(case_number, tier), id=case_number, task_queue=task_queue
    )


async def open_tasks(sessions: SessionFactory, case_numbers: list[str] | None = None) -> int:
    """Department tasks the worker has opened (their activity started, its token kept)."""
    query = (
        select(func.count())
        .select_from(Assignment)
        .where(col(Assignment.task_token).is_not(None), Assignment.status == AssignmentStatus.OPEN.value)
    )
    if case_numbers is not None:
        query = query.where(col(Assignment.case_number).in_(case_numbers))
    async with sessions() as session:
        return int((await session.execute(query)).scalar_one())


async def fill(
    client: Client,
    sessions: SessionFactory,
    task_queue: str,
    *,
    prefix: str,
    count: int,
    tier: int,
    backlog: int,
) -> float:
    """Start `count` cases, never more than `backlog` ahead of the worker; seconds until all are open."""
    started_at, last_report = time.monotonic(), time.monotonic()
    opened = await open_tasks(sessions)
    baseline = opened
    for first in range(0, count, START_BATCH):
        while first - (opened - baseline) >= backlog:
            await asyncio.sleep(0.2)
            opened = await open_tasks(sessions)
        numbers = [f"{prefix}{n:06d}" for n in range(first, min(first + START_BATCH, count))]
        await asyncio.gather(*(start(client, task_queue, number, tier) for number in numbers))
        if time.monotonic() - last_report > PROGRESS_SECONDS:
            last_report = time.monotonic()
            print(f"  {opened - baseline:>6} of {count} open ({last_report - started_at:.0f} s)")
    while opened - baseline < count:
        await asyncio.sleep(0.5)
        opened = await open_tasks(sessions)
    return time.monotonic() - started_at


async def sign_for_late(sessions: SessionFactory, case_numbers: list[str]) -> dict[str, datetime]:
    """When each case recorded its task's sign-for window as run out (the timeline's `sign_for_late`)."""
    query = select(CaseEvent.case_number, CaseEvent.occurred_at).where(
        CaseEvent.kind == EventKind.SIGN_FOR_LATE.value, col(CaseEvent.case_number).in_(case_numbers)
    )
    async with sessions() as session:
        return {number: _aware(at) for number, at in (await session.execute(query)).all()}


async def assigned_at(sessions: SessionFactory, case_numbers: list[str]) -> dict[str, datetime]:
    query = select(Assignment.case_number, Assignment.assigned_at).where(
        col(Assignment.case_number).in_(case_numbers)
    )
    async with sessions() as session:
        return {number: _aware(at) for number, at in (await session.execute(query)).all()}


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)  # SQLite gives naive UTC back
