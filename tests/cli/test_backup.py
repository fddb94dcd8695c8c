"""`hotline backup create|restore` on the embedded default: a backup taken while the dev server and a
worker run brings back every case with its history, and an open case moves on after the restore."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from temporalio.client import Client, WorkflowExecutionStatus

from hotline import bootstrap
from hotline.backup import READ_MODEL_DB, TEMPORAL_DB
from hotline.db import SessionFactory, create_engine, session_factory
from hotline.enums import CaseStatus, EventKind
from hotline.settings import Settings
from tests.cli.conftest import run_cli
from tests.devserver import dev_server, local_address
from tests.helpers import eventually
from tests.workflows.lifecycle import CaseDriver
from worker import build_worker
from workflows import CaseWorkflow


def _settings(data_dir: Path) -> Settings:
    return Settings(
        DATABASE_URL=f"sqlite+aiosqlite:///{data_dir / READ_MODEL_DB}",
        data_dir=data_dir,
        temporal_address=local_address(),
        temporal_namespace="hotline",
        temporal_task_queue=f"cases-{uuid.uuid4().hex[:8]}",
        _env_file=None,  # type: ignore[call-arg]
    )


@asynccontextmanager
async def running_system(settings: Settings) -> AsyncIterator[tuple[Client, SessionFactory]]:
    """The dev server on the data directory's file, the read model, and a worker."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    # No demo users: the cases are driven as workflows, and hashing sixteen passwords costs seconds.
    await bootstrap.migrate(settings.database_url)
    engine = create_engine(settings.database_url)
    sessions = session_factory(engine)
    await bootstrap.load_reference_data(sessions)
    try:
        async with dev_server(settings) as client, build_worker(client, sessions, settings):
            yield client, sessions
    finally:
        await engine.dispose()


async def _history_length(client: Client, case_number: str) -> int:
    return len((await client.get_workflow_handle(case_number).fetch_history()).events)


async def test_a_live_backup_restores_cases_histories_and_open_work(tmp_path: Path) -> None:
    settings = _settings(tmp_path / "data")
    async with running_system(settings) as (client, sessions):
        driver = CaseDriver(client, sessions, settings.temporal_task_queue)
        closed = await driver.start()
        await driver.handle_to_reply(closed)
        await driver.review(closed)
        await driver.visit(closed)
        await closed.result()
        open_case = await driver.start()
        (task,) = await driver.open_tasks(open_case.id, 1)
        lengths = {n: await _history_length(client, n) for n in (closed.id, open_case.id)}

        made = await asyncio.to_thread(run_cli, settings, ["backup", "create", str(tmp_path / "backup")])
        assert made.exit_code == 0, made.output

    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    assert manifest["schema_revision"] == bootstrap.head_revision()
    assert {(f["what"], f["name"]) for f in manifest["files"]} == {
        ("temporal", TEMPORAL_DB),
        ("read_model", READ_MODEL_DB),
    }
    assert all(f["bytes"] == (tmp_path / "backup" / f["name"]).stat().st_size for f in manifest["files"])

    # The machine is lost: new, empty files where the data was, then the restore (on new ports).
    for leftover in (tmp_path / "data").glob("*.db*"):
        leftover.unlink()
    settings = settings.model_copy(update={"temporal_address": local_address()})
    restored = await asyncio.to_thread(run_cli, settings, ["backup", "restore", str(tmp_path / "backup")])
    assert restored.exit_code == 0, restored.output

    async with running_system(settings) as (client, sessions):
        driver = CaseDriver(client, sessions, settings.temporal_task_queue)
        assert (
            await client.get_workflow_handle(closed.id).describe()
        ).status == WorkflowExecutionStatus.COMPLETED
        for number, length in lengths.items():
            assert await _history_length(client, number) >= length
        handle = client.get_workflow_handle(open_case.id)
        (same_task,) = await driver.open_tasks(open_case.id, 1)
        assert same_task.task_id == task.task_id
        assert (await driver.sign_for(handle, same_task)).status == CaseStatus.HANDLING
        await driver.reply(same_task)

        async def replied() -> list[str] | None:
            kinds = await driver.kinds(open_case.id)  # the read model, a step behind the workflow
            return kinds if EventKind.AWAITING_REVIEW in kinds else None

        kinds = await eventually(replied)
        assert kinds.index(EventKind.SIGNED_FOR) < kinds.index(EventKind.REPLIED)
        assert (await handle.query(CaseWorkflow.state)).status == CaseStatus.REPLIED

        checked = await asyncio.to_thread(
            run_cli, settings, ["readmodel", "check", "--case", closed.id, "--case", open_case.id]
        )
        assert checked.exit_code == 0, checked.output


async def test_a_restore_refuses_while_temporal_answers_and_a_damaged_backup(tmp_path: Path) -> None:
    settings = _settings(tmp_path / "data")
    async with running_system(settings):
        made = await asyncio.to_thread(run_cli, settings, ["backup", "create", str(tmp_path / "backup")])
        assert made.exit_code == 0, made.output
        refused = await asyncio.to_thread(run_cli, settings, ["backup", "restore", str(tmp_path / "backup")])
        assert refused.exit_code == 1 and "stop the dev server" in refused.stderr
        again = await asyncio.to_thread(run_cli, settings, ["backup", "create", str(tmp_path / "backup")])
        assert again.exit_code == 1 and "not empty" in again.stderr

    with (tmp_path / "backup" / READ_MODEL_DB).open("ab") as damaged:
        damaged.write(b"\0")
    refused = await asyncio.to_thread(run_cli, settings, ["backup", "restore", str(tmp_path / "backup")])
    assert refused.exit_code == 1 and "differs from the manifest's checksum" in refused.stderr
