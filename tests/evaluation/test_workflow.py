"""The evaluation as a workflow: on demand against the dev server, and its schedule, created once."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from temporalio.client import Client

from hotline import evaluation, evaluation_runs
from hotline.db import SessionFactory
from hotline.evaluation import Zone
from hotline.evaluation_contracts import EvaluationSummary
from hotline.schedules import ensure_schedules, evaluation_schedule_id
from hotline.settings import Settings
from tests.evaluation.data import department_month
from tests.helpers import eventually


async def test_the_workflow_evaluates_a_month_on_demand(
    temporal: Client, sessions: SessionFactory, settings: Settings, case_worker: Any
) -> None:
    await department_month(sessions, "city.registry", 2004, 5, good=True)
    await department_month(sessions, "city.forestry", 2004, 5, good=True, unjustified=2)
    summary = await evaluation_runs.run(
        client=temporal,
        task_queue=settings.temporal_task_queue,
        year=2004,
        month=5,
        now=datetime.now(UTC),
        timezone=settings.timezone,
    )
    assert summary == EvaluationSummary(
        month="2004-05",
        version=1,
        departments=2,
        ranked=2,
        red=[],
        ten_best=["city.registry"],
        ten_worst_candidates=["city.forestry"],
    )
    again = await evaluation_runs.run(
        client=temporal,
        task_queue=settings.temporal_task_queue,
        year=2004,
        month=5,
        now=datetime.now(UTC),
        timezone=settings.timezone,
    )
    assert again.version == 2
    async with sessions() as session:
        stored = await evaluation.results(session=session, year=2004, month=5)
    assert [(e.department, e.zone, e.version) for e in stored] == [
        ("city.registry", Zone.GREEN, 2),
        ("city.forestry", Zone.GREEN, 2),
    ]


async def test_the_schedule_is_created_once_and_evaluates_the_previous_month(
    temporal: Client, settings: Settings, case_worker: Any
) -> None:
    queue = settings.temporal_task_queue
    created = await ensure_schedules(temporal, queue, timezone=settings.timezone)
    try:
        assert evaluation_schedule_id(queue) in created
        assert await ensure_schedules(temporal, queue, timezone=settings.timezone) == []
        listed = [s.id async for s in await temporal.list_schedules() if s.id.endswith(queue)]
        assert sorted(listed) == sorted(created)

        schedule = temporal.get_schedule_handle(evaluation_schedule_id(queue))
        described = await schedule.describe()
        # The server keeps the cron as a calendar: 02:00:00 on the 1st of every month.
        (calendar,) = described.schedule.spec.calendars
        assert [
            (r.start, r.end) for r in (calendar.hour[0], calendar.minute[0], calendar.day_of_month[0])
        ] == [
            (2, 2),
            (0, 0),
            (1, 1),
        ]
        assert described.schedule.spec.time_zone_name == settings.timezone

        await schedule.trigger()
        run = await _first_run(schedule)
        summary = await temporal.get_workflow_handle(run, result_type=EvaluationSummary).result()
        year, month = evaluation.previous_month(datetime.now(UTC), settings.timezone)
        assert summary.month == evaluation.month_key(year, month)
    finally:
        for schedule_id in created:
            await temporal.get_schedule_handle(schedule_id).delete()


async def _first_run(schedule: Any) -> str:
    async def started() -> str | None:
        actions = (await schedule.describe()).info.recent_actions
        return actions[0].action.workflow_id if actions else None

    return await eventually(started, within=30)
