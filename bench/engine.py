"""The engine measured straight through the SDK, on the trivial workflows of bench/trivial.py: (a) one-
activity workflows per second, the raw latency of `client.start_workflow` and `handle.execute_update`, and
(e) a standard case's bare shape per second."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from temporalio.client import Client, WorkflowHandle
from temporalio.common import SearchAttributePair, TypedSearchAttributes

from bench.measure import Latencies, Throughput, run_bounded
from bench.trivial import DEPARTMENT_TASK, CaseShape, OneActivity, TakesUpdates
from hotline.search_attributes import CASE_STATUS

START = "raw start_workflow"
UPDATE = "raw execute_update"
REPLY_POLL_SECONDS = 0.02


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
    sign-for, the department's reply, review once the reply shows, visit."""
    prefix = f"shape-{uuid.uuid4().hex[:8]}"

    async def one(number: int) -> None:
        handle = await client.start_workflow(
            CaseShape.run,
            id=f"{prefix}-{number}",
            task_queue=task_queue,
            search_attributes=TypedSearchAttributes([SearchAttributePair(CASE_STATUS, "handling")]),
        )
        await handle.execute_update(CaseShape.sign_for)
        reply = client.get_async_activity_handle(
            workflow_id=handle.id, run_id=handle.result_run_id, activity_id=DEPARTMENT_TASK
        )
        await reply.complete(None)
        await _until_replied(handle)
        await handle.execute_update(CaseShape.review)
        await handle.execute_update(CaseShape.visit)
        await handle.result()

    return await run_bounded(count, concurrency, one)


async def _until_replied(handle: WorkflowHandle[Any, Any]) -> None:
    """As the dispatcher reviews a reply once it shows: here the case's status in Temporal's own record
    (describe, served by the server alone, where a query would take a worker's time)."""
    while True:
        described = await handle.describe()
        if described.typed_search_attributes.get(CASE_STATUS) == "replied":
            return
        await asyncio.sleep(REPLY_POLL_SECONDS)
