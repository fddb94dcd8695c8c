"""A property-based run over the OpenAPI schema (Schemathesis) against the real app in its own process:
no input may give a 5xx, and every response must match the schema."""

import asyncio
import os
import socket
import sys
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from hotline import bootstrap
from hotline.bootstrap import DEMO_PASSWORD
from hotline.db import create_engine, session_factory
from hotline.settings import Settings
from tests.conftest import TEST_PASSWORD_HASHER
from worker import build_worker

BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def _fuzz_settings(directory: Path) -> Settings:
    """A read model of the fuzz run's own: what it files and breaks stays out of the other tests' way."""
    url = f"sqlite+aiosqlite:///{directory / 'fuzz.db'}"
    await bootstrap.migrate(url)
    engine = create_engine(url)
    sessions = session_factory(engine)
    await bootstrap.load_reference_data(sessions)
    await bootstrap.create_demo_users(sessions, hasher=TEST_PASSWORD_HASHER)
    await engine.dispose()
    return Settings(
        DATABASE_URL=url,
        case_number_prefix="XF",
        temporal_task_queue=f"fuzz-{uuid.uuid4().hex[:8]}",
        data_dir=directory,
        _env_file=None,  # type: ignore[call-arg]
    )


@asynccontextmanager
async def _worker(temporal: Client, settings: Settings) -> AsyncIterator[None]:
    engine = create_engine(settings.database_url)
    async with build_worker(temporal, session_factory(engine), settings):
        yield
    await engine.dispose()


@asynccontextmanager
async def _served_app(settings: Settings, temporal_address: str) -> AsyncIterator[str]:
    """The app in a process of its own, as production runs it."""
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": settings.database_url,
        "HOTLINE_CASE_NUMBER_PREFIX": settings.case_number_prefix,
        "HOTLINE_TEMPORAL_ADDRESS": temporal_address,
        "HOTLINE_TEMPORAL_TASK_QUEUE": settings.temporal_task_queue,
        "HOTLINE_DATA_DIR": str(settings.data_dir),
    }
    command = [sys.executable, "-m", "uvicorn", "--factory", "api.app:create_app", "--port", str(port)]
    server = await asyncio.create_subprocess_exec(
        *command, env=env, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.STDOUT
    )
    base = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient(timeout=1) as probe:
            for _ in range(100):
                try:
                    if (await probe.get(f"{base}/healthz")).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                assert server.returncode is None, "the app stopped during start-up"
                await asyncio.sleep(0.2)
        yield base
    finally:
        server.terminate()
        try:
            await asyncio.wait_for(server.wait(), timeout=10)
        except TimeoutError:
            server.kill()
            await server.wait()


async def _fuzz(user: str, settings: Settings, temporal_env: WorkflowEnvironment) -> tuple[int | None, str]:
    """One user's fuzz run against an app, read model and worker of its own; its exit code and output."""
    address = temporal_env.client.service_client.config.target_host
    async with _worker(temporal_env.client, settings), _served_app(settings, address) as served_app:
        async with httpx.AsyncClient(base_url=served_app, timeout=10) as http:
            login = await http.post("/api/v1/auth/login", json={"username": user, "password": DEMO_PASSWORD})
        token = login.json()["token"]
        # Run asynchronously: the worker that moves the fuzzed cases along lives on this event loop.
        fuzz = await asyncio.create_subprocess_exec(
            *[
                str(BIN / "schemathesis"),
                "run",
                f"{served_app}/openapi.json",
                "--header",
                f"Authorization: Bearer {token}",
                "--checks",
                "not_a_server_error,response_schema_conformance",
                "--max-examples",
                "10",
                "--seed",
                "12345",
                "--exclude-path",
                "/api/v1/auth/logout",
                "--request-timeout",
                "15",
                # The stateful phase chains hundreds of workflow actions; its links add little here.
                "--phases",
                "examples,coverage,fuzzing",
            ],
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        output = (await asyncio.wait_for(fuzz.communicate(), timeout=600))[0].decode()
    return fuzz.returncode, output


# Between them, every route. In `make test` each user's run goes to one half (tests/conftest.py): a run is a
# minute of an app, a worker and Schemathesis, about the longest test there is.
USERS = [pytest.param("dispatcher"), pytest.param("admin", marks=pytest.mark.half("postgresql"))]


@pytest.mark.parametrize("user", USERS)
async def test_no_input_breaks_the_api_or_its_schema(
    temporal_env: WorkflowEnvironment, tmp_path: Path, user: str
) -> None:
    """One user's run against an app, read model and worker of its own."""
    returncode, output = await _fuzz(user, await _fuzz_settings(tmp_path), temporal_env)
    assert returncode == 0, f"{user}:\n{output[-6000:]}"
    assert "generated" in output, user
