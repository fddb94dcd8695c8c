"""The engine's own yardstick: a one-activity workflow and a workflow that takes Updates, doing nothing
else, on a task queue of their own. `python -m bench.trivial <address> <task queue>` runs their worker
in a process of its own, as the case worker runs in its own, so both are measured the same way."""

from __future__ import annotations

import asyncio
import sys
from datetime import timedelta

from temporalio import activity, workflow
from temporalio.client import Client
from temporalio.worker import Worker

ACTIVITY_TIMEOUT = timedelta(seconds=30)


@activity.defn
async def touch(n: int) -> int:
    return n + 1


@workflow.defn
class OneActivity:
    @workflow.run
    async def run(self, n: int) -> int:
        return await workflow.execute_activity(touch, n, start_to_close_timeout=ACTIVITY_TIMEOUT)


@workflow.defn
class TakesUpdates:
    """Waits for Updates; the one marked `last` ends it."""

    def __init__(self) -> None:
        self._count = 0
        self._done = False

    @workflow.run
    async def run(self) -> int:
        await workflow.wait_condition(lambda: self._done)
        return self._count

    @workflow.update
    def poke(self, last: bool) -> int:
        self._count += 1
        self._done = last
        return self._count


async def serve(address: str, task_queue: str) -> None:
    client = await Client.connect(address)
    worker = Worker(client, task_queue=task_queue, workflows=[OneActivity, TakesUpdates], activities=[touch])
    await worker.run()


if __name__ == "__main__":
    asyncio.run(serve(sys.argv[1], sys.argv[2]))
