"""(d) Where a standard case's history events come from: each event by type, named by the activity,
local activity, Update, timer or search attribute behind it, so every event is accounted for."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import timedelta

from temporalio.api.enums.v1 import EventType
from temporalio.api.history.v1 import HistoryEvent
from temporalio.client import WorkflowHistory

from hotline.history import local_activity

E = EventType
# What causes each kind of event in a case (the workflow's design, docs/lifecycle.md).
WHY = {
    "WORKFLOW_TASK_SCHEDULED": "one per workflow task: the worker runs the workflow code",
    "WORKFLOW_TASK_STARTED": "one per workflow task",
    "WORKFLOW_TASK_COMPLETED": "one per workflow task (the 'workflow tasks' figure)",
    "MARKER_RECORDED": "a marker",
    "ACTIVITY_TASK_SCHEDULED": "the department's task (completed asynchronously by its reply)",
    "ACTIVITY_TASK_STARTED": "the department task picked up by the worker",
    "ACTIVITY_TASK_COMPLETED": "the department's reply",
    "TIMER_STARTED": "the task's clock: sign-for window, warning; the visit window",
    "TIMER_CANCELED": "a clock timer the sign-for or reply stopped (the visit window lapses with the case)",
    "TIMER_FIRED": "a clock timer that ran out",
    "UPSERT_WORKFLOW_SEARCH_ATTRIBUTES": "the case status for visibility (replied, visiting, closed)",
    "WORKFLOW_EXECUTION_UPDATE_ACCEPTED": "an action through the API (sign-for, review, visit)",
    "WORKFLOW_EXECUTION_UPDATE_COMPLETED": "the action's answer",
    "WORKFLOW_EXECUTION_STARTED": "intake",
    "WORKFLOW_EXECUTION_COMPLETED": "closed",
}

WHY_NAMED = {
    "local activity project_steps": "one per workflow task: the steps it took, in one read-model write",
    "local activity project_case": "one per timeline event (histories before the one-write-per-task patch)",
    "core_patch": "the one-write-per-task patch's marker: a case of generation 1 (docs/versioning.md)",
    "TemporalChangeVersion": "the SDK's upsert that comes with a patch marker: a case of generation 1",
    "local activity case_policy": "the clock's policy from settings, once per run (local activity)",
    "local activity compute_due_at": "the due time from the tier and calendar (local activity)",
    "local activity propose_route": "the catalogue's route, when intake did not give one (local activity)",
}


@dataclass(frozen=True)
class Row:
    event_type: str
    name: str
    count: int
    why: str


@dataclass(frozen=True)
class Account:
    rows: list[Row]
    total: int
    workflow_tasks: int

    def as_dict(self) -> dict[str, object]:
        return {
            "total_events": self.total,
            "workflow_tasks": self.workflow_tasks,
            "by_event": [row.__dict__ for row in self.rows],
        }


def account(history: WorkflowHistory) -> Account:
    counts: Counter[tuple[str, str]] = Counter()
    names: dict[int, str] = {}  # event id → name, so an activity's or timer's later events share it
    for event in history.events:
        name = _name(event, names)
        names[event.event_id] = name
        counts[(E.Name(event.event_type).removeprefix("EVENT_TYPE_"), name)] += 1
    # In order of first appearance: the table reads like the case's life.
    rows = [
        Row(kind, name, n, WHY_NAMED.get(name) or WHY.get(kind, "")) for (kind, name), n in counts.items()
    ]
    tasks = counts_of(rows, "WORKFLOW_TASK_COMPLETED")
    return Account(rows, len(history.events), tasks)


def counts_of(rows: list[Row], event_type: str) -> int:
    return sum(row.count for row in rows if row.event_type == event_type)


def _name(event: HistoryEvent, names: dict[int, str]) -> str:
    kind = event.event_type
    if kind == E.EVENT_TYPE_MARKER_RECORDED:
        found = local_activity(event)
        return f"local activity {found[0]}" if found else event.marker_recorded_event_attributes.marker_name
    if kind == E.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
        return event.activity_task_scheduled_event_attributes.activity_type.name
    if kind == E.EVENT_TYPE_ACTIVITY_TASK_STARTED:
        return names.get(event.activity_task_started_event_attributes.scheduled_event_id, "")
    if kind == E.EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
        return names.get(event.activity_task_completed_event_attributes.scheduled_event_id, "")
    if kind == E.EVENT_TYPE_TIMER_STARTED:
        seconds = event.timer_started_event_attributes.start_to_fire_timeout.ToTimedelta().total_seconds()
        return f"timer ~{timedelta(minutes=round(seconds / 60))}"  # what is left of a window, to the minute
    if kind == E.EVENT_TYPE_TIMER_FIRED:
        return names.get(event.timer_fired_event_attributes.started_event_id, "")
    if kind == E.EVENT_TYPE_TIMER_CANCELED:
        return names.get(event.timer_canceled_event_attributes.started_event_id, "")
    if kind == E.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED:
        return (
            f"update {event.workflow_execution_update_accepted_event_attributes.accepted_request.input.name}"
        )
    if kind == E.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED:
        return names.get(event.workflow_execution_update_completed_event_attributes.accepted_event_id, "")
    if kind == E.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES:
        fields = event.upsert_workflow_search_attributes_event_attributes.search_attributes.indexed_fields
        return ", ".join(sorted(fields))
    return ""
