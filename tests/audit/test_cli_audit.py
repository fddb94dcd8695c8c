"""`hotline audit timeline|clock` against the test dev server and this test's read model."""

from typing import Any

import httpx
import pytest
from sqlmodel import select
from temporalio.testing import WorkflowEnvironment

from hotline.cli import audit as audit_cli
from hotline.db import SessionFactory
from hotline.models import CaseAccess
from hotline.settings import Settings
from tests.helpers import open_case_with_task


@pytest.fixture
def cli_settings(settings: Settings, temporal_env: WorkflowEnvironment) -> Settings:
    target = temporal_env.client.service_client.config.target_host
    return settings.model_copy(update={"temporal_address": target})


async def test_an_auditor_reads_the_timeline_and_clock_at_the_command_line_and_is_logged(
    api: httpx.AsyncClient,
    login: Any,
    case_worker: Any,
    sessions: SessionFactory,
    cli_settings: Settings,
    capsys: pytest.CaptureFixture[str],
) -> None:
    number, task_id = await open_case_with_task(api, login)
    assert await audit_cli.print_timeline(number, reader="auditor", settings=cli_settings) == 0
    timeline = capsys.readouterr().out
    assert "dispatcher (dispatcher)" in timeline and "registered" in timeline and "dispatched" in timeline
    assert "13800001234" not in timeline  # the citizen's phone never shows

    assert await audit_cli.print_clock(number, reader="auditor", settings=cli_settings) == 0
    clock = capsys.readouterr().out
    assert f"task {task_id}  company.water (lead, tier 1)" in clock and "status handling" in clock
    assert (
        await audit_cli.print_clock(number, reader="auditor", at="2000-01-01T00:00", settings=cli_settings)
        == 0
    )
    assert "the case did not exist yet" in capsys.readouterr().out

    async with sessions() as session:
        kinds = (
            (
                await session.execute(
                    select(CaseAccess.kind).where(
                        CaseAccess.case_number == number, CaseAccess.username == "auditor"
                    )
                )
            )
            .scalars()
            .all()
        )
    assert sorted(kinds) == ["audit_clock", "audit_clock", "audit_timeline"]


async def test_only_an_auditor_or_admin_may_read_and_a_bad_moment_is_refused(
    api: httpx.AsyncClient,
    login: Any,
    case_worker: Any,
    cli_settings: Settings,
    capsys: pytest.CaptureFixture[str],
) -> None:
    number, _task = await open_case_with_task(api, login)
    assert await audit_cli.print_timeline(number, reader="water", settings=cli_settings) == 2
    assert "role_not_allowed" in capsys.readouterr().err
    assert await audit_cli.print_timeline(number, reader="nobody", settings=cli_settings) == 2
    assert await audit_cli.print_clock(number, reader="auditor", at="yesterday", settings=cli_settings) == 2
    assert await audit_cli.print_timeline("XS00000000-424242", reader="admin", settings=cli_settings) == 2
    assert "case_not_found" in capsys.readouterr().err
