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


async def ensure_schedules(client: Client, task_queue: str) -> list[str]:
    """Create the schedules that are missing; returns the ids created."""
    created = []
    schedule_id = outbox_schedule_id(task_queue)
    outbox = Schedule(
        action=ScheduleActionStartWorkflow("OutboxDelivery", id=f"{schedule_id}-run", task_queue=task_queue),
        spec=ScheduleSpec(intervals=[ScheduleIntervalSpec(every=timedelta(minutes=1))]),
        policy=SchedulePolicy(overlap=ScheduleOverlapPolicy.SKIP),
    )
    try:
        await client.create_schedule(schedule_id, outbox)
        created.append(schedule_id)
    except ScheduleAlreadyRunningError:
        pass
    return created
