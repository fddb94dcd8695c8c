"""The embedded default, brought up for a benchmark in a directory of its own: the Temporal dev server on
a SQLite file (hotline.launch's own helpers, free ports so a developer's `make run` is left alone), a fresh
read model migrated and bootstrapped, the real worker (`python -m worker`) and optionally the real API
(uvicorn) and the trivial workflows' worker, each in a process of its own, as `make run` starts them."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import uuid
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import make_url, text

from hotline import launch
from hotline.db import create_engine
from hotline.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
ENGINE_TASK_QUEUE = "bench-engine"


@dataclass
class Stack:
    settings: Settings
    directory: Path
    server: subprocess.Popen[bytes]
    worker: subprocess.Popen[bytes]
    api_url: str | None = None
    engine_task_queue: str | None = None
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)
    api: subprocess.Popen[bytes] | None = None
    engine_worker: subprocess.Popen[bytes] | None = None

    def pids(self) -> dict[str, int]:
        """The stack's processes by what they are, for accounting their CPU (bench/cpu.py)."""
        named = {
            "dev server": self.server,
            "case worker": self.worker,
            "API": self.api,
            "trivial workflows' worker": self.engine_worker,
        }
        return {name: process.pid for name, process in named.items() if process is not None}


def free_ports(count: int) -> list[int]:
    """Distinct free ports: all held open while choosing, so no two of them can be the same."""
    probes = [socket.socket() for _ in range(count)]
    try:
        for probe in probes:
            probe.bind(("127.0.0.1", 0))
        return [int(probe.getsockname()[1]) for probe in probes]
    finally:
        for probe in probes:
            probe.close()


def child_environment(settings: Settings, extra: Mapping[str, str]) -> dict[str, str]:
    """The settings the worker and the app read, passed the way an operator passes them."""
    return {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        "PYTHONUNBUFFERED": "1",
        "HOTLINE_ENVIRONMENT": "development",
        "HOTLINE_DATA_DIR": str(settings.data_dir),
        "DATABASE_URL": settings.database_url,
        "HOTLINE_TEMPORAL_ADDRESS": settings.temporal_address,
        "HOTLINE_TEMPORAL_TASK_QUEUE": settings.temporal_task_queue,
        **extra,
    }


@asynccontextmanager
async def scratch_database(server_url: str | None, directory: Path) -> AsyncIterator[str]:
    """The read model: a SQLite file in `directory` (the embedded default), or a database of its own on
    the PostgreSQL server `server_url`, dropped afterwards."""
    if server_url is None:
        yield f"sqlite+aiosqlite:///{directory / 'hotline.db'}"
        return
    server = make_url(server_url)
    name = f"hotline_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server.render_as_string(hide_password=False), isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as connection:
            await connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        async with admin.connect() as connection:
            await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()


@asynccontextmanager
async def running_stack(
    *,
    api: bool,
    engine_worker: bool,
    worker_env: Mapping[str, str] | None = None,
    keep: bool = False,
    postgres: str | None = None,
) -> AsyncIterator[Stack]:
    """Everything up, in a temporary directory; stopped (and the directory removed unless `keep`) after.
    The read model is SQLite unless `postgres` names a PostgreSQL server."""
    directory = Path(tempfile.mkdtemp(prefix="hotline-bench-"))
    async with (
        scratch_database(postgres, directory) as database_url,
        _stack_in(directory, database_url, api, engine_worker, worker_env, keep) as stack,
    ):
        yield stack


@asynccontextmanager
async def _stack_in(
    directory: Path,
    database_url: str,
    api: bool,
    engine_worker: bool,
    worker_env: Mapping[str, str] | None,
    keep: bool,
) -> AsyncIterator[Stack]:
    logs = directory / "logs"
    logs.mkdir()
    temporal_port, ui_port, api_port = free_ports(3)
    settings = Settings(
        data_dir=directory,
        DATABASE_URL=database_url,
        temporal_address=f"127.0.0.1:{temporal_port}",
        api_port=api_port,
        _env_file=None,
    )
    processes: list[subprocess.Popen[bytes]] = []
    try:
        server = launch._start_dev_server(settings, logs, address=settings.temporal_address, ui_port=ui_port)
        processes.append(server)
        await launch._prepare_temporal(settings)
        await launch._prepare_read_model(settings)
        env = child_environment(settings, worker_env or {})
        worker = launch._spawn([sys.executable, "-m", "worker"], logs / "worker.log", env)
        processes.append(worker)
        stack = Stack(settings, directory, server, worker, processes=processes)
        if engine_worker:
            stack.engine_task_queue = ENGINE_TASK_QUEUE
            command = [sys.executable, "-m", "bench.trivial", settings.temporal_address, ENGINE_TASK_QUEUE]
            stack.engine_worker = launch._spawn(command, logs / "engine-worker.log", env)
            processes.append(stack.engine_worker)
        if api:
            stack.api_url = f"http://{settings.api_host}:{settings.api_port}"
            stack.api = _start_api(settings, logs, env)
            processes.append(stack.api)
            launch._wait_healthy(f"{stack.api_url}/healthz", processes)
        yield stack
    finally:
        launch._stop(
            processes, patience_seconds=settings.worker_graceful_shutdown_seconds + launch.STOP_MARGIN_SECONDS
        )
        if keep:
            print("kept", directory)
        else:
            shutil.rmtree(directory, ignore_errors=True)


def _start_api(settings: Settings, logs: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "uvicorn", "--factory", "api.app:create_app"]
    command += ["--host", settings.api_host, "--port", str(settings.api_port), "--log-level", "warning"]
    return launch._spawn(command, logs / "web.log", env)


def rss_bytes(process: subprocess.Popen[bytes]) -> int:
    """Resident memory of a process (Linux /proc), what the operating system must give it."""
    for line in Path(f"/proc/{process.pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"no VmRSS for process {process.pid}")
