"""The clock: due times from urgency tiers (natural or working days) and the city's case policy.

Activities, so that a case replays from its history whatever the settings or the holiday table say now.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from temporalio import activity

from hotline import calendar
from hotline.contracts import CasePolicy, DueTimeRequest
from hotline.settings import Settings


class DeadlineActivities:
    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._zone = ZoneInfo(settings.timezone)

    @activity.defn(name="compute_due_at")
    async def compute_due_at(self, request: DueTimeRequest) -> datetime:
        kind = self._settings.tier_calendars.get(request.tier, calendar.CalendarKind.WORKING)
        return calendar.due_at(request.start, request.tier, kind, self._zone)

    @activity.defn(name="case_policy")
    async def case_policy(self) -> CasePolicy:
        settings = self._settings
        return CasePolicy(
            warning_fraction=settings.warning_fraction,
            sign_for_minutes=dict(settings.sign_for_minutes),
            escalation_delays=[timedelta(hours=h) for h in settings.escalation_hours],
            reopen_limit=settings.reopen_limit,
            visit_attempts=settings.visit_attempts,
            visit_window=timedelta(hours=settings.visit_window_hours),
            continue_as_new_after_events=settings.history_events_before_continue,
        )
