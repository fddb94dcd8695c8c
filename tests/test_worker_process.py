"""`python -m worker` as a real process: SIGTERM stops it gracefully (exit 0, said in its log), and the
cases it was running carry on with another worker."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from asyncio.subprocess import Process
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from temporalio.api.enums.v1 import EventType
from temporalio.client import Client

from hotline.contracts import CaseStatus
from hotline.db import SessionFactory
from hotline.settings import Settings
from tests.helpers import eventually
from tests.workflows.lifecycle import CaseDriver
from workflows import CaseWorkflow

ROOT = Path(__file__).resolve().parents[1]
GRACE_SECONDS = 10  # the worker's graceful shutdown timeout in this test
START_SECONDS = 60.0  # imports and connecting, on a busy machine
STOP_MARGIN_SECONDS = 20.0  # beyond the grace: the pool closing, the interpreter exiting


def _environment(settings: Settings, temporal: Client) -> dict[str, str]:
    """The test's settings as the environment a deployed worker reads them from."""
    python_path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    return {
        **os.environ,
        "PYTHONPATH": python_path,
        "PYTHONUNBUFFERED": "1",
        "DATABASE_URL": settings.database_url,
        "HOTLINE_DATA_DIR": str(settings.data_dir),
        "HOTLINE_TEMPORAL_ADDRESS": temporal.service_client.config.target_host,
        "HOTLINE_TEMPORAL_NAMESPACE": temporal.namespace,
        "HOTLINE_TEMPORAL_TASK_QUEUE": settings.temporal_task_queue,
        "HOTLINE_WORKER_GRACEFUL_SHUTDOWN_SECONDS": str(GRACE_SECONDS),
    }


@asynccontextmanager
async def worker_process(settings: Settings, temporal: Client, log: Path) -> AsyncIterator[Process]:
    """`python -m worker`, polling once this yields; killed at the end if it is still running."""
    with log.open("ab") as output:
        # In the data directory, so that no developer's .env is read; a session of its own, as make run
        # starts it, so that signals reach it only when sent to it.
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "worker",
            env=_environment(settings, temporal),
            cwd=settings.data_dir,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        async with asyncio.timeout(START_SECONDS):
            while "worker polling" not in _text(log):
                assert process.returncode is None, f"the worker stopped at start:\n{_text(log)}"
                await asyncio.sleep(0.2)
        yield process
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


def _text(log: Path) -> str:
    return log.read_text(errors="replace") if log.exists() else ""


async def _replied(handle: Any) -> bool:
    return bool((await handle.query(CaseWorkflow.state)).status == CaseStatus.REPLIED)


async def test_sigterm_stops_the_worker_gracefully_and_its_cases_carry_on_with_another(
    temporal: Client, sessions: SessionFactory, settings: Settings, worker_factory: Callable[..., Any]
) -> None:
    driver = CaseDriver(temporal, sessions, settings.temporal_task_queue)
    log = settings.data_dir / "worker.log"
    async with worker_process(settings, temporal, log) as process:
        handle = await driver.start()
        [task] = await driver.open_tasks(handle.id, 1)  # registered, routed, dispatched by the process
        process.send_signal(signal.SIGTERM)
        async with asyncio.timeout(GRACE_SECONDS + STOP_MARGIN_SECONDS):
            exit_code = await process.wait()
    output = _text(log)
    assert exit_code == 0, output
    assert "SIGTERM received: stopping" in output and "worker stopped" in output, output

    async with worker_factory():  # another worker on the same task queue
        await driver.reply(task, "已修复")
        await eventually(lambda: _replied(handle))
    # The stopped worker told Temporal it was leaving: the case's next workflow task went to the other
    # worker at once instead of waiting on the stopped one's sticky queue until it timed out.
    history = await handle.fetch_history()
    assert EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT not in {e.event_type for e in history.events}
