"""Fault tests: the system as real processes (tests/processes.py), one of each per test, torn down after.

The read model is PostgreSQL when DATABASE_URL points at one (as in CI), else SQLite. When a test fails,
the last lines of every process's log are added to its report.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from hotline.db import SessionFactory
from tests.conftest import fresh_database, prepared_sessions
from tests.processes import System

SYSTEM = pytest.StashKey[System]()


@dataclass
class ReadModel:
    url: str
    sessions: SessionFactory


def backend() -> str:
    return "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgresql") else "sqlite"


@pytest.fixture
async def read_model(tmp_path: Path) -> AsyncIterator[ReadModel]:
    async with fresh_database(backend(), tmp_path) as url:
        engine, sessions = await prepared_sessions(url)
        yield ReadModel(url=url, sessions=sessions)
        await engine.dispose()


@pytest.fixture
async def system(
    request: pytest.FixtureRequest, tmp_path: Path, read_model: ReadModel
) -> AsyncIterator[System]:
    """A dev server of this test's own, with the case search attributes; workers and APIs on demand."""
    system = System.create(database_url=read_model.url, directory=tmp_path / "system")
    request.node.stash[SYSTEM] = system
    try:
        await system.start_dev_server()
        yield system
    finally:
        system.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    system = item.stash.get(SYSTEM, None)
    if report.failed and system is not None:
        for name, text in system.logs().items():
            report.sections.append((f"{name}.log (last lines)", text))
