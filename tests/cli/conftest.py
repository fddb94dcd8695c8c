"""Run `hotline …` through Typer's CliRunner with this test's settings, as an operator would.

The commands read their settings from the environment (hotline/settings.py); the runner sets it for the
one call. Commands run their own event loop, so they run in a thread beside the test's.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

import pytest
from click.testing import Result
from temporalio.testing import WorkflowEnvironment
from typer.testing import CliRunner

from hotline.cli import app
from hotline.db import SessionFactory
from hotline.settings import Settings, get_settings

Invoke = Callable[..., Coroutine[Any, Any, Result]]


def environment(settings: Settings) -> dict[str, str]:
    return {
        "DATABASE_URL": settings.database_url,
        "HOTLINE_ENVIRONMENT": settings.environment,
        "HOTLINE_SECRET_KEY": settings.secret_key,
        "HOTLINE_DATA_DIR": str(settings.data_dir),
        "HOTLINE_TEMPORAL_ADDRESS": settings.temporal_address,
        "HOTLINE_TEMPORAL_NAMESPACE": settings.temporal_namespace,
        "HOTLINE_TEMPORAL_TASK_QUEUE": settings.temporal_task_queue,
        "HOTLINE_CASE_NUMBER_PREFIX": settings.case_number_prefix,
    }


def run_cli(settings: Settings, args: list[str], stdin: str | None = None) -> Result:
    get_settings.cache_clear()
    try:
        return CliRunner().invoke(app, args, input=stdin, env=environment(settings))
    finally:
        get_settings.cache_clear()


@pytest.fixture
def cli_settings(settings: Settings, temporal_env: WorkflowEnvironment, sessions: SessionFactory) -> Settings:
    """This test's settings, with the read model prepared and Temporal at the test server."""
    target = temporal_env.client.service_client.config.target_host
    return settings.model_copy(update={"temporal_address": target})


@pytest.fixture
def hotline(cli_settings: Settings) -> Invoke:
    """`await hotline("users", "list")` → the click Result (exit_code, stdout, stderr)."""

    async def invoke(*args: str, stdin: str | None = None, settings: Settings | None = None) -> Result:
        return await asyncio.to_thread(run_cli, settings or cli_settings, list(args), stdin)

    return invoke
