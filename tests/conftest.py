"""Shared fixtures: one real Temporal dev server, one read model per backend, a worker per test.

The read model runs on SQLite always, and on PostgreSQL too when DATABASE_URL points at one (CI sets
it): every test that uses the database then runs on both. Each PostgreSQL run gets a database of its own.
"""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from argon2 import PasswordHasher, profiles
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from api.app import create_app
from hotline import bootstrap, search_attributes
from hotline.db import SessionFactory, create_engine, session_factory
from hotline.settings import Settings
from hotline.temporal import ensure_search_attributes
from worker import build_worker

BIN = Path(sys.executable).parent


# `make test` runs the suite as two processes side by side when PostgreSQL is there (tests/suite.py): the
# SQLite half runs every test on the SQLite read model and the tests that have no read model of their own;
# the PostgreSQL half every test on the PostgreSQL read model and the browser tests (to even the halves).
# A test without a read model can name its half (`pytest.mark.half("postgresql")`). The fault tests, which
# kill and restart processes against deadlines, start once the first half is done.
HALF = os.environ.get("HOTLINE_TEST_HALF")


def _backends() -> list[str]:
    backends = ["sqlite"]
    if os.environ.get("DATABASE_URL", "").startswith("postgresql"):
        backends.append("postgresql")
    return [HALF] if HALF in backends else backends


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if HALF is None:
        return
    elsewhere = [item for item in items if _half_of(item) != HALF]
    if elsewhere:
        config.hook.pytest_deselected(items=elsewhere)
        items[:] = [item for item in items if _half_of(item) == HALF]


def _half_of(item: pytest.Item) -> str:
    if item.get_closest_marker("faults"):
        return "faults"
    if (chosen := item.get_closest_marker("half")) is not None:
        return str(chosen.args[0])
    callspec = getattr(item, "callspec", None)
    if callspec is not None and "database_url" in callspec.params:
        return str(callspec.params["database_url"])
    return "postgresql" if "browser" in item.path.parts else "sqlite"


@asynccontextmanager
async def fresh_database(kind: str, directory: Path) -> AsyncIterator[str]:
    """A new, empty read-model database: a SQLite file, or a PostgreSQL database dropped afterwards."""
    if kind == "sqlite":
        yield f"sqlite+aiosqlite:///{directory / 'hotline.db'}"
        return
    server_url = make_url(os.environ["DATABASE_URL"])
    name = f"hotline_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server_url.render_as_string(hide_password=False), isolation_level="AUTOCOMMIT")
    async with admin.connect() as connection:
        await connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server_url.set(database=name).render_as_string(hide_password=False)
    finally:
        async with admin.connect() as connection:
            await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()


# The demo users' passwords hashed with argon2's cheapest parameters: the suite logs in hundreds of times,
# and a check costs what its stored hash cost (about 0.1 s of a core with the product's parameters).
TEST_PASSWORD_HASHER = PasswordHasher.from_parameters(profiles.CHEAPEST)


async def prepared_sessions(database_url: str) -> tuple[AsyncEngine, SessionFactory]:
    """A migrated read model with the Xining reference data and the demo users."""
    await bootstrap.migrate(database_url)
    engine = create_engine(database_url)
    factory = session_factory(engine)
    await bootstrap.load_reference_data(factory)
    await bootstrap.create_demo_users(factory, hasher=TEST_PASSWORD_HASHER)
    await bootstrap.create_demo_token(factory)
    return engine, factory


@pytest.fixture(scope="session", params=_backends())
async def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[str]:
    async with fresh_database(request.param, tmp_path_factory.mktemp("readmodel")) as url:
        yield url


@pytest.fixture(scope="session")
async def sessions(database_url: str) -> AsyncIterator[SessionFactory]:
    engine, factory = await prepared_sessions(database_url)
    yield factory
    await engine.dispose()


@pytest.fixture(scope="session")
async def temporal_env() -> AsyncIterator[WorkflowEnvironment]:
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=str(BIN / "temporal"),
        data_converter=pydantic_data_converter,
        search_attributes=search_attributes.ALL,
        dev_server_log_level="error",
    )
    yield env
    await env.shutdown()


@pytest.fixture(scope="session")
async def time_skipping_env() -> AsyncIterator[WorkflowEnvironment]:
    """The time-skipping test server, for timers that run while no department task is open."""
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=str(BIN / "temporal-test-server"),
        data_converter=pydantic_data_converter,
    )
    await ensure_search_attributes(env.client)
    yield env
    await env.shutdown()


@pytest.fixture
def temporal(temporal_env: WorkflowEnvironment) -> Client:
    return temporal_env.client


@pytest.fixture
def task_queue() -> str:
    return f"cases-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def worker_factory(temporal: Client, sessions: SessionFactory, settings: Settings) -> Callable[..., Any]:
    """Build (not start) a worker for this test's task queue, optionally with replaced activities."""

    def factory(**kwargs: Any) -> Any:
        return build_worker(temporal, sessions, settings, **kwargs)

    return factory


@pytest.fixture
async def case_worker(worker_factory: Callable[..., Any]) -> AsyncIterator[Any]:
    async with worker_factory() as worker:
        yield worker


@pytest.fixture
def settings(database_url: str, task_queue: str, tmp_path: Path) -> Settings:
    # Each read model numbers its cases from 1, but all share one Temporal server: a prefix per
    # backend keeps their workflow ids apart.
    return Settings(
        DATABASE_URL=database_url,
        case_number_prefix="XS" if database_url.startswith("sqlite") else "XP",
        temporal_task_queue=task_queue,
        data_dir=tmp_path,
        _env_file=None,  # type: ignore[call-arg]
    )


@pytest.fixture
def app(settings: Settings, temporal: Client) -> FastAPI:
    """The real app; `api` runs it. Its state (`app.state.intake_config`, say) is set in the lifespan."""
    return create_app(settings, temporal=temporal)


@pytest.fixture
async def api(app: FastAPI, sessions: SessionFactory) -> AsyncIterator[httpx.AsyncClient]:
    """The real app (lifespan and all) behind httpx; no login yet."""
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://hotline.test") as client:
            yield client


@pytest.fixture
def login(api: httpx.AsyncClient) -> Callable[[str], Any]:
    """login("water") → headers with that demo user's bearer token."""

    async def _login(username: str) -> dict[str, str]:
        response = await api.post(
            "/api/v1/auth/login", json={"username": username, "password": bootstrap.DEMO_PASSWORD}
        )
        assert response.status_code == 200, response.text
        return {"Authorization": f"Bearer {response.json()['token']}"}

    return _login
