"""The engine's own yardstick: a one-activity workflow, a workflow that takes Updates, doing nothing else,
and a standard case's bare shape, on a task queue of their own. `python -m bench.trivial <address> <task
queue>` runs their worker in a process of its own, as the case worker runs in its own, so all are measured
the same way."""

from __future__ import annotations

import asyncio
import sys
from datetime import timedelta

from temporalio import activity, workflow
from temporalio.client import Client
from temporalio.worker import Worker

with workflow.unsafe.imports_passed_through():
    from hotline.search_attributes import CASE_STATUS

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


# The case's shape (bench (e)): its steps, in the order a standard case takes them.
REGISTERED, SIGNED, REPLIED, REVIEWED, VISITED = range(5)
DEPARTMENT_TASK = "department-task"
CLOCK = timedelta(hours=2)  # the clock's timers, which never fire here


@activity.defn
async def department_task() -> None:
    """Completed later by the 'department' (the driver), as a case's task is by the reply."""
    activity.raise_complete_async()


@workflow.defn
class CaseShape:
    """A standard case with nothing but its shape: the workflow tasks, Updates, timers, the department's
    asynchronously completed activity and the status upserts of intake → sign-for → reply → review →
    visit, without read model, rules or API. No code for this lifecycle costs the engine less."""

    def __init__(self) -> None:
        self._step = REGISTERED
        self._visit_window: asyncio.Future[None] | None = None

    @workflow.run
    async def run(self) -> int:
        task = workflow.start_activity(
            department_task, activity_id=DEPARTMENT_TASK, start_to_close_timeout=ACTIVITY_TIMEOUT
        )
        window = asyncio.ensure_future(workflow.sleep(CLOCK))  # the sign-for window
        warning = asyncio.ensure_future(workflow.sleep(CLOCK))  # the task's warning
        await workflow.wait_condition(lambda: self._step >= SIGNED)
        window.cancel()
        await task
        warning.cancel()
        self._set(REPLIED, "replied")
        await workflow.wait_condition(lambda: self._step >= REVIEWED)
        # The visit window, which lapses with the case.
        self._visit_window = asyncio.ensure_future(workflow.sleep(CLOCK))
        await workflow.wait_condition(lambda: self._step >= VISITED)
        return self._step

    def _set(self, step: int, status: str) -> None:
        self._step = step
        workflow.upsert_search_attributes([CASE_STATUS.value_set(status)])

    @workflow.update
    def sign_for(self) -> int:
        self._step = SIGNED
        return self._step

    @workflow.update
    def review(self) -> int:
        self._set(REVIEWED, "visiting")
        return self._step

    @workflow.update
    def visit(self) -> int:
        self._set(VISITED, "closed")
        return self._step


async def serve(address: str, task_queue: str) -> None:
    client = await Client.connect(address)
    worker = Worker(
        client,
        task_queue=task_queue,
        workflows=[OneActivity, TakesUpdates, CaseShape],
        activities=[touch, department_task],
    )
    await worker.run()


if __name__ == "__main__":
    asyncio.run(serve(sys.argv[1], sys.argv[2]))
