"""What each of a case's Temporal timers was for. The workflow's timers carry no name; each waits for a
moment the clock derivation knows (a sign-for window, a warning, a due time, an escalation, a
deferral's target date) or for the return-visit window, so a timer is matched to the moment it fires at.

That moment is the workflow's "now" plus the timer's duration. The SDK's "now" is the start of the
workflow task, moved on to the completion time of each local activity resolved in it — both recorded
in the history — so the match is exact; the window around the workflow task is the fallback.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from hotline.audit_clock import Recorded, TaskClock
from hotline.enums import EventKind

# A timer starts at the workflow's own "now", somewhere inside the workflow task that started it.
_SLACK = timedelta(milliseconds=500)
# The timer's duration is kept to the nanosecond, a datetime to the microsecond.
_EXACT = timedelta(milliseconds=1)


@dataclass(frozen=True)
class Purpose:
    name: str  # sign_for | warning | overdue | escalation | deferral_end | visit_window | unknown
    task_id: str | None = None
    level: int | None = None


@dataclass(frozen=True)
class Moment:
    at: datetime
    purpose: Purpose


def moments(recorded: Recorded, clocks: list[TaskClock]) -> list[Moment]:
    policy = recorded.policy
    found = []
    for clock in clocks:
        found.append(Moment(clock.sign_by, Purpose("sign_for", clock.task_id)))
        for segment in clock.segments:
            if segment.due_at is None:
                continue
            warn_at = clock.assigned_at + (segment.due_at - clock.assigned_at) * policy.warning_fraction
            found.append(Moment(warn_at, Purpose("warning", clock.task_id)))
            escalate_at = segment.due_at
            found.append(Moment(escalate_at, Purpose("overdue", clock.task_id, 1)))
            for level, delay in enumerate(policy.escalation_delays, start=2):
                escalate_at += delay
                found.append(Moment(escalate_at, Purpose("escalation", clock.task_id, level)))
    for step in recorded.steps:
        event = step.projection.event
        target = event.data.get("target_date")
        if event.kind == EventKind.DEFERRAL_RULED and event.data.get("approve") and isinstance(target, str):
            found.append(Moment(datetime.fromisoformat(target), Purpose("deferral_end")))
    return found


def purpose(
    candidates: list[Moment],
    *,
    now: datetime | None,
    task_started: datetime,
    recorded: datetime,
    timeout: timedelta,
    visit_window: timedelta,
    taken: set[Moment] | None = None,
) -> Purpose:
    """The moment a timer waited for: it fires `timeout` after the workflow's "now" when it was set —
    known to the microsecond from the history (`now`), or else somewhere between the start of the
    workflow task that set it (`task_started`) and its recording.

    Tasks opened together wait for the same moments (two departments dispatched at once share their
    sign-by and due times): a moment already `taken` by an earlier timer of the run goes to the next
    task's, so each task gets its own timers. The set is updated."""
    taken = set() if taken is None else taken

    def best(matches: list[Moment], target: datetime) -> Purpose:
        free = [m for m in matches if m not in taken] or matches
        chosen = min(free, key=lambda m: (abs(m.at - target), candidates.index(m)))
        taken.add(chosen)
        return chosen.purpose

    if now is not None:
        exact = [m for m in candidates if abs(m.at - (now + timeout)) <= _EXACT]
        if exact:
            return best(exact, now + timeout)
    earliest, latest = task_started + timeout - _SLACK, recorded + timeout + _SLACK
    near = [m for m in candidates if earliest <= m.at <= latest]
    if near:
        return best(near, recorded + timeout)
    if abs(timeout - visit_window) <= (recorded - task_started) + _SLACK:
        return Purpose("visit_window")
    return Purpose("unknown")
