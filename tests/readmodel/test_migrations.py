"""The Alembic migrations and the SQLModel tables agree, on every backend the suite runs on; a read model
with data in it is upgraded from the first revision to head without losing a row."""

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, MetaData, inspect
from sqlmodel import SQLModel, select

import hotline.models  # noqa: F401
from hotline import bootstrap, reference, tokens, users
from hotline.db import SessionFactory, create_engine, session_factory
from hotline.enums import Channel
from hotline.models import Assignment, Case, CaseEvent, Department
from tests.conftest import fresh_database


async def test_migrated_schema_matches_the_models(sessions: SessionFactory) -> None:
    async with sessions() as session:
        connection = await session.connection()

        def diff(sync_connection):  # type: ignore[no-untyped-def]
            context = MigrationContext.configure(sync_connection, opts={"compare_type": True})
            return compare_metadata(context, SQLModel.metadata)

        assert await connection.run_sync(diff) == []


async def test_list_filters_are_indexed(sessions: SessionFactory) -> None:
    async with sessions() as session:
        connection = await session.connection()
        indexes = await connection.run_sync(lambda c: inspect(c).get_indexes("cases"))
    indexed = {tuple(i["column_names"]) for i in indexes}
    for columns in [
        ("status",),
        ("category_code",),
        ("lead_department_code",),
        ("due_at",),
        ("district_code", "street_code"),
    ]:
        assert columns in indexed, columns


# The first revision: the read model before sign-for, returns, merges, deferral, tokens, archives,
# reports, links and evaluations were added. Rows written then must survive every later migration.
FIRST_REVISION = "4a18cac7106e"
T0 = datetime(2026, 11, 26, 1, 0, tzinfo=UTC)

OLD_ROWS: dict[str, list[dict[str, Any]]] = {
    "districts": [{"code": "chengdong", "name": "城东区", "kind": "district", "sort_order": 0}],
    "streets": [
        {"code": "chengdong.dongguan", "district_code": "chengdong", "name": "东关大街街道", "kind": "street",
         "sort_order": 0},
    ],
    "departments": [
        {"code": "company.water", "name": "供水公司", "kind": "sector", "level": "city",
         "district_code": None, "street_code": None, "active": True},
    ],
    "categories": [
        {"code": "water", "name": "供水", "parent_code": None, "sector_department_code": None,
         "default_tier": None, "sort_order": 0},
        {"code": "water.pipe_burst", "name": "水管爆裂", "parent_code": "water",
         "sector_department_code": "company.water", "default_tier": 1, "sort_order": 0},
    ],
    "users": [
        {"id": 1, "username": "old_clerk", "display_name": "老承办员", "password_hash": "x",
         "role": "department", "department_code": "company.water", "supervision_level": None, "active": True},
    ],
    "case_number_counters": [{"day": "20261126", "last": 1}],
    "cases": [
        {"case_number": "XN20261126-000001", "tracking_code": "OLD0000001", "channel": "hotline",
         "appeal_type": "help", "status": "handling", "citizen_name": "王女士",
         "citizen_phone": "13800001234",
         "anonymous": False, "district_code": "chengdong", "street_code": "chengdong.dongguan",
         "address": "东关大街1号", "latitude": None, "longitude": None, "category_code": "water.pipe_burst",
         "tier": 1, "title": "水管爆裂", "content": "整栋楼停水", "lead_department_code": "company.water",
         "dispatch_mode": "direct", "due_at": T0 + timedelta(days=1), "escalation_level": 0,
         "received_at": T0, "updated_at": T0, "closed_at": None, "last_event_seq": 1},
    ],
    "case_events": [
        {"case_number": "XN20261126-000001", "seq": 1, "kind": "registered", "occurred_at": T0,
         "actor_user": "dispatcher", "actor_role": "dispatcher", "actor_department": None,
         "summary": "登记", "data": {"channel": "hotline"}},
    ],
    "assignments": [
        {"task_id": "XN20261126-000001-1", "case_number": "XN20261126-000001",
         "department_code": "company.water", "role": "lead", "status": "open", "task_token": b"\x01token",
         "assigned_at": T0, "due_at": T0 + timedelta(days=1), "replied_at": None, "reply_text": None,
         "outcome": None},
    ],
}  # fmt: skip


def _insert_old_rows(connection: Connection) -> None:
    # The tables as they were at FIRST_REVISION, read from the database itself, not from today's models.
    tables = MetaData()
    tables.reflect(connection)
    for name, rows in OLD_ROWS.items():
        table = tables.tables[name]
        assert set(rows[0]) == set(table.columns.keys()), f"{name} at {FIRST_REVISION} has other columns"
        connection.execute(table.insert(), rows)


async def test_migrations_upgrade_a_populated_read_model_keeping_its_rows(
    database_url: str, tmp_path: Path
) -> None:
    kind = "sqlite" if database_url.startswith("sqlite") else "postgresql"
    async with fresh_database(kind, tmp_path) as url:
        await bootstrap.migrate(url, FIRST_REVISION)
        engine = create_engine(url)
        try:
            async with engine.begin() as connection:
                await connection.run_sync(_insert_old_rows)
            await bootstrap.migrate(url)
            assert await bootstrap.schema_revision(url) == bootstrap.head_revision()
            await _check_upgraded(session_factory(engine))
        finally:
            await engine.dispose()


async def _check_upgraded(sessions: SessionFactory) -> None:
    async with sessions() as session:
        case = await session.get(Case, "XN20261126-000001")
        assert case is not None and (case.title, case.status, case.received_at) == (
            "水管爆裂",
            "handling",
            T0,
        )
        assert (case.reopen_count, case.merged_into, case.deferred_until) == (0, None, None)
        task = await session.get(Assignment, "XN20261126-000001-1")
        assert task is not None and task.task_token == b"\x01token"
        assert (task.sign_for_late, task.overdue, task.return_justified) == (False, False, None)
        (event,) = (await session.execute(select(CaseEvent))).scalars()
        assert event.data == {"channel": "hotline"}
        assert (await users.by_username(session=session, username="old_clerk")).department == "company.water"

        # The new tables take rows next to the old ones, and the reference data loads over the old rows.
        made = await tokens.create(
            session=session, name="gateway", channel=Channel.OPEN311, created_by="test"
        )
        assert (await tokens.principal_for_api_token(session=session, token=made.token)) is not None
        assert await reference.load(session, reference.read())
        water = await session.get(Department, "company.water")
        assert water is not None and water.name != "供水公司"

        connection = await session.connection()

        def diff(sync_connection):  # type: ignore[no-untyped-def]
            context = MigrationContext.configure(sync_connection, opts={"compare_type": True})
            return compare_metadata(context, SQLModel.metadata)

        assert await connection.run_sync(diff) == []
