"""The auditor's timeline: a case's Temporal history, every run in order, told as entries a person can
read — each action (a Workflow Update) with its actor and the gist of what it asked, each recorded step
with the notifications it queued, department tasks scheduled, answered (reply or return) and withdrawn,
timers with what they wait for, and the runs' start, continue-as-new and end.

Left out as bookkeeping: workflow-task events (scheduled, started, completed, timed out, failed),
activity-started events, search-attribute upserts (each mirrors a recorded step), the results of the
`compute_due_at`, `case_policy` and `propose_route` local activities (the steps that use them show
them), and the completion of an Update that succeeded (its step is the outcome). The citizen's contact
details never appear: an intake is summarised without them, and no action carries them.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from temporalio.api.enums.v1 import EventType
from temporalio.api.history.v1 import HistoryEvent

from hotline import audit_schemas as schemas
from hotline import audit_timers, history
from hotline.audit_clock import Recorded, decode, event_time, read, task_clocks
from hotline.audit_schemas import TEXT, CaseTimeline, RunInfo, TimelineEntry
from hotline.contracts import Actor, CaseIntake, CaseOutcome, TaskAssignment, TaskReply
from hotline.enums import TaskResultKind

E = EventType
DEPARTMENT_TASK = "department_task"
_CLOSED = {
    E.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED: "completed",
    E.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED: "failed",
    E.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED: "terminated",
    E.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED: "cancelled",
    E.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT: "timed_out",
}


def timeline(case_history: history.CaseHistory) -> CaseTimeline:
    recorded = read(case_history)
    moments = audit_timers.moments(recorded, task_clocks(recorded))
    entries: list[TimelineEntry] = []
    for run, entry in enumerate(case_history.runs, start=1):
        entries += _Run(run, recorded, moments).entries(entry.history.events)
    return CaseTimeline(
        case_number=case_history.case_number,
        runs=[RunInfo(run_id=r.run_id, started_at=r.started_at) for r in case_history.runs],
        event_count=case_history.event_count,
        entries=entries,
    )


class _Run:
    """One run's events; activities and timers are named by the event that scheduled or started them."""

    def __init__(self, run: int, recorded: Recorded, moments: list[audit_timers.Moment]) -> None:
        self.run, self.recorded, self.moments = run, recorded, moments
        self.moments_taken: set[audit_timers.Moment] = set()  # by this run's timers, in order
        self.activities: dict[int, tuple[str, str | None]] = {}
        self.timers: dict[int, audit_timers.Purpose] = {}
        self.task_started: datetime | None = None
        self.now: datetime | None = None

    def entries(self, events: Any) -> list[TimelineEntry]:
        found = []
        for event in events:
            self._follow_workflow_time(event)
            if event.event_type == E.EVENT_TYPE_MARKER_RECORDED:
                found += self._steps(event)  # one marker may carry several steps
                continue
            entry = self._entry(event)
            if entry is not None:
                found.append(entry)
        return found

    def _follow_workflow_time(self, event: HistoryEvent) -> None:
        """The workflow's "now": a workflow task's start, moved on by each local activity it resolved."""
        if event.event_type == E.EVENT_TYPE_WORKFLOW_TASK_STARTED:
            self.task_started = self.now = event_time(event)
        elif event.event_type == E.EVENT_TYPE_MARKER_RECORDED:
            details = event.marker_recorded_event_attributes.details
            meta = decode(details["data"], dict) if "data" in details else None
            completed = meta.get("complete_time") if isinstance(meta, dict) else None
            if isinstance(completed, dict) and "seconds" in completed:
                seconds = int(completed["seconds"]) + int(completed.get("nanos", 0)) / 1e9
                self.now = datetime.fromtimestamp(seconds, tz=UTC)

    def _new(self, event: HistoryEvent, kind: str, name: str, **fields: Any) -> TimelineEntry:
        return TimelineEntry(
            event_id=event.event_id, run=self.run, time=event_time(event), kind=kind, name=name, **fields
        )

    def _entry(self, event: HistoryEvent) -> TimelineEntry | None:
        match event.event_type:
            case E.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED:
                return self._started(event)
            case E.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED:
                return self._action(event)
            case E.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED:
                return self._action_failed(event)
            case E.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
                return self._scheduled(event)
            case (
                E.EVENT_TYPE_ACTIVITY_TASK_COMPLETED
                | E.EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED
                | E.EVENT_TYPE_ACTIVITY_TASK_CANCELED
                | E.EVENT_TYPE_ACTIVITY_TASK_FAILED
                | E.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT
            ):
                return self._activity_outcome(event)
            case E.EVENT_TYPE_TIMER_STARTED | E.EVENT_TYPE_TIMER_FIRED | E.EVENT_TYPE_TIMER_CANCELED:
                return self._timer(event)
            case E.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED:
                signal = event.workflow_execution_signaled_event_attributes.signal_name
                return self._new(event, "signal", signal)
            case E.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW:
                new_run = event.workflow_execution_continued_as_new_event_attributes.new_execution_run_id
                return self._new(event, "continued_as_new", "continued_as_new", details={"new_run": new_run})
            case kind if kind in _CLOSED:
                return self._closed(event, _CLOSED[kind])
        return None

    def _started(self, event: HistoryEvent) -> TimelineEntry:
        attributes = event.workflow_execution_started_event_attributes
        intake = decode(attributes.input, CaseIntake)
        if attributes.continued_execution_run_id:
            return self._new(
                event, "run_started", "continued", details={"from_run": attributes.continued_execution_run_id}
            )
        if intake is None:
            return self._new(event, "run_started", "started")
        details = {
            "channel": intake.channel.value,
            "appeal_type": intake.appeal_type.value,
            "category": intake.category,
            "district": intake.place.district,
            "title": intake.title[:TEXT],
        }
        return self._new(
            event, "run_started", "started", actor=intake.registered_by, summary=intake.title, details=details
        )

    def _steps(self, event: HistoryEvent) -> list[TimelineEntry]:
        return [
            self._new(
                event,
                "step",
                step.event.kind.value,
                actor=step.event.actor,
                summary=step.event.summary,
                task_id=schemas.text(step.event.data.get("task_id")),
                seq=step.event.seq,
                occurred_at=step.event.occurred_at,
                notifications=[f"{n.recipient_kind}:{n.recipient} {n.template}" for n in step.notifications],
                details=schemas.details(step.event.data),
            )
            for step in history.steps_of(event)
        ]

    def _action(self, event: HistoryEvent) -> TimelineEntry:
        request = event.workflow_execution_update_accepted_event_attributes.accepted_request.input
        args = request.args.payloads
        content = decode(request.args, dict) if len(args) == 1 else {}
        actor = Actor.model_validate(content["actor"]) if isinstance(content.get("actor"), dict) else None
        details = schemas.details({k: v for k, v in content.items() if k not in ("actor", "request_id")})
        return self._new(
            event,
            "action",
            request.name,
            actor=actor,
            summary=schemas.summary({k: v for k, v in details.items() if k != "task_id"}),
            task_id=details.get("task_id"),
            details=details,
        )

    def _action_failed(self, event: HistoryEvent) -> TimelineEntry | None:
        attributes = event.workflow_execution_update_completed_event_attributes
        if not attributes.outcome.HasField("failure"):
            return None
        message = attributes.outcome.failure.message
        return self._new(event, "action_failed", attributes.meta.update_id, summary=message[:TEXT])

    def _scheduled(self, event: HistoryEvent) -> TimelineEntry:
        attributes = event.activity_task_scheduled_event_attributes
        name = attributes.activity_type.name
        if name != DEPARTMENT_TASK:
            self.activities[event.event_id] = (name, None)
            return self._new(event, "activity_scheduled", name)
        task = decode(attributes.input, TaskAssignment)
        task_id = task.task_id if task is not None else attributes.activity_id
        self.activities[event.event_id] = (name, task_id)
        details = {} if task is None else {"department": task.department, "role": task.role.value}
        if task is not None:
            details["due_at"] = task.due_at.isoformat()
        return self._new(event, "task_scheduled", name, task_id=task_id, details=details)

    def _activity_outcome(self, event: HistoryEvent) -> TimelineEntry:
        attributes = _attributes(event)
        name, task_id = self.activities.get(attributes.scheduled_event_id, ("activity", None))
        outcome = {
            E.EVENT_TYPE_ACTIVITY_TASK_COMPLETED: "completed",
            E.EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED: "cancel_requested",
            E.EVENT_TYPE_ACTIVITY_TASK_CANCELED: "cancelled",
            E.EVENT_TYPE_ACTIVITY_TASK_FAILED: "failed",
            E.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT: "timed_out",
        }[event.event_type]
        if name != DEPARTMENT_TASK:
            return self._new(event, f"activity_{outcome}", name)
        reply = decode(attributes.result, TaskReply) if outcome == "completed" else None
        if reply is None:
            return self._new(event, f"task_{outcome}", name, task_id=task_id)
        kind = "task_returned" if reply.kind == TaskResultKind.RETURN else "task_replied"
        details = {"outcome": reply.outcome, "attachments": str(len(reply.attachments))}
        return self._new(
            event,
            kind,
            name,
            actor=reply.actor,
            summary=reply.text[:TEXT],
            task_id=task_id,
            occurred_at=reply.replied_at,
            details=details,
        )

    def _timer(self, event: HistoryEvent) -> TimelineEntry:
        if event.event_type == E.EVENT_TYPE_TIMER_STARTED:
            attributes = event.timer_started_event_attributes
            timeout = attributes.start_to_fire_timeout.ToTimedelta()
            recorded = event_time(event)
            purpose = audit_timers.purpose(
                self.moments,
                now=self.now,
                task_started=self.task_started or recorded,
                recorded=recorded,
                timeout=timeout,
                visit_window=self.recorded.policy.visit_window,
                taken=self.moments_taken,
            )
            self.timers[event.event_id] = purpose
            entry = self._timer_entry(event, "timer_started", purpose, {})
            entry.fires_at = (self.now or recorded) + timeout
            return entry
        started = _attributes(event).started_event_id
        purpose = self.timers.get(started, audit_timers.Purpose("unknown"))
        kind = "timer_fired" if event.event_type == E.EVENT_TYPE_TIMER_FIRED else "timer_cancelled"
        return self._timer_entry(event, kind, purpose, {})

    def _timer_entry(
        self, event: HistoryEvent, kind: str, purpose: audit_timers.Purpose, details: dict[str, str]
    ) -> TimelineEntry:
        if purpose.level is not None:
            details["level"] = str(purpose.level)
        return self._new(event, kind, purpose.name, task_id=purpose.task_id, details=details)

    def _closed(self, event: HistoryEvent, how: str) -> TimelineEntry:
        details = {}
        if event.event_type == E.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED:
            outcome = decode(event.workflow_execution_completed_event_attributes.result, CaseOutcome)
            if outcome is not None:
                details = {
                    "status": outcome.status.value,
                    "close_reason": schemas.text(outcome.close_reason) or "",
                }
        return self._new(event, "run_closed", how, details=details)


def _attributes(event: HistoryEvent) -> Any:
    return getattr(event, event.WhichOneof("attributes") or "")
