"""The read model checked against the histories, and rebuilt from them."""

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import delete, func, select, update
from sqlmodel import col
from temporalio.client import Client

from api.app import create_app
from hotline import bootstrap, consistency
from hotline.consistency import Disagreement, Selection
from hotline.db import SessionFactory
from hotline.models import (
    Assignment,
    Case,
    CaseEvent,
    CaseLink,
    CaseNumberCounter,
    IntakeKey,
    OutboxMessage,
)
from hotline.settings import Settings
from tests.audit.test_archive import closed_case
from tests.conftest import fresh_database, prepared_sessions
from tests.helpers import eventually, open_case_with_task
from tests.workflows.lifecycle import CaseDriver
from workflows import CaseWorkflow


async def _consistent(
    temporal: Client, sessions: SessionFactory, settings: Settings, numbers: list[str]
) -> consistency.CheckReport:
    """Projections land asynchronously: wait until the read model has caught up with the histories."""

    async def probe() -> consistency.CheckReport | None:
        report = await consistency.check(
            client=temporal,
            sessions=sessions,
            task_queue=settings.temporal_task_queue,
            selection=Selection(case_numbers=numbers),
        )
        return report if report.consistent else None

    return await eventually(probe, within=30)


async def test_a_corrupted_read_model_is_reported_field_by_field(
    api: httpx.AsyncClient,
    login: Any,
    temporal: Client,
    sessions: SessionFactory,
    settings: Settings,
    case_worker: Any,
) -> None:
    handling, _task = await open_case_with_task(api, login)
    closed = await closed_case(temporal, sessions, settings)
    driver = CaseDriver(temporal, sessions, settings.temporal_task_queue)
    lost = (await driver.start()).id
    await driver.open_tasks(lost, 1)
    fake = f"{handling}-NOPE"
    report = await _consistent(temporal, sessions, settings, [handling, closed, lost])
    assert sorted(report.checked) == sorted([handling, closed, lost])

    async with sessions() as session:
        await session.execute(update(Case).where(Case.case_number == handling).values(status="replied"))
        await session.execute(delete(CaseEvent).where(CaseEvent.case_number == closed, CaseEvent.seq == 2))
        for table in (OutboxMessage, Assignment, CaseEvent, Case):
            await session.execute(delete(table).where(table.case_number == lost))  # type: ignore[attr-defined]
        row = (await session.get(Case, handling)).model_dump()  # type: ignore[union-attr]
        tracking = fake[-10:]
        session.add(Case(**{**row, "case_number": fake, "tracking_code": tracking}))
        await session.commit()
    try:
        report = await consistency.check(
            client=temporal,
            sessions=sessions,
            task_queue=settings.temporal_task_queue,
            selection=Selection(case_numbers=[handling, closed, lost, fake]),
        )
    finally:
        async with sessions() as session:
            await session.execute(delete(Case).where(Case.case_number == fake))
            await session.commit()

    assert report.disagreements == [
        Disagreement(closed, "case_events", "2", "row", "present", None),
        Disagreement(handling, "cases", handling, "status", "handling", "replied"),
    ]
    assert report.missing_in_read_model == [lost]
    assert report.missing_in_temporal == [fake]
    assert not report.consistent


async def test_a_rebuilt_read_model_is_consistent_and_departments_still_reply(
    api: httpx.AsyncClient,
    login: Any,
    temporal: Client,
    sessions: SessionFactory,
    settings: Settings,
    case_worker: Any,
    tmp_path: Path,
) -> None:
    handling, task_id = await open_case_with_task(api, login)
    closed = await closed_case(temporal, sessions, settings)
    await _consistent(temporal, sessions, settings, [handling, closed])
    async with sessions() as session:  # as if `handling` were a proactive case started from `closed`
        session.add(
            CaseLink(
                case_number=handling,
                member_case_number=closed,
                created_by="supervisor1",
                created_at=datetime.now(UTC),
            )
        )
        await session.commit()

    async with fresh_database("sqlite", tmp_path) as url:
        engine, rebuilt = await prepared_sessions(url)
        try:
            report = await consistency.rebuild(
                client=temporal, source=sessions, target=rebuilt, task_queue=settings.temporal_task_queue
            )
            assert {handling, closed} <= set(report.cases) and report.steps > 0
            assert report.links_copied == 1
            again = await consistency.check(
                client=temporal,
                sessions=rebuilt,
                task_queue=settings.temporal_task_queue,
                selection=Selection(case_numbers=[handling, closed]),
            )
            assert again.consistent, again
            async with rebuilt() as session:
                day, serial = handling[len(settings.case_number_prefix) :].split("-")
                counter = await session.get(CaseNumberCounter, day)
                assert counter is not None and counter.last >= int(serial)
                assert await session.get(CaseLink, (handling, closed)) is not None
                keys = (
                    select(func.count())
                    .select_from(IntakeKey)
                    .where(col(IntakeKey.case_number).in_(report.cases))
                )
                assert report.intake_keys_copied == await session.scalar(keys) > 0
                task = await session.get(Assignment, task_id)
                assert task is not None and task.status == "open" and task.task_token is None
            async with sessions() as session:
                assert await session.scalar(keys) == report.intake_keys_copied  # every key of those cases

            app = create_app(settings.model_copy(update={"database_url": url}), temporal=temporal)
            async with app.router.lifespan_context(app):
                transport = httpx.ASGITransport(app=app)
                async with httpx.AsyncClient(transport=transport, base_url="http://hotline.test") as client:
                    login_response = await client.post(
                        "/api/v1/auth/login", json={"username": "water", "password": bootstrap.DEMO_PASSWORD}
                    )
                    water = {"Authorization": f"Bearer {login_response.json()['token']}"}
                    replied = await client.post(
                        f"/api/v1/tasks/{task_id}/reply", json={"text": "已抢修完毕"}, headers=water
                    )
            assert replied.status_code == 202, replied.text
        finally:
            await engine.dispose()

    async def case_replied() -> bool:
        state = await temporal.get_workflow_handle(handling).query(CaseWorkflow.state)
        return state.status == "replied"

    assert await eventually(case_replied)
