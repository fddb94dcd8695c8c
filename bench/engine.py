"""The engine measured straight through the SDK, on the trivial workflows of bench/trivial.py: (a) one-
activity workflows per second, and the raw latency of `client.start_workflow` and `handle.execute_update`."""

from __future__ import annotations

import uuid

from temporalio.client import Client

from bench.measure import Latencies, Throughput, run_bounded
from bench.trivial import OneActivity, TakesUpdates

START = "raw start_workflow"
UPDATE = "raw execute_update"


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
