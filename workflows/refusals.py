"""Validators' refusals: typed errors that reject an Update before it reaches the history.

Each code is stable; the API maps it to an HTTP status (api/actions.py).
"""

from __future__ import annotations

from typing import NoReturn

from temporalio.exceptions import ApplicationError

WRONG_STATE = "wrong_state"
NOT_YOUR_TASK = "not_your_task"
ROLE_NOT_ALLOWED = "role_not_allowed"
TASK_NOT_FOUND = "task_not_found"
TASK_NOT_OPEN = "task_not_open"
REASON_REQUIRED = "reason_required"
INCOMPLETE_VISIT = "incomplete_visit"
ROUTE_REQUIRED = "route_required"
DUE_IN_PAST = "due_in_past"


# Refusals that depend on the case's state, which a workflow still catching up with its read model (after
# a worker crash) can give a moment too early; they carry the timeline's length (`events`).
STATE_REFUSALS = frozenset({WRONG_STATE, TASK_NOT_FOUND, TASK_NOT_OPEN})


def refuse(code: str, message: str, *, events: int | None = None) -> NoReturn:
    details = () if events is None else (events,)
    raise ApplicationError(message, *details, type=code, non_retryable=True)
