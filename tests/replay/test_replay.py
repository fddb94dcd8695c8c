"""Replay of a case, a query of cases and a directory of history files: the service and `hotline replay`.

The failures are real ones: a history whose recorded step no longer matches the code (an activity
renamed in the file), and messages as Temporal writes them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import httpx
import pytest
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment
from typer.testing import CliRunner

from hotline.cli import app
from hotline.cli import replay as replay_cli
from hotline.history import fetch
from hotline.replay import event_id_of, load_history, reason_of, replay_case
from hotline.settings import Settings
from tests.replay.intake import answered_at_intake, listed
from tests.replay.test_corpus import HISTORIES

# As the SDK reports them (a failed activation wrapping core's reason).
TIMER_MISMATCH = (
    'Workflow activation completion failed: Failure { failure: Some(Failure { message: "[TMPRL1100] '
    "Nondeterminism error: Timer machine does not handle this event: HistoryEvent(id: 54, "
    'UpsertWorkflowSearchAttributes)", source: "", stack_trace: "", encoded_attributes: None, cause: None, '
    'failure_info: Some(ApplicationFailureInfo(ApplicationFailureInfo { r#type: "", '
    "non_retryable: false, details: None, next_retry_delay: None, category: Unspecified })) }), "
    "force_cause: NonDeterministicError }"
)
TYPE_MISMATCH = (
    "[TMPRL1100] Nondeterminism error: Activity type of scheduled event 'other_task' does not match "
    "activity type of activity command 'department_task'"
)


def test_the_event_and_the_reason_are_read_from_temporals_message() -> None:
    assert event_id_of(TIMER_MISMATCH) == 54
    assert reason_of(TIMER_MISMATCH) == (
        "[TMPRL1100] Nondeterminism error: Timer machine does not handle this event: "
        "HistoryEvent(id: 54, UpsertWorkflowSearchAttributes)"
    )
    assert event_id_of(TYPE_MISMATCH) is None  # Temporal names no event here
    assert reason_of(TYPE_MISMATCH) == TYPE_MISMATCH
    assert event_id_of("Nondeterminism error: No command scheduled for event HistoryEvent(id: 9, X)") == 9


def _renamed_activity(source: Path, target: Path) -> int:
    """A copy of the history whose first department task has another activity type; that event's id."""
    data = json.loads(source.read_text(encoding="utf-8"))
    for event in data["events"]:
        scheduled = event.get("activityTaskScheduledEventAttributes")
        if scheduled and scheduled["activityType"]["name"] == "department_task":
            scheduled["activityType"]["name"] = "other_task"
            target.write_text(json.dumps(data), encoding="utf-8")
            return int(event["eventId"])
    raise AssertionError("no department task in the history")


def test_replay_dir_reports_each_failing_file_and_exits_non_zero(tmp_path: Path) -> None:
    shutil.copy(HISTORIES / "standard_closed_satisfied.json", tmp_path / "good.json")
    _renamed_activity(HISTORIES / "standard_closed_satisfied.json", tmp_path / "changed.json")
    runner = CliRunner()

    failed = runner.invoke(app, ["replay", "dir", str(tmp_path)])
    assert failed.exit_code == 1, failed.output
    assert "changed.json: non-determinism of 48: " in failed.output
    assert "'other_task' does not match activity type of activity command 'department_task'" in failed.output
    assert "good.json" not in failed.output  # clean runs only with --verbose
    assert "2 runs of 1 cases replayed: 1 clean, 1 failed" in failed.output

    (tmp_path / "changed.json").unlink()
    clean = runner.invoke(app, ["replay", "dir", str(tmp_path), "--verbose"])
    assert clean.exit_code == 0, clean.output
    assert "good.json: replays cleanly (48 events)" in clean.output
    assert "1 runs of 1 cases replayed: 1 clean, 0 failed" in clean.output


def test_replay_dir_refuses_a_file_that_is_not_a_history(tmp_path: Path) -> None:
    (tmp_path / "notes.json").write_text('{"hello": "world"}', encoding="utf-8")
    result = CliRunner().invoke(app, ["replay", "dir", str(tmp_path)])
    assert result.exit_code == 2 and "notes.json: not a Temporal history" in result.output


def test_the_whole_corpus_replays_through_the_command_line() -> None:
    result = CliRunner().invoke(app, ["replay", "dir", str(HISTORIES)])
    files = list(HISTORIES.rglob("*.json"))  # the patches' directories too
    cases = {path.name.split(".")[0] for path in files}  # a case recorded again after a patch is one id
    assert result.exit_code == 0, result.output
    assert f"{len(files)} runs of {len(cases)} cases replayed: {len(files)} clean, 0 failed" in result.output


def test_a_history_file_is_named_by_the_case_in_it(tmp_path: Path) -> None:
    copy = tmp_path / "anything.json"
    shutil.copy(HISTORIES / "withdrawn_by_citizen.json", copy)
    assert load_history(copy).workflow_id == "REPLAY-WITHDRAWN-BY-CITIZEN"


@pytest.fixture
def cli_settings(settings: Settings, temporal_env: WorkflowEnvironment) -> Settings:
    """The command line's settings, pointed at the test dev server and this test's read model."""
    target = temporal_env.client.service_client.config.target_host
    return settings.model_copy(update={"temporal_address": target})


async def test_replay_case_replays_every_run_of_a_case(
    api: httpx.AsyncClient,
    login: Any,
    temporal: Client,
    case_worker: Any,
    cli_settings: Settings,
    capsys: pytest.CaptureFixture[str],
) -> None:
    number = await answered_at_intake(api, login, temporal, "chengdong")
    outcome = await replay_case(await fetch(client=temporal, case_number=number))
    assert outcome.ok and [run.workflow_id for run in outcome.runs] == [number] and outcome.events > 5

    assert await replay_cli.replay_case(number, settings=cli_settings, verbose=True) == 0
    printed = capsys.readouterr().out
    assert f"{number} run {outcome.runs[0].run_id}: replays cleanly" in printed
    assert "1 runs of 1 cases replayed: 1 clean, 0 failed" in printed

    assert await replay_cli.replay_case("XN-NO-SUCH-CASE", settings=cli_settings) == 2


async def test_replay_query_replays_the_cases_a_list_query_finds(
    api: httpx.AsyncClient,
    login: Any,
    temporal: Client,
    case_worker: Any,
    cli_settings: Settings,
    capsys: pytest.CaptureFixture[str],
) -> None:
    north = await answered_at_intake(api, login, temporal, "chengbei")
    east = await answered_at_intake(api, login, temporal, "chengdong")
    ours = f"WorkflowId IN ('{north}', '{east}')"
    await listed(temporal, ours, [north, east])
    query = f"CaseDistrict = 'chengbei' AND CaseStatus = 'closed' AND {ours}"
    assert await replay_cli.replay_query(query, settings=cli_settings, verbose=True) == 0
    printed = capsys.readouterr().out
    assert f"{north} run " in printed and east not in printed
    assert "1 runs of 1 cases replayed: 1 clean, 0 failed" in printed
