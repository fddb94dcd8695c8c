"""Reports made by Temporal: the schedules are created once at start (in the city's zone), a
ReportWorkflow run on demand stores a version, a re-run for the same period adds the next one, and the
daily schedule, when it fires, reports on yesterday."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from temporalio.client import Client

from hotline import report_store
from hotline.db import SessionFactory
from hotline.models import Report
from hotline.report_periods import GeneratedBy, ReportKind, parse
from hotline.report_store import ReportRun
from hotline.schedules import REPORT_CRON, ensure_schedules, report_schedule_id
from hotline.settings import Settings
from tests.helpers import eventually
from tests.reports import dataset
from workflows.reports import ReportWorkflow


async def test_the_report_schedules_are_created_once(temporal: Client, settings: Settings) -> None:
    queue = settings.temporal_task_queue
    wanted = {report_schedule_id(kind, queue) for kind in REPORT_CRON}
    created = await ensure_schedules(temporal, queue, timezone="Asia/Shanghai")
    try:
        assert wanted <= set(created)
        assert await ensure_schedules(temporal, queue, timezone="Asia/Shanghai") == []

        async def listed() -> set[str]:
            found = {s.id async for s in await temporal.list_schedules()}
            return wanted if wanted <= found else set()

        await eventually(listed, within=30)
        monthly = await temporal.get_schedule_handle(report_schedule_id("monthly", queue)).describe()
        spec = monthly.schedule.spec
        assert spec.time_zone_name == "Asia/Shanghai"
        calendar = spec.calendars[0]  # "0 3 1 * *": the 1st at 03:00, after the evaluation's 02:00
        assert [r.start for r in calendar.hour] == [3] and [r.start for r in calendar.day_of_month] == [1]
        assert [r.start for r in calendar.minute] == [0]
    finally:
        for schedule_id in created:
            await temporal.get_schedule_handle(schedule_id).delete()


async def test_a_report_run_on_demand_is_stored_and_a_rerun_adds_a_version(
    temporal: Client, sessions: SessionFactory, settings: Settings, case_worker: Any
) -> None:
    await dataset.load(sessions)
    run = ReportRun(
        kind=ReportKind.DAILY, period="2009-03-11", generated_by=GeneratedBy.USER, requested_by="analyst"
    )
    versions = []
    for _ in range(2):
        versions.append(
            await temporal.execute_workflow(
                ReportWorkflow.run,
                run,
                id=f"report-test-{uuid.uuid4().hex[:8]}",
                task_queue=settings.temporal_task_queue,
            )
        )
    first, second = versions
    assert (first.period, first.generated_by, first.requested_by) == ("2009-03-11", "user", "analyst")
    assert second.version == first.version + 1
    async with sessions() as session:
        latest = await report_store.get(session=session, period=parse("daily", "2009-03-11"))
        older = await report_store.get(
            session=session, period=parse("daily", "2009-03-11"), version=first.version
        )
        listed = await report_store.versions(session=session, period=parse("daily", "2009-03-11"))
    assert latest.version == second.version and older.version == first.version
    assert [v.version for v in listed][:2] == [second.version, first.version]
    assert latest.content["city"]["volume"] == 3 and latest.period_end.isoformat() == "2009-03-12"


async def test_the_daily_schedule_reports_on_yesterday_when_it_fires(
    temporal: Client, sessions: SessionFactory, settings: Settings, case_worker: Any
) -> None:
    queue = settings.temporal_task_queue
    created = await ensure_schedules(temporal, queue, timezone=settings.timezone)
    yesterday = (datetime.now(UTC).astimezone(ZoneInfo(settings.timezone)) - timedelta(days=1)).date()
    try:
        async with sessions() as session:
            before = len(
                await report_store.versions(session=session, period=parse("daily", yesterday.isoformat()))
            )
        await temporal.get_schedule_handle(report_schedule_id("daily", queue)).trigger()

        async def stored() -> Report | None:
            async with sessions() as session:
                listed = await report_store.versions(
                    session=session, period=parse("daily", yesterday.isoformat())
                )
                if len(listed) <= before:
                    return None
                return await report_store.get(session=session, period=parse("daily", yesterday.isoformat()))

        report = await eventually(stored, within=30)
        assert report.generated_by == "schedule" and report.requested_by is None
    finally:
        for schedule_id in created:
            await temporal.get_schedule_handle(schedule_id).delete()


async def test_the_command_line_makes_a_report_for_the_day_given(
    sessions: SessionFactory, settings: Settings, capsys: Any
) -> None:
    from datetime import date

    from hotline.cli import reports as reports_cli

    await dataset.load(sessions)
    assert await reports_cli.run(ReportKind.DAILY, on=date(2009, 3, 11), settings=settings) == 0
    assert "daily report 2009-03-11 stored as version" in capsys.readouterr().out
    assert await reports_cli.run(ReportKind.MONTHLY, period="2009-13", settings=settings) == 2
    async with sessions() as session:
        latest = await report_store.get(session=session, period=parse("daily", "2009-03-11"))
    assert latest.generated_by == "user" and latest.content["overdue_now"]["cases"] >= 0
