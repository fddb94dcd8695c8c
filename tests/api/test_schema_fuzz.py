"""A property-based run over the OpenAPI schema (Schemathesis) against the real app in its own process:
no input may give a 5xx, and every response must match the schema."""

import asyncio
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from hotline import bootstrap
from hotline.bootstrap import DEMO_PASSWORD
from hotline.db import create_engine, session_factory
from hotline.settings import Settings
from worker import build_worker

BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
async def fuzz_settings(tmp_path: Path) -> Settings:
    """A read model of the fuzz run's own: what it files and breaks stays out of the other tests' way."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'fuzz.db'}"
    await bootstrap.migrate(url)
    engine = create_engine(url)
    sessions = session_factory(engine)
    await bootstrap.load_reference_data(sessions)
    await bootstrap.create_demo_users(sessions)
    await engine.dispose()
    return Settings(
        DATABASE_URL=url,
        case_number_prefix="XF",
        temporal_task_queue=f"fuzz-{uuid.uuid4().hex[:8]}",
        data_dir=tmp_path,
        _env_file=None,  # type: ignore[call-arg]
    )


@pytest.fixture
async def fuzz_worker(temporal: Client, fuzz_settings: Settings) -> AsyncIterator[None]:
    engine = create_engine(fuzz_settings.database_url)
    async with build_worker(temporal, session_factory(engine), fuzz_settings):
        yield
    await engine.dispose()


@pytest.fixture
def served_app(fuzz_settings: Settings, temporal_env: WorkflowEnvironment, tmp_path: Path) -> Iterator[str]:
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": fuzz_settings.database_url,
        "HOTLINE_CASE_NUMBER_PREFIX": fuzz_settings.case_number_prefix,
        "HOTLINE_TEMPORAL_ADDRESS": temporal_env.client.service_client.config.target_host,
        "HOTLINE_TEMPORAL_TASK_QUEUE": fuzz_settings.temporal_task_queue,
        "HOTLINE_DATA_DIR": str(tmp_path),
    }
    command = [sys.executable, "-m", "uvicorn", "--factory", "api.app:create_app", "--port", str(port)]
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert server.poll() is None, "the app stopped during start-up"
            time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


@pytest.mark.parametrize("user", ["dispatcher", "admin"])
async def test_no_input_breaks_the_api_or_its_schema(served_app: str, user: str, fuzz_worker: None) -> None:
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
    assert fuzz.returncode == 0, output[-6000:]
    assert "generated" in output
