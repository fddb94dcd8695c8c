"""A case's Temporal history, the auditor's source of truth, and the case's steps read back out of it.

Every step of a case is written to the read model by a local activity that returns the steps it wrote —
`project_steps`, all the steps of one workflow task, or `project_case`, one step, in histories recorded
before that — and Temporal records that result in the history (a `core_local_activity` marker). So the
history alone holds the whole timeline — who did what and when, with every patch to the case and its
tasks — and the read model can be checked against it or rebuilt from it.

A long case continues as new (`Settings.history_events_before_continue`): its history is then several
runs under the one workflow id, read here in order.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from temporalio.api.enums.v1 import EventType
from temporalio.api.history.v1 import HistoryEvent
from temporalio.client import Client, WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.service import RPCError, RPCStatusCode

from hotline import archive, request_session
from hotline.contracts import Projection
from hotline.db import SessionFactory
from hotline.errors import NotFound

LOCAL_ACTIVITY_MARKER = "core_local_activity"
PROJECTION_ACTIVITY = "project_case"
STEPS_ACTIVITY = "project_steps"


@dataclass(frozen=True)
class Run:
    """One run of a case's workflow and its history."""

    run_id: str
    started_at: datetime | None
    history: WorkflowHistory


@dataclass(frozen=True)
class CaseHistory:
    case_number: str
    runs: list[Run]

    @property
    def events(self) -> Iterator[HistoryEvent]:
        for run in self.runs:
            yield from run.history.events

    @property
    def event_count(self) -> int:
        return sum(len(run.history.events) for run in self.runs)


async def fetch(*, client: Client, case_number: str) -> CaseHistory:
    """Every run of the case's workflow, oldest first, straight from Temporal."""
    await request_session.release_connection()  # a long case's histories take a while to read
    executions = [e async for e in client.list_workflows(f"WorkflowId = '{_quoted(case_number)}'")]
    if not executions:
        # Visibility may lag a moment behind a case just started: ask for the latest run directly.
        return CaseHistory(case_number, [await _latest_run(client, case_number)])
    executions.sort(key=lambda e: e.start_time)
    runs = []
    for execution in executions:
        handle = client.get_workflow_handle(case_number, run_id=execution.run_id)
        runs.append(Run(execution.run_id, execution.start_time, await handle.fetch_history()))
    return CaseHistory(case_number, runs)


async def load(*, client: Client, sessions: SessionFactory, case_number: str) -> CaseHistory:
    """The case's history from Temporal, or from the archive once Temporal no longer has it (the
    namespace's retention has passed); NotFound when neither has it."""
    try:
        return await fetch(client=client, case_number=case_number)
    except NotFound:
        pass
    try:
        return await archive.read(sessions=sessions, case_number=case_number)
    except NotFound:
        raise NotFound(
            "case_not_found", f"Neither Temporal nor the archive has a history for case {case_number}."
        ) from None


async def _latest_run(client: Client, case_number: str) -> Run:
    handle = client.get_workflow_handle(case_number)
    try:
        history = await handle.fetch_history()
    except RPCError as error:
        if error.status == RPCStatusCode.NOT_FOUND:
            raise NotFound("case_not_found", f"Temporal has no history for case {case_number}.") from None
        raise
    started = history.events[0].event_time.ToDatetime() if history.events else None
    return Run(history.run_id, started, history)


def _quoted(value: str) -> str:
    return value.replace("\\", "\\\\").replace("'", "\\'")


def local_activity(event: HistoryEvent) -> tuple[str, Any] | None:
    """A local activity's type and its recorded result payloads, or None for any other event."""
    if event.event_type != EventType.EVENT_TYPE_MARKER_RECORDED:
        return None
    marker = event.marker_recorded_event_attributes
    if marker.marker_name != LOCAL_ACTIVITY_MARKER or "data" not in marker.details:
        return None
    (meta,) = pydantic_data_converter.payload_converter.from_payloads(
        list(marker.details["data"].payloads), [dict]
    )
    return str(meta.get("activity_type", "")), marker.details.get("result")


def _has_value(result: Any) -> bool:
    """Steps recorded before the projection returned itself carry an empty (null) result."""
    return result is not None and len(result.payloads) == 1 and result.payloads[0].data not in (b"", b"null")


def steps_of(event: HistoryEvent) -> list[Projection]:
    """The case's steps a history event carries: none, or those one projection wrote."""
    return steps_in(local_activity(event))


def steps_in(found: tuple[str, Any] | None) -> list[Projection]:
    """The steps in a local activity's recorded result (`local_activity`), if it was a projection."""
    if found is None or not _has_value(found[1]):
        return []
    name, result = found
    if name == STEPS_ACTIVITY:
        (steps,) = pydantic_data_converter.payload_converter.from_payloads(
            list(result.payloads), [list[Projection]]
        )
        return list(steps)
    if name == PROJECTION_ACTIVITY:
        (step,) = pydantic_data_converter.payload_converter.from_payloads(list(result.payloads), [Projection])
        return [step]
    return []


def projections(history: CaseHistory) -> list[Projection]:
    """The case's steps in order, as they were written to the read model."""
    return [step for event in history.events for step in steps_of(event)]
