"""The Alembic migrations and the SQLModel tables agree, on every backend the suite runs on."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

import hotline.models  # noqa: F401
from hotline.db import SessionFactory


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
