"""The archive schedule is created at start with the outbox's, and when it fires, archives closed cases."""

from typing import Any

from temporalio.client import Client

from hotline.db import SessionFactory
from hotline.models import CaseArchive
from hotline.schedules import archive_schedule_id, ensure_schedules, outbox_schedule_id
from hotline.settings import Settings
from tests.audit.test_archive import closed_case
from tests.helpers import eventually


async def test_the_archive_schedule_archives_closed_cases_when_it_fires(
    temporal: Client, sessions: SessionFactory, settings: Settings, case_worker: Any
) -> None:
    queue = settings.temporal_task_queue
    created = await ensure_schedules(temporal, queue)
    assert {outbox_schedule_id(queue), archive_schedule_id(queue)} <= set(created)
    assert await ensure_schedules(temporal, queue) == []
    number = await closed_case(temporal, sessions, settings)

    schedule = temporal.get_schedule_handle(archive_schedule_id(queue))
    try:
        await schedule.trigger()

        async def archived() -> CaseArchive | None:
            async with sessions() as session:
                return await session.get(CaseArchive, number)

        row = await eventually(archived, within=30)
        assert row.event_count > 0 and len(row.content_sha256) == 64
    finally:
        for schedule_id in created:  # the outbox's and the reports' too
            await temporal.get_schedule_handle(schedule_id).delete()
