"""A department task's clock as people see it: on time, due soon, overdue, paused or stopped.

The workflow keeps the real clock (timers, escalations); this reads the read model's due time the same
way the workflow's warning does (`Settings.warning_fraction` of the allowed time gone).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from hotline.enums import AssignmentStatus, CaseStatus

_LIVE = {AssignmentStatus.OPEN.value, AssignmentStatus.SIGNED.value}


class ClockState(StrEnum):
    ON_TIME = "on_time"
    WARNING = "warning"
    OVERDUE = "overdue"
    PAUSED = "paused"  # 挂账: the case is deferred; the clock stands still
    STOPPED = "stopped"  # the task is replied, returned or withdrawn


def clock_state(
    *,
    task_status: str,
    case_status: str,
    assigned_at: datetime,
    due_at: datetime,
    overdue: bool,
    now: datetime,
    warning_fraction: float,
) -> ClockState:
    if task_status not in _LIVE:
        return ClockState.STOPPED
    if case_status == CaseStatus.DEFERRED.value:
        return ClockState.PAUSED
    if overdue or now >= due_at:
        return ClockState.OVERDUE
    if now >= assigned_at + (due_at - assigned_at) * warning_fraction:
        return ClockState.WARNING
    return ClockState.ON_TIME
