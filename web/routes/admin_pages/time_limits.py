"""The time-limit policy in force and the coming weeks' working-day calendar (read-only: the values are
settings, HOTLINE_* environment variables, read by the deadline activities when the worker starts)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api.deps import SettingsDep
from hotline import time_policy
from web.i18n import N_
from web.render import render
from web.routes.admin_pages import AdminUser

router = APIRouter(prefix="/admin/time-limits")
DAYS_SHOWN = 60

# chinesecalendar's holiday names, as the page shows them.
HOLIDAYS = {
    "new_years_day": N_("New Year's Day"),
    "spring_festival": N_("Spring Festival"),
    "tomb_sweeping_day": N_("Tomb-sweeping Day"),
    "labour_day": N_("Labour Day"),
    "dragon_boat_festival": N_("Dragon Boat Festival"),
    "national_day": N_("National Day"),
    "mid_autumn_festival": N_("Mid-autumn Festival"),
    "anti_fascist_70th_day": N_("Victory Day (70th anniversary)"),
}
# Where each value comes from: the environment variable an operator sets (JSON for maps and lists).
SETTINGS = {
    "tier_calendars": "HOTLINE_TIER_CALENDARS",
    "sign_for_minutes": "HOTLINE_SIGN_FOR_MINUTES",
    "warning_fraction": "HOTLINE_WARNING_FRACTION",
    "escalation_hours": "HOTLINE_ESCALATION_HOURS",
    "reopen_limit": "HOTLINE_REOPEN_LIMIT",
    "visit_attempts": "HOTLINE_VISIT_ATTEMPTS",
    "visit_window_hours": "HOTLINE_VISIT_WINDOW_HOURS",
}


def _weeks(days: list[time_policy.CalendarDay]) -> list[list[time_policy.CalendarDay | None]]:
    """The days in Monday-first weeks, padded with blanks, for a month-style grid."""
    cells: list[time_policy.CalendarDay | None] = [None] * days[0].day.weekday() + list(days)
    cells += [None] * (-len(cells) % 7)
    return [cells[i : i + 7] for i in range(0, len(cells), 7)]


@router.get("", response_class=HTMLResponse)
async def time_limits(request: Request, user: AdminUser, settings: SettingsDep) -> HTMLResponse:
    now = datetime.now(UTC)
    today = now.astimezone(ZoneInfo(settings.timezone)).date()
    days = time_policy.days_ahead(today, DAYS_SHOWN)
    return render(
        request,
        "admin/time_limits.html",
        policy=time_policy.policy(settings, now),
        weeks=_weeks(days),
        first=days[0].day,
        last=days[-1].day,
        unknown_years=sorted({d.day.year for d in days if d.kind == time_policy.DayKind.UNKNOWN}),
        holidays=HOLIDAYS,
        env=SETTINGS,
    )
