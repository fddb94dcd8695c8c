"""The engine measured straight through the SDK, on the trivial workflows of bench/trivial.py: (a) one-
activity workflows per second, the raw latency of `client.start_workflow` and `handle.execute_update` and
of the intake's own claim followed by a start, and (e) a standard case's bare shape per second."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from typing import Any

from temporalio.api.enums.v1 import PendingActivityState
from temporalio.client import Client, WorkflowExecutionDescription, WorkflowHandle
from temporalio.common import SearchAttributePair, TypedSearchAttributes

from bench.measure import Latencies, Throughput, run_bounded
from bench.trivial import DEPARTMENT_TASK, CaseShape, OneActivity, TakesUpdates
from hotline import intake
from hotline.db import SessionFactory
from hotline.search_attributes import CASE_STATUS

START = "raw start_workflow"
UPDATE = "raw execute_update"
CLAIMED_START = "claim + start_workflow"
POLL_SECONDS = 0.02


async def ceiling(client: Client, task_queue: str, *, count: int, concurrency: int) -> Throughput:
    """One-activity workflows, started and awaited, `concurrency` in flight."""
    prefix = f"ceiling-{uuid.uuid4().hex[:8]}"

    async def one(number: int) -> None:
        result = await client.execute_workflow(
            OneActivity.run, number, id=f"{prefix}-{number}", task_queue=task_queue
        )
        if result != number + 1:
            raise RuntimeError(f"OneActivity returned {result} for {number}")

    return await run_bounded(count, concurrency, one)


async def raw_latencies(
    client: Client, task_queue: str, *, count: int, concurrency: int, updates: int, latencies: Latencies
) -> Throughput:
    """Each workflow: a start, then `updates` Updates one after another (the last ends it), each timed,
    as a case takes its sign-for, review and visit."""
    prefix = f"raw-{uuid.uuid4().hex[:8]}"

    async def one(number: int) -> None:
        async with latencies.timed(START):
            handle = await client.start_workflow(
                TakesUpdates.run, id=f"{prefix}-{number}", task_queue=task_queue
            )
        for step in range(updates):
            async with latencies.timed(UPDATE):
                await handle.execute_update(TakesUpdates.poke, step == updates - 1)
        await handle.result()

    return await run_bounded(count, concurrency, one)


async def case_shape(client: Client, task_queue: str, *, count: int, concurrency: int) -> Throughput:
    """(e) Standard cases' shapes per second (bench/trivial.py, CaseShape), driven as (b) drives cases:
    sign-for once the task is open, the department's reply, review once the reply shows, visit."""
    prefix = f"shape-{uuid.uuid4().hex[:8]}"

    async def one(number: int) -> None:
        handle = await client.start_workflow(
            CaseShape.run,
            id=f"{prefix}-{number}",
            task_queue=task_queue,
            search_attributes=TypedSearchAttributes([SearchAttributePair(CASE_STATUS, "handling")]),
        )
        await _until(handle, _task_open)  # the department signs for once its task is in its inbox
        await handle.execute_update(CaseShape.sign_for)
        reply = client.get_async_activity_handle(
            workflow_id=handle.id, run_id=handle.result_run_id, activity_id=DEPARTMENT_TASK
        )
        await reply.complete(None)
        await _until(handle, _replied)  # the dispatcher reviews once the reply shows
        await handle.execute_update(CaseShape.review)
        await handle.execute_update(CaseShape.visit)
        await handle.result()

    return await run_bounded(count, concurrency, one)


async def _until(
    handle: WorkflowHandle[Any, Any], ready: Callable[[WorkflowExecutionDescription], bool]
) -> None:
    """Until the case shows what the next person waits for, read from Temporal's own record (describe,
    served by the server alone, where a query would take a worker's time)."""
    while True:
        if ready(await handle.describe()):
            return
        await asyncio.sleep(POLL_SECONDS)


def _task_open(described: WorkflowExecutionDescription) -> bool:
    """The department's activity has started: a case's task shows in the inbox once its token is written."""
    started = PendingActivityState.PENDING_ACTIVITY_STATE_STARTED
    return any(a.state == started for a in described.raw_description.pending_activities)


def _replied(described: WorkflowExecutionDescription) -> bool:
    return described.typed_search_attributes.get(CASE_STATUS) == "replied"


async def claimed_starts(
    client: Client,
    task_queue: str,
    claims: tuple[SessionFactory, intake.IntakeConfig],
    *,
    count: int,
    concurrency: int,
    latencies: Latencies,
) -> Throughput:
    """(c, floor) The least an intake that claims its case number durably before it starts can take: the
    intake's own write (`hotline.intake.claim`: the idempotency key and the day's number, one transaction
    on the read model) and then a start, timed together; no HTTP, no login, no reference checks. The
    started workflow is a trivial one, ended by one Update outside the timing."""
    sessions, config = claims
    prefix = f"claimed-{uuid.uuid4().hex[:8]}"

    async def one(number: int) -> None:
        async with latencies.timed(CLAIMED_START):
            async with sessions() as session:
                await intake.claim(session, config, f"{prefix}-{number}", "bench")
            handle = await client.start_workflow(
                TakesUpdates.run, id=f"{prefix}-{number}", task_queue=task_queue
            )
        await handle.execute_update(TakesUpdates.poke, True)
        await handle.result()

    return await run_bounded(count, concurrency, one)
