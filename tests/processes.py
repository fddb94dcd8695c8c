"""The system as real processes, for tests that kill and restart its parts.

A Temporal dev server (the launcher's own, `hotline.launch`) on a SQLite file and a free port, worker
processes (`python -m worker`) and API processes (uvicorn) configured through the environment exactly as
in production. Each part can be killed with SIGKILL and started again with the same settings; every log
goes to a file, and `System.close` stops whatever is still running.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from temporalio.api.enums.v1 import TaskQueueType
from temporalio.api.taskqueue.v1 import TaskQueue
from temporalio.api.workflowservice.v1 import DescribeTaskQueueRequest
from temporalio.client import Client

from hotline.launch import _start_dev_server
from hotline.settings import Settings
from hotline.temporal import connect, ensure_search_attributes

ROOT = Path(__file__).resolve().parents[1]
START_TIMEOUT_SECONDS = 60.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Process:
    """One child process that can be killed and started again with the same command and environment."""

    name: str
    start_process: Callable[[], subprocess.Popen[bytes]]
    log: Path
    popen: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.popen = self.start_process()

    @property
    def pid(self) -> int:
        assert self.popen is not None, f"{self.name} was never started"
        return self.popen.pid

    @property
    def running(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def kill(self) -> None:
        """kill -9, of its whole process group: no clean-up, no goodbye to the server."""
        if self.running:
            assert self.popen is not None
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait(timeout=10)

    def tail(self, lines: int = 60) -> str:
        if not self.log.exists():
            return "(no log)"
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


def child_environment(settings: Settings) -> dict[str, str]:
    """The parent's environment without its own hotline settings, plus these settings and this code."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOTLINE_") and k != "DATABASE_URL"}
    env.update(
        PYTHONPATH=str(ROOT),
        PYTHONUNBUFFERED="1",
        DATABASE_URL=settings.database_url,
        HOTLINE_DATA_DIR=str(settings.data_dir),
        HOTLINE_TEMPORAL_ADDRESS=settings.temporal_address,
        HOTLINE_TEMPORAL_NAMESPACE=settings.temporal_namespace,
        HOTLINE_TEMPORAL_TASK_QUEUE=settings.temporal_task_queue,
        HOTLINE_CASE_NUMBER_PREFIX=settings.case_number_prefix,
    )
    return env


@dataclass
class System:
    """A dev server, a read model and any number of workers and APIs, all on this test's settings."""

    settings: Settings
    directory: Path
    processes: list[Process] = field(default_factory=list)
    client: Client | None = None
    dev_server: Process | None = None

    @classmethod
    def create(cls, *, database_url: str, directory: Path, prefix: str = "XF") -> System:
        data_dir = directory / "data"
        data_dir.mkdir(parents=True, exist_ok=True)
        settings = Settings(
            DATABASE_URL=database_url,
            data_dir=data_dir,
            temporal_address=f"127.0.0.1:{free_port()}",
            temporal_task_queue=f"faults-{uuid.uuid4().hex[:8]}",
            case_number_prefix=prefix,
            _env_file=None,  # type: ignore[call-arg]
        )
        return cls(settings=settings, directory=directory)

    @property
    def temporal(self) -> Client:
        assert self.client is not None, "start the dev server first"
        return self.client

    def _process(self, name: str, start_process: Callable[[], subprocess.Popen[bytes]]) -> Process:
        process = Process(name=name, start_process=start_process, log=self.directory / f"{name}.log")
        self.processes.append(process)
        return process

    async def start_dev_server(self) -> Process:
        """The dev server on its SQLite file in the data directory, with the case search attributes."""
        server = self._process(
            "temporal",
            lambda: _start_dev_server(
                self.settings, self.directory, address=self.settings.temporal_address, headless=True
            ),
        )
        self.dev_server = server
        await self.restart_dev_server()
        await ensure_search_attributes(self.temporal)
        return server

    async def restart_dev_server(self) -> None:
        """(Re)start the dev server: the same SQLite file, the same port."""
        server = self.dev_server
        assert server is not None
        server.kill()
        server.start()
        self.client = await _connected(self.settings, server)

    def _python(self, name: str, args: Sequence[str], extra_env: dict[str, str]) -> Process:
        env = {**child_environment(self.settings), **extra_env}
        log = self.directory / f"{name}.log"

        def spawn() -> subprocess.Popen[bytes]:
            with log.open("ab") as out:
                # A process group of its own, so that kill -9 reaches every child it may have.
                return subprocess.Popen(
                    [sys.executable, *args],
                    cwd=self.directory,  # no stray .env file from the repository
                    env=env,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )

        return self._process(name, spawn)

    async def start_worker(
        self, name: str = "worker", *, module: str = "worker", extra_env: dict[str, str] | None = None
    ) -> Process:
        worker = self._python(name, ["-m", module], extra_env or {})
        await self.restart_worker(worker)
        return worker

    async def restart_worker(self, worker: Process) -> None:
        """(Re)start the worker and wait until it polls the task queue."""
        worker.kill()
        worker.start()
        await self._until(worker, lambda: self._polling(worker.pid))

    async def start_api(
        self, name: str = "api", *, extra_env: dict[str, str] | None = None
    ) -> tuple[Process, str]:
        port = free_port()
        api = self._python(
            name,
            ["-m", "uvicorn", "--factory", "api.app:create_app", "--host", "127.0.0.1", "--port", str(port)],
            extra_env or {},
        )
        url = f"http://127.0.0.1:{port}"
        api.start()
        await self.wait_healthy(api, url)
        return api, url

    async def restart_api(self, api: Process, url: str) -> None:
        api.kill()
        api.start()
        await self.wait_healthy(api, url)

    async def wait_healthy(self, api: Process, url: str) -> None:
        async with httpx.AsyncClient(base_url=url, timeout=5) as http:

            async def healthy() -> bool:
                with contextlib.suppress(httpx.HTTPError):
                    return (await http.get("/healthz")).status_code == 200
                return False

            await self._until(api, healthy)

    async def _polling(self, pid: int) -> bool:
        described = await self.temporal.workflow_service.describe_task_queue(
            DescribeTaskQueueRequest(
                namespace=self.settings.temporal_namespace,
                task_queue=TaskQueue(name=self.settings.temporal_task_queue),
                task_queue_type=TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
            )
        )
        return any(poller.identity.startswith(f"{pid}@") for poller in described.pollers)

    async def _until(self, process: Process, ready: Callable[[], Any]) -> None:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while not await ready():
            if not process.running:
                raise RuntimeError(f"{process.name} stopped while starting:\n{process.tail()}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"{process.name} was not ready in time:\n{process.tail()}")
            await asyncio.sleep(0.2)

    def close(self) -> None:
        for process in reversed(self.processes):
            process.kill()

    def logs(self) -> dict[str, str]:
        return {process.name: process.tail() for process in self.processes}


async def _connected(settings: Settings, server: Process) -> Client:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while True:
        try:
            return await connect(settings)
        except RuntimeError:
            if not server.running:
                raise RuntimeError(f"the dev server stopped while starting:\n{server.tail()}") from None
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.3)
