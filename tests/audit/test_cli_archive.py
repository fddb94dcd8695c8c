"""`hotline archive …` and `hotline readmodel …` against the test dev server and this test's read model."""

from pathlib import Path
from typing import Any

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client, WorkflowHistory
from temporalio.testing import WorkflowEnvironment

from hotline.cli import archive as archive_cli
from hotline.cli import readmodel as readmodel_cli
from hotline.consistency import Selection
from hotline.db import SessionFactory
from hotline.settings import Settings
from tests.audit.test_archive import closed_case
from tests.conftest import fresh_database


@pytest.fixture
def cli_settings(settings: Settings, temporal_env: WorkflowEnvironment) -> Settings:
    target = temporal_env.client.service_client.config.target_host
    return settings.model_copy(update={"temporal_address": target})


async def test_the_archive_commands_archive_export_and_report_a_closed_case(
    temporal: Client,
    sessions: SessionFactory,
    settings: Settings,
    cli_settings: Settings,
    case_worker: Any,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    number = await closed_case(temporal, sessions, settings)
    # The shared read model also holds other tests' hand-made closed cases that Temporal never ran:
    # those are reported as not archived (exit 1), this one is archived.
    await archive_cli.archive_all(settings=cli_settings)
    assert f"{number}:" not in capsys.readouterr().err
    assert await archive_cli.archive_one(number, settings=cli_settings) == 0
    assert f"{number} already archived, unchanged" in capsys.readouterr().out

    assert await archive_cli.export(number, tmp_path / "out", settings=cli_settings) == 0
    (path,) = (tmp_path / "out").iterdir()
    assert path.name.startswith(f"{number}-")
    last = WorkflowHistory.from_json(number, path.read_text()).events[-1]
    assert last.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED
    assert await archive_cli.report(number, tmp_path / "report.html", settings=cli_settings) == 0
    assert number in (tmp_path / "report.html").read_text()
    assert await archive_cli.export("XN00000000-424242", tmp_path / "none", settings=cli_settings) == 1


async def test_the_readmodel_commands_check_and_rebuild(
    temporal: Client,
    sessions: SessionFactory,
    settings: Settings,
    cli_settings: Settings,
    case_worker: Any,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    number = await closed_case(temporal, sessions, settings)
    assert await readmodel_cli.check(Selection(case_numbers=[number]), settings=cli_settings) == 0
    assert "1 cases compared: 0 disagreements" in capsys.readouterr().out
    assert await readmodel_cli.check(Selection(case_numbers=[f"{number}-X"]), settings=cli_settings) == 1
    assert f"{number}-X\tno history in Temporal or the archive" in capsys.readouterr().out

    async with fresh_database("sqlite", tmp_path) as url:
        assert await readmodel_cli.rebuild(url, settings=cli_settings) == 0
        assert "cases rebuilt" in capsys.readouterr().out
        rebuilt = cli_settings.model_copy(update={"database_url": url})
        assert await readmodel_cli.check(Selection(case_numbers=[number]), settings=rebuilt) == 0
        assert await readmodel_cli.rebuild(url, settings=cli_settings) == 1  # not empty any more
