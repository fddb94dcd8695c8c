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

from hotline.evaluation_contracts import EvaluationRequest
from hotline.report_periods import ReportKind
from hotline.report_store import ReportRun


def outbox_schedule_id(task_queue: str) -> str:
    """One per task queue, so that deployments sharing a namespace keep their own."""
    return f"outbox-delivery-{task_queue}"


def archive_schedule_id(task_queue: str) -> str:
    return f"case-archive-{task_queue}"


def evaluation_schedule_id(task_queue: str) -> str:
    return f"monthly-evaluation-{task_queue}"


# The monthly evaluation of departments (workflows/evaluation.py) for the month just ended: the 1st at
# 02:00 in the city's zone, before the monthly bulletin that shows it.
EVALUATION_CRON = "0 2 1 * *"


def report_schedule_id(kind: str, task_queue: str) -> str:
    return f"report-{kind}-{task_queue}"


# The reports (workflows/reports.py), each for the period just ended, at these times in the city's zone
# (cron: minute hour day-of-month month day-of-week). The monthly bulletin runs after the monthly
# evaluation (02:00 on the 1st), whose ranking and zones it shows.
REPORT_CRON = {
    "daily": "30 0 * * *",  # 日报告, 00:30 every day
    "weekly": "0 1 * * 1",  # 周分析, Monday 01:00
    "monthly": "0 3 1 * *",  # 月通报, the 1st at 03:00
    "annual": "0 4 1 1 *",  # 年总结, 1 January 04:00
}


# Closed cases' histories go to the archive (hotline/archive.py) well within the namespace's retention.
ARCHIVE_EVERY = timedelta(minutes=15)
OUTBOX_EVERY = timedelta(minutes=1)


async def ensure_schedules(client: Client, task_queue: str, *, timezone: str = "Asia/Shanghai") -> list[str]:
    """Create the schedules that are missing; returns the ids created. `timezone` is the city's, in
    which the report schedules' times are read."""
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
    created += await _ensure_report_schedules(client, task_queue, timezone)
    created += await _ensure_evaluation_schedule(client, task_queue, timezone)
    return created


async def _ensure_report_schedules(client: Client, task_queue: str, timezone: str) -> list[str]:
    created = []
    for kind, cron in REPORT_CRON.items():
        schedule_id = report_schedule_id(kind, task_queue)
        schedule = Schedule(
            action=ScheduleActionStartWorkflow(
                "ReportWorkflow",
                ReportRun(kind=ReportKind(kind)),
                id=f"{schedule_id}-run",
                task_queue=task_queue,
            ),
            spec=ScheduleSpec(cron_expressions=[cron], time_zone_name=timezone),
            policy=SchedulePolicy(overlap=ScheduleOverlapPolicy.SKIP),
        )
        try:
            await client.create_schedule(schedule_id, schedule)
            created.append(schedule_id)
        except ScheduleAlreadyRunningError:
            pass
    return created


async def _ensure_evaluation_schedule(client: Client, task_queue: str, timezone: str) -> list[str]:
    schedule_id = evaluation_schedule_id(task_queue)
    schedule = Schedule(
        action=ScheduleActionStartWorkflow(
            "MonthlyEvaluationWorkflow", EvaluationRequest(), id=f"{schedule_id}-run", task_queue=task_queue
        ),
        spec=ScheduleSpec(cron_expressions=[EVALUATION_CRON], time_zone_name=timezone),
        policy=SchedulePolicy(overlap=ScheduleOverlapPolicy.SKIP),
    )
    try:
        await client.create_schedule(schedule_id, schedule)
    except ScheduleAlreadyRunningError:
        return []
    return [schedule_id]
