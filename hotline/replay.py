"""Deterministic replay: a case's recorded history run again through the current workflow code.

Temporal rebuilds a workflow's state by re-running its code against its history; if the code now makes
different decisions (a timer where the history has an activity, a step removed), the replay fails with a
non-determinism error at the event where they part. Replaying a stored history therefore tells an auditor
that the code running today still accounts for what happened to the case, and tells a developer that a
change is safe to deploy (docs/versioning.md).

Where the history comes from does not matter: `hotline.history.fetch` (every run of a live or retained
case), a JSON file in Temporal's own format (`load_history`; `temporal workflow show -o json`, the Web
UI's download, `tests/histories/`), or the archive. No Temporal server is needed to replay.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from google.protobuf.json_format import ParseDict
from pydantic import BaseModel, computed_field
from temporalio.api.common.v1 import Payload
from temporalio.client import Client, WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer
from temporalio.workflow import NondeterminismError

from hotline import audit_reads, history
from hotline.auth import Principal
from hotline.db import SessionFactory
from hotline.history import CaseHistory

ACCESS_KIND = "audit_replay"

# Core's messages name the event where code and history parted as `HistoryEvent(id: 12, ...)`; some name
# only the event (`... for event 12`, `event_id: 12`).
_EVENT_ID = re.compile(r"HistoryEvent\(id: (\d+)|event[ _]id:? (\d+)|[Ee]vent (\d+)\b")
# The SDK wraps core's reason in the failed activation: `Failure { message: "<reason>", ... }`.
_MESSAGE = re.compile(r'message: "((?:[^"\\]|\\.)*)"')


class RunReplay(BaseModel):
    """One run's replay: clean, or where and why the current code disagrees with its history."""

    workflow_id: str
    run_id: str
    events: int
    failure: str | None = None  # the replay failure, in Temporal's words
    event_id: int | None = None  # the history event where it happened, when Temporal names it
    nondeterministic: bool = False  # the code disagrees with the history (not some other failure)
    source: str | None = None  # where the history came from: a file name, an archive key

    @computed_field  # type: ignore[prop-decorator]
    @property
    def ok(self) -> bool:
        return self.failure is None

    def describe(self) -> str:
        where = self.source or f"{self.workflow_id} run {self.run_id}"
        if self.ok:
            return f"{where}: replays cleanly ({self.events} events)"
        kind = "non-determinism" if self.nondeterministic else "replay failed"
        at = f" at event {self.event_id}" if self.event_id is not None else ""
        return f"{where}: {kind}{at} of {self.events}: {self.failure}"


class CaseReplay(BaseModel):
    case_number: str
    runs: list[RunReplay]
    replayed_at: datetime

    @computed_field  # type: ignore[prop-decorator]
    @property
    def ok(self) -> bool:
        return all(run.ok for run in self.runs)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def events(self) -> int:
        return sum(run.events for run in self.runs)


def workflows_to_replay() -> list[type]:
    """The workflow code the worker runs today (imported late: the API need not load it to start)."""
    from workflows.registry import ALL_WORKFLOWS

    return list(ALL_WORKFLOWS)


def replayer(workflows: Sequence[type] | None = None) -> Replayer:
    return Replayer(
        workflows=list(workflows) if workflows is not None else workflows_to_replay(),
        data_converter=pydantic_data_converter,
    )


def event_id_of(failure: BaseException | str) -> int | None:
    """The history event id a replay failure names, or None when its message names none."""
    match = _EVENT_ID.search(str(failure))
    if match is None:
        return None
    return int(next(group for group in match.groups() if group is not None))


def reason_of(failure: BaseException | str) -> str:
    """Temporal's own words for why a replay failed, without the wrapping of the failed activation."""
    text = str(failure)
    match = _MESSAGE.search(text)
    reason = _unescape(match.group(1)) if match else text
    return reason.strip() or type(failure).__name__


def _unescape(debug: str) -> str:
    """Undo Rust's debug escaping of a string (\\n, \\", \\\\), leaving other text as it is."""
    return re.sub(r"\\(.)", lambda m: "\n" if m.group(1) == "n" else m.group(1), debug)


def _result(history: WorkflowHistory, failure: BaseException | None, source: str | None) -> RunReplay:
    if failure is None:
        return RunReplay(
            workflow_id=history.workflow_id, run_id=history.run_id, events=len(history.events), source=source
        )
    return RunReplay(
        workflow_id=history.workflow_id,
        run_id=history.run_id,
        events=len(history.events),
        failure=reason_of(failure),
        event_id=event_id_of(failure),
        nondeterministic=isinstance(failure, NondeterminismError),
        source=source,
    )


async def replay_histories(
    histories: Iterable[WorkflowHistory] | Iterable[tuple[WorkflowHistory, str | None]],
    *,
    workflows: Sequence[type] | None = None,
    progress: Callable[[RunReplay], None] | None = None,
) -> list[RunReplay]:
    """Replay every history (optionally paired with where it came from), in order, in one replayer.

    Every history is replayed whatever the others do; one result per history, in the order given. (The
    SDK's `replay_workflows(raise_on_replay_failure=False)` does the same but keys its failures by run
    id, which loses a result when two histories share a run id — two copies of one history.)
    """
    pairs = [item if isinstance(item, tuple) else (item, None) for item in histories]
    if not pairs:
        return []
    sources = iter(pairs)

    async def feed() -> AsyncIterator[WorkflowHistory]:
        for history, _ in pairs:
            yield history

    results: list[RunReplay] = []
    async with replayer(workflows).workflow_replay_iterator(feed()) as replayed:
        async for outcome in replayed:
            history, source = next(sources)
            assert outcome.history is history
            result = _result(history, outcome.replay_failure, source)
            results.append(result)
            if progress is not None:
                progress(result)
    return results


async def replay_case(history: CaseHistory, *, workflows: Sequence[type] | None = None) -> CaseReplay:
    """Every run of a case, oldest first (a case that continued as new has several)."""
    runs = await replay_histories((run.history for run in history.runs), workflows=workflows)
    return CaseReplay(case_number=history.case_number, runs=runs, replayed_at=datetime.now(UTC))


def load_history(path: Path) -> WorkflowHistory:
    """A history file in Temporal's JSON format. The format carries no workflow id: it is read from the
    case's own input (its case number is its workflow id), else taken from the file name."""
    text = path.read_text(encoding="utf-8")
    return WorkflowHistory.from_json(_workflow_id(text) or path.name.split(".")[0], text)


def _workflow_id(text: str) -> str | None:
    try:
        first = json.loads(text)["events"][0]
        payload = first["workflowExecutionStartedEventAttributes"]["input"]["payloads"][0]
        (intake,) = pydantic_data_converter.payload_converter.from_payloads([_payload(payload)], [dict])
    except (KeyError, IndexError, ValueError, TypeError):
        return None
    number = intake.get("case_number") if isinstance(intake, dict) else None
    return number if isinstance(number, str) and number else None


def _payload(raw: dict[str, object]) -> Payload:
    return ParseDict(raw, Payload())


def history_files(directory: Path) -> list[Path]:
    """Every history file under `directory`, its subdirectories too (the corpus keeps the histories of
    each patched change in a directory of their own)."""
    return sorted(path for path in directory.rglob("*.json") if path.is_file())


async def replay_for(
    *, client: Client, sessions: SessionFactory, principal: Principal, case_number: str
) -> CaseReplay:
    """An auditor's replay of a case (from Temporal, or the archive once Temporal no longer has it);
    the auditor's read of the history is logged as `audit_replay`."""
    case_history = await history.load(client=client, sessions=sessions, case_number=case_number)
    async with sessions() as session:
        await audit_reads.log_read(
            session=session, principal=principal, case_number=case_number, kind=ACCESS_KIND
        )
    return await replay_case(case_history)
