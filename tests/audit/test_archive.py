"""Closed cases' histories are archived once, with a hash checked on read, and outlive Temporal's copy."""

import asyncio
import gzip
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update
from temporalio.client import Client, WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer

from hotline import archive, history
from hotline.db import SessionFactory
from hotline.errors import Conflict, NotFound
from hotline.models import CaseArchive
from hotline.settings import Settings
from tests.workflows.lifecycle import CaseDriver
from workflows.registry import ALL_WORKFLOWS

TEMPORAL = Path(sys.executable).parent / "temporal"


async def closed_case(temporal: Client, sessions: SessionFactory, settings: Settings) -> str:
    driver = CaseDriver(temporal, sessions, settings.temporal_task_queue)
    handle = await driver.start()
    await driver.handle_to_reply(handle)
    await driver.review(handle)
    await driver.visit(handle)
    await handle.result()
    return handle.id


async def test_a_closed_case_is_archived_once_and_exported_in_temporals_format(
    temporal: Client, sessions: SessionFactory, settings: Settings, case_worker: Any, tmp_path: Path
) -> None:
    number = await closed_case(temporal, sessions, settings)
    live = await history.fetch(client=temporal, case_number=number)

    first = await archive.archive(client=temporal, sessions=sessions, case_number=number)
    again = await archive.archive(client=temporal, sessions=sessions, case_number=number)
    assert first.created and not again.created
    assert first.content_sha256 == again.content_sha256 and first.event_count == live.event_count

    stored = await archive.read(sessions=sessions, case_number=number)
    assert [r.run_id for r in stored.runs] == [r.run_id for r in live.runs]
    assert history.projections(stored) == history.projections(live)

    (path,) = archive.export(stored, tmp_path / "export")
    assert path.name == f"{number}-{live.runs[0].run_id}.json"
    exported = WorkflowHistory.from_json(number, path.read_text())
    assert list(exported.events) == list(live.runs[0].history.events)
    await Replayer(workflows=ALL_WORKFLOWS, data_converter=pydantic_data_converter).replay_workflow(exported)
    cli = await asyncio.create_subprocess_exec(
        str(TEMPORAL), "workflow", "fix-history-json", "--source", str(path), stdout=asyncio.subprocess.PIPE
    )
    stdout, _ = await cli.communicate()
    assert cli.returncode == 0
    assert len(json.loads(stdout)["events"]) == live.event_count


async def test_an_open_case_is_not_archived(
    temporal: Client, sessions: SessionFactory, settings: Settings, case_worker: Any
) -> None:
    driver = CaseDriver(temporal, sessions, settings.temporal_task_queue)
    handle = await driver.start()
    await driver.open_tasks(handle.id, 1)
    with pytest.raises(Conflict) as refused:
        await archive.archive(client=temporal, sessions=sessions, case_number=handle.id)
    assert refused.value.code == "case_not_closed"
    assert handle.id not in await archive.pending(sessions=sessions, after="", limit=10_000)


async def test_a_history_that_no_longer_matches_its_archive_is_reported_not_overwritten(
    temporal: Client, sessions: SessionFactory, settings: Settings, case_worker: Any
) -> None:
    number = await closed_case(temporal, sessions, settings)
    assert number in await archive.pending(sessions=sessions, after="", limit=10_000)
    await archive.archive(client=temporal, sessions=sessions, case_number=number)
    assert number not in await archive.pending(sessions=sessions, after="", limit=10_000)
    async with sessions() as session:
        await session.execute(
            update(CaseArchive).where(CaseArchive.case_number == number).values(content_sha256="0" * 64)
        )
        await session.commit()

    with pytest.raises(Conflict) as mismatch:
        await archive.archive(client=temporal, sessions=sessions, case_number=number)
    assert mismatch.value.code == "archive_hash_mismatch"
    with pytest.raises(Conflict) as corrupted:
        await archive.read(sessions=sessions, case_number=number)
    assert corrupted.value.code == "archive_corrupted"
    async with sessions() as session:
        assert (await archive.info(session=session, case_number=number)).content_sha256 == "0" * 64


async def test_a_case_temporal_no_longer_has_loads_from_the_archive(
    temporal: Client, sessions: SessionFactory, settings: Settings, case_worker: Any
) -> None:
    number = await closed_case(temporal, sessions, settings)
    live = await history.fetch(client=temporal, case_number=number)
    # Retention cannot be waited for in a test (and the dev server deletes lazily): the same history
    # archived under a number Temporal never saw stands for a case whose retention has passed.
    gone = f"{number}-GONE"
    content = archive.canonical({**archive.document(live), "case_number": gone})
    async with sessions() as session:
        session.add(
            CaseArchive(
                case_number=gone,
                histories=gzip.compress(content),
                content_sha256=archive.sha256(content),
                event_count=live.event_count,
                run_ids=[run.run_id for run in live.runs],
                closed_at=archive.closed_at(live),
                archived_at=datetime.now(UTC),
            )
        )
        await session.commit()
    with pytest.raises(NotFound):
        await history.fetch(client=temporal, case_number=gone)

    loaded = await history.load(client=temporal, sessions=sessions, case_number=gone)
    assert history.projections(loaded) == history.projections(live)
    assert loaded.event_count == live.event_count and loaded.runs[0].started_at == live.runs[0].started_at
    with pytest.raises(NotFound) as neither:
        await history.load(client=temporal, sessions=sessions, case_number=f"{number}-NONE")
    assert neither.value.code == "case_not_found"
