"""Temporal Schedules the system needs, created idempotently at start (no home-made scheduler)."""

from __future__ import annotations

from datetime import timedelta

from temporalio.client import (
    Client,
    Schedule,
    ScheduleActionStartWorkflow,
    ScheduleAlreadyRunningError,
    ScheduleIntervalSpec,
    ScheduleOverlapPolicy,
    SchedulePolicy,
    ScheduleSpec,
)


def outbox_schedule_id(task_queue: str) -> str:
    """One per task queue, so that deployments sharing a namespace keep their own."""
    return f"outbox-delivery-{task_queue}"


def archive_schedule_id(task_queue: str) -> str:
    return f"case-archive-{task_queue}"


# Closed cases' histories go to the archive (hotline/archive.py) well within the namespace's retention.
ARCHIVE_EVERY = timedelta(minutes=15)
OUTBOX_EVERY = timedelta(minutes=1)


async def ensure_schedules(client: Client, task_queue: str) -> list[str]:
    """Create the schedules that are missing; returns the ids created."""
    created = []
    for schedule_id, workflow, every in (
        (outbox_schedule_id(task_queue), "OutboxDelivery", OUTBOX_EVERY),
        (archive_schedule_id(task_queue), "ArchiveClosedCases", ARCHIVE_EVERY),
    ):
        schedule = Schedule(
            action=ScheduleActionStartWorkflow(workflow, id=f"{schedule_id}-run", task_queue=task_queue),
            spec=ScheduleSpec(intervals=[ScheduleIntervalSpec(every=every)]),
            policy=SchedulePolicy(overlap=ScheduleOverlapPolicy.SKIP),
        )
        try:
            await client.create_schedule(schedule_id, schedule)
            created.append(schedule_id)
        except ScheduleAlreadyRunningError:
            pass
    return created
