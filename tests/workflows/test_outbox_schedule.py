"""The outbox schedule is created once and, when it fires, delivers what cases have queued."""

from typing import Any

from sqlmodel import col, func, select
from temporalio.client import Client

from hotline.db import SessionFactory
from hotline.models import OutboxMessage
from hotline.schedules import ensure_schedules, outbox_schedule_id
from hotline.settings import Settings
from tests.helpers import eventually
from tests.workflows.lifecycle import CaseDriver


async def test_the_schedule_is_created_once_and_delivers_when_it_fires(
    temporal: Client, sessions: SessionFactory, settings: Settings, case_worker: Any
) -> None:
    queue = settings.temporal_task_queue
    created = await ensure_schedules(temporal, queue)
    assert outbox_schedule_id(queue) in created
    assert await ensure_schedules(temporal, queue) == []
    driver = CaseDriver(temporal, sessions, queue)
    handle = await driver.start()
    await driver.handle_to_reply(handle)
    await driver.review(handle)
    await driver.visit(handle)
    await handle.result()  # closing queues the reply to the citizen

    schedule = temporal.get_schedule_handle(outbox_schedule_id(queue))
    try:
        await schedule.trigger()

        async def delivered() -> bool:
            async with sessions() as session:
                unsent = await session.execute(
                    select(func.count())
                    .select_from(OutboxMessage)
                    .where(OutboxMessage.case_number == handle.id, col(OutboxMessage.sent_at).is_(None))
                )
                return unsent.scalar_one() == 0

        await eventually(delivered)
    finally:
        for schedule_id in created:  # the archive's and the reports' too
            await temporal.get_schedule_handle(schedule_id).delete()
