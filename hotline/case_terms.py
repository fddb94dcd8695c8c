"""The terms a case is held to: the city's clock policy and the due time of its first dispatch.

Both follow from Settings and the working-day calendar alone, so the API computes them at intake and the
case carries them in its input (recorded in its history's first event): the first workflow task then
needs no local activity for them. The deadline activities compute the same values for later steps (a
re-route, work given back) through these functions.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from hotline import calendar
from hotline.contracts import CasePolicy, CaseTerms
from hotline.settings import Settings


def policy(settings: Settings) -> CasePolicy:
    return CasePolicy(
        warning_fraction=settings.warning_fraction,
        sign_for_minutes=dict(settings.sign_for_minutes),
        escalation_delays=[timedelta(hours=h) for h in settings.escalation_hours],
        reopen_limit=settings.reopen_limit,
        visit_attempts=settings.visit_attempts,
        visit_window=timedelta(hours=settings.visit_window_hours),
        continue_as_new_after_events=settings.history_events_before_continue,
    )


def due_at(settings: Settings, start: datetime, tier: int) -> datetime:
    kind = settings.tier_calendars.get(tier, calendar.CalendarKind.WORKING)
    return calendar.due_at(start, tier, kind, ZoneInfo(settings.timezone))


def at_intake(settings: Settings, received_at: datetime, tier: int) -> CaseTerms:
    """The terms of a case received at `received_at` and dispatched at once in `tier`."""
    return CaseTerms(policy=policy(settings), due_at=due_at(settings, received_at, tier))
