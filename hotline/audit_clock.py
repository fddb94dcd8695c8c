"""The clock as it stood: each department task's due time at any moment, its sign-for, warning, overdue
and escalation levels, and the whole case at a chosen time — derived from the case's Temporal history
alone (the recorded steps, the `case_policy` result and the state carried over a continue-as-new).

A task's due time is a list of segments: from the tier at its opening, then from each approved
extension; a deferral stops the clock (a segment without a due time) and the department's work comes
back as a new task, whose first segment says it resumed. A reply, a return or a withdrawal stops it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, Field
from temporalio.api.enums.v1 import EventType
from temporalio.contrib.pydantic import pydantic_data_converter

from hotline import history
from hotline.contracts import Actor, CaseIntake, CasePolicy, Projection
from hotline.enums import AssignmentRole, AssignmentStatus, CaseStatus, CloseReason, EventKind

_STOPPED = {AssignmentStatus.REPLIED, AssignmentStatus.RETURNED, AssignmentStatus.VOID}
# The step that opened a task says why its clock started.
_OPENED_BY = {
    EventKind.DISPATCHED: "dispatched",
    EventKind.REROUTED: "rerouted",
    EventKind.RETURN_RULED: "return_ruled",
    EventKind.REISSUED: "reissued",
}


class Segment(BaseModel):
    """From `start` the task was due at `due_at`; None: the clock stood still (deferred) or stopped."""

    start: datetime
    due_at: datetime | None
    reason: str  # dispatched | rerouted | return_ruled | reissued | resumed | extension | deferred
    until: datetime | None = None  # a deferral's target date


class LevelReached(BaseModel):
    level: int
    at: datetime


class TaskClock(BaseModel):
    task_id: str
    department: str
    role: AssignmentRole
    status: AssignmentStatus
    assigned_at: datetime
    tier: int
    segments: list[Segment]
    sign_by: datetime
    signed_at: datetime | None = None
    sign_for_late: bool = False
    sign_for_late_at: datetime | None = None  # when the window passed with the task still open
    warnings: list[datetime] = Field(default_factory=list)
    overdue_at: datetime | None = None
    levels: list[LevelReached] = Field(default_factory=list)
    ended_at: datetime | None = None

    def due_at(self, at: datetime) -> datetime | None:
        """The due time in force at `at`; None once the clock was stopped by a deferral."""
        due = None
        for segment in self.segments:
            if segment.start > at:
                break
            due = segment.due_at
        return due

    def level_at(self, at: datetime) -> int:
        return max((reached.level for reached in self.levels if reached.at <= at), default=0)


class TaskAsItStood(BaseModel):
    task_id: str
    department: str
    role: AssignmentRole
    status: AssignmentStatus
    due_at: datetime | None
    signed_at: datetime | None
    overdue: bool
    escalation_level: int


class StepSeen(BaseModel):
    seq: int
    kind: EventKind
    occurred_at: datetime
    actor: Actor
    summary: str


class CaseAsItStood(BaseModel):
    at: datetime
    status: CaseStatus | None  # None: the case did not exist yet
    escalation_level: int = 0
    reopen_count: int = 0
    close_reason: CloseReason | None = None
    deferred_until: datetime | None = None
    lead_department: str | None = None
    tasks: list[TaskAsItStood] = Field(default_factory=list)
    last_event: StepSeen | None = None


@dataclass(frozen=True)
class RecordedStep:
    """One step of the case, with where and when Temporal recorded it."""

    projection: Projection
    event_id: int
    run: int
    recorded_at: datetime


@dataclass
class Recorded:
    """What the clock needs from a history: its steps, the clock policy, the tier."""

    steps: list[RecordedStep]
    policy: CasePolicy
    tier: int


def event_time(event: Any) -> datetime:
    return datetime.fromtimestamp(event.event_time.ToNanoseconds() / 1e9, tz=UTC)


def decode(payloads: Any, kind: type) -> Any:
    """One payload as `kind`; None for an empty or null result."""
    if payloads is None or len(payloads.payloads) != 1 or payloads.payloads[0].data in (b"", b"null"):
        return None
    (value,) = pydantic_data_converter.payload_converter.from_payloads(list(payloads.payloads), [kind])
    return value


def read(case_history: history.CaseHistory) -> Recorded:
    steps: list[RecordedStep] = []
    policy, tier = CasePolicy(), 7
    for run, entry in enumerate(case_history.runs, start=1):
        for event in entry.history.events:
            if event.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED:
                intake = decode(event.workflow_execution_started_event_attributes.input, CaseIntake)
                if intake is not None and intake.carried is not None:
                    policy, tier = intake.carried.policy, intake.carried.tier
                elif intake is not None:
                    tier = intake.tier or tier
                    policy = intake.terms.policy if intake.terms is not None else policy
                continue
            found = history.local_activity(event)
            if found is None:
                continue
            if found[0] == "case_policy" and (value := decode(found[1], CasePolicy)) is not None:
                policy = value
            for step in history.steps_in(found):
                if step.event.kind == EventKind.DISPATCHED and "tier" in step.event.data:
                    tier = int(step.event.data["tier"])
                steps.append(RecordedStep(step, event.event_id, run, event_time(event)))
    return Recorded(steps, policy, tier)


def task_clocks(recorded: Recorded) -> list[TaskClock]:
    """Every department task's clock over the steps given (all of them, or those up to a moment)."""
    tasks: dict[str, TaskClock] = {}
    resuming = False  # a deferral ended: the next work given back resumes a stopped clock
    for recorded_step in recorded.steps:
        step = recorded_step.projection
        event = step.event
        when = event.occurred_at
        for opened in step.opened_tasks:
            reason = "resumed" if resuming else _OPENED_BY.get(event.kind, event.kind.value)
            tasks[opened.task_id] = TaskClock(
                task_id=opened.task_id,
                department=opened.department,
                role=opened.role,
                status=AssignmentStatus.OPEN,
                assigned_at=opened.assigned_at,
                tier=recorded.tier,
                segments=[Segment(start=opened.assigned_at, due_at=opened.due_at, reason=reason)],
                sign_by=opened.assigned_at + recorded.policy.sign_for_window(recorded.tier),
            )
        if step.opened_tasks:
            resuming = False
        for patch in step.assignments:
            task = tasks.get(patch.task_id)
            if task is not None:
                _patch(task, event.kind, event.data, when, patch)
        task = tasks.get(str(event.data.get("task_id", "")))
        if task is not None:
            _clock_event(task, event.kind, event.data, when)
        if event.kind == EventKind.DEFERRAL_ENDED:
            resuming = True
    return list(tasks.values())


def _patch(task: TaskClock, kind: EventKind, data: dict[str, Any], when: datetime, patch: Any) -> None:
    if kind == EventKind.EXTENSION_RULED and data.get("approve") and patch.due_at is not None:
        task.segments.append(Segment(start=when, due_at=patch.due_at, reason="extension"))
    if patch.signed_at is not None and task.signed_at is None:
        task.signed_at = patch.signed_at
    if kind == EventKind.SIGNED_FOR and patch.sign_for_late:
        task.sign_for_late = True
    if patch.status is not None:
        task.status = patch.status
        if patch.status in _STOPPED and task.ended_at is None:
            task.ended_at = when
            if kind == EventKind.DEFERRAL_RULED:
                target = data.get("target_date")
                until = datetime.fromisoformat(target) if isinstance(target, str) else None
                task.segments.append(Segment(start=when, due_at=None, reason="deferred", until=until))


def _clock_event(task: TaskClock, kind: EventKind, data: dict[str, Any], when: datetime) -> None:
    if kind == EventKind.SIGN_FOR_LATE:
        task.sign_for_late, task.sign_for_late_at = True, when
    elif kind == EventKind.WARNING:
        task.warnings.append(when)
    elif kind in (EventKind.OVERDUE, EventKind.ESCALATED):
        level = int(data.get("level", 1))
        task.levels.append(LevelReached(level=level, at=when))
        if task.overdue_at is None:
            task.overdue_at = when


def as_it_stood(recorded: Recorded, at: datetime) -> CaseAsItStood:
    """The case folded from its steps that had happened by `at` (each step's own time), as the read
    model held it then."""
    steps = [s for s in recorded.steps if s.projection.event.occurred_at <= at]
    case = CaseAsItStood(at=at, status=None)
    for recorded_step in steps:
        step = recorded_step.projection
        if step.intake is not None:
            case.status = CaseStatus.REGISTERED
        patch = step.case
        if patch is not None:
            for name in ("status", "escalation_level", "reopen_count", "close_reason", "deferred_until"):
                if (value := getattr(patch, name)) is not None:
                    setattr(case, name, value)
            if patch.lead_department is not None:
                case.lead_department = patch.lead_department
            if patch.deferral_ended:
                case.deferred_until = None
        event = step.event
        case.last_event = StepSeen(
            seq=event.seq,
            kind=event.kind,
            occurred_at=event.occurred_at,
            actor=event.actor,
            summary=event.summary,
        )
    clocks = task_clocks(Recorded(steps, recorded.policy, recorded.tier))
    case.tasks = [
        TaskAsItStood(
            task_id=clock.task_id,
            department=clock.department,
            role=clock.role,
            status=clock.status,
            due_at=clock.due_at(at),
            signed_at=clock.signed_at,
            overdue=clock.overdue_at is not None,
            escalation_level=clock.level_at(at),
        )
        for clock in clocks
    ]
    return case
