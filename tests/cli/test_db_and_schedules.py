"""`hotline db …` on a new read model and `hotline schedules …` on the test server."""

from __future__ import annotations

from pathlib import Path

from temporalio.client import Client

from hotline import bootstrap
from hotline.reference import transfer
from hotline.schedules import ensure_schedules
from hotline.settings import Settings
from tests.cli.conftest import Invoke
from tests.conftest import fresh_database
from tests.helpers import eventually


async def test_migrate_brings_a_new_read_model_to_head_and_production_seeds_no_demo_users(
    hotline: Invoke, cli_settings: Settings, tmp_path: Path
) -> None:
    kind = "sqlite" if cli_settings.is_sqlite else "postgresql"
    async with fresh_database(kind, tmp_path) as url:
        production = cli_settings.model_copy(
            update={"database_url": url, "environment": "production", "secret_key": "s" * 48}
        )
        before = await hotline("db", "revision", settings=production)
        assert before.exit_code == 1 and "read model not migrated" in before.stdout

        migrated = await hotline("db", "migrate", settings=production)
        assert migrated.exit_code == 0, migrated.output
        assert (await hotline("db", "revision", settings=production)).exit_code == 0
        assert await bootstrap.schema_revision(url) == bootstrap.head_revision()
        assert "already there" in (await hotline("db", "migrate", settings=production)).stdout

        seeded = await hotline("db", "seed", settings=production)
        assert seeded.exit_code == 0 and "production: no demo users" in seeded.stdout
        assert (await hotline("users", "list", settings=production)).stdout == ""
        await hotline("reference", "export", str(tmp_path / "seeded.json"), settings=production)
        assert transfer.parse(tmp_path / "seeded.json").version == transfer.reference.read().version
        assert "already at this version" in (await hotline("db", "seed", settings=production)).stdout


async def test_schedules_are_created_once_and_listed_for_this_task_queue(
    hotline: Invoke, cli_settings: Settings, temporal: Client
) -> None:
    created = await hotline("schedules", "create")
    assert created.exit_code == 0, created.output
    try:
        queue = cli_settings.temporal_task_queue
        assert f"outbox-delivery-{queue}" in created.stdout
        assert "every schedule exists already" in (await hotline("schedules", "create")).stdout
        assert await ensure_schedules(temporal, queue) == []

        async def listed_all() -> list[str] | None:
            # The list is read from Temporal's visibility store, which may lag a moment behind.
            lines = (await hotline("schedules", "list")).stdout.splitlines()
            return lines if len(lines) == len(created.stdout.split(", ")) else None

        listed = await eventually(listed_all)
        by_id = {line.split()[0]: line for line in listed}
        assert "ReportWorkflow" in by_id[f"report-monthly-{queue}"]
        assert "OutboxDelivery" in by_id[f"outbox-delivery-{queue}"]
        assert all(line.split()[0].endswith(queue) for line in listed)
    finally:
        async for entry in await temporal.list_schedules():
            if entry.id.endswith(cli_settings.temporal_task_queue):
                await temporal.get_schedule_handle(entry.id).delete()
