"""A fast clock for tests on the dev server: the same activity names as the real ones, with seconds
where the city has days (DESIGN.md §4: the time-skipping server cannot skip time while a task is open)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from fastapi import FastAPI
from temporalio import activity

from hotline.contracts import CasePolicy, CaseTerms, DueTimeRequest


class FastClock(list[Callable[..., Any]]):
    """The clock activities, a list for `replace_activities`, and the same clock's terms for the API,
    which fixes them at intake for a case it dispatches at once: `app.state.intake_config.terms =
    clock.terms`."""

    def __init__(self, policy: CasePolicy, due: timedelta) -> None:
        @activity.defn(name="compute_due_at")
        async def compute_due_at(request: DueTimeRequest) -> datetime:
            return request.start + due

        @activity.defn(name="case_policy")
        async def case_policy() -> CasePolicy:
            return policy

        super().__init__([compute_due_at, case_policy])
        self.policy, self.due = policy, due

    def terms(self, received_at: datetime, _tier: int) -> CaseTerms:
        return CaseTerms(policy=self.policy, due_at=received_at + self.due)


def fast_clock(
    *,
    due_seconds: float = 60.0,
    sign_for_seconds: float = 60.0,
    warning_fraction: float = 0.5,
    escalation_seconds: Sequence[float] = (60.0, 60.0),
    reopen_limit: int = 2,
    visit_attempts: int = 3,
    continue_as_new_after_events: int = 5000,
    visit_window_seconds: float = 3600.0,
) -> FastClock:
    policy = CasePolicy(
        warning_fraction=warning_fraction,
        sign_for_minutes={tier: sign_for_seconds / 60 for tier in (1, 3, 7, 11)},
        escalation_delays=[timedelta(seconds=s) for s in escalation_seconds],
        reopen_limit=reopen_limit,
        visit_attempts=visit_attempts,
        continue_as_new_after_events=continue_as_new_after_events,
        visit_window=timedelta(seconds=visit_window_seconds),
    )
    return FastClock(policy, timedelta(seconds=due_seconds))


def at_intake(app: FastAPI, clock: FastClock) -> None:
    """The API fixes the terms of a case it dispatches at intake: from this clock too."""
    app.state.intake_config.terms = clock.terms
