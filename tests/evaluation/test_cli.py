"""`hotline evaluation run|show` against the test dev server and this test's read model."""

from __future__ import annotations

from typing import Any

import pytest
from temporalio.testing import WorkflowEnvironment

from hotline.cli import evaluation as evaluation_cli
from hotline.db import SessionFactory
from hotline.settings import Settings
from tests.evaluation.data import department_month


@pytest.fixture
def cli_settings(settings: Settings, temporal_env: WorkflowEnvironment) -> Settings:
    target = temporal_env.client.service_client.config.target_host
    return settings.model_copy(update={"temporal_address": target})


async def test_run_evaluates_the_month_and_prints_the_ranking_with_reasons(
    sessions: SessionFactory, cli_settings: Settings, case_worker: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    await department_month(sessions, "city.market", 2004, 9, good=False)
    assert await evaluation_cli.show("2004-09", settings=cli_settings) == 1
    assert "2004-09 has not been evaluated yet." in capsys.readouterr().err

    assert await evaluation_cli.run("2004-09", settings=cli_settings) == 0
    out = capsys.readouterr().out
    assert "2004-09 evaluated, version 1: 1 departments, 1 ranked, 1 in the red zone" in out
    assert "   1    0.00 red     city.market" in out
    assert "- Score 0.0, below 70.0: red zone" in out

    assert await evaluation_cli.run("2999-01", settings=cli_settings) == 1
    assert await evaluation_cli.run("September", settings=cli_settings) == 1
    assert "2999-01 is not over yet." in capsys.readouterr().err
