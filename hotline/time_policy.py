"""The time-limit policy in force, as the admin's settings page shows it: each tier's calendar and
sign-for window, the warning and escalation timings, and the coming days as the working-day calendar
(chinesecalendar) counts them. Read from Settings, the same values the deadline activities use."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

import chinese_calendar

from hotline.calendar import CalendarKind, due_at
from hotline.settings import Settings

DEFAULT_TIERS = (1, 3, 7, 11)


class DayKind(StrEnum):
    WORKING = "working"
    REST = "rest"  # a weekend
    HOLIDAY = "holiday"  # a statutory holiday (or a weekend day inside one)
    MAKEUP = "makeup"  # a weekend day worked in exchange for a holiday (调休上班)
    UNKNOWN = "unknown"  # a year the library has no table for: weekdays are counted as working days


@dataclass(frozen=True)
class CalendarDay:
    day: date
    kind: DayKind
    holiday: str | None = None  # chinesecalendar's Holiday name, e.g. "national_day"

    @property
    def counts(self) -> bool:
        """Whether the working-day calendar counts this day."""
        if self.kind == DayKind.UNKNOWN:
            return self.day.weekday() < 5
        return self.kind in (DayKind.WORKING, DayKind.MAKEUP)


@dataclass(frozen=True)
class Tier:
    days: int
    calendar: CalendarKind
    sign_for: timedelta | None
    example_due: datetime  # for a case received at the policy's `now`


@dataclass(frozen=True)
class Policy:
    now: datetime
    timezone: str
    tiers: list[Tier]
    warning_fraction: float
    escalation_after: list[timedelta]  # level 2, level 3: further delays after overdue
    reopen_limit: int
    visit_attempts: int
    visit_window: timedelta


def _holiday_key(name: str | None) -> str | None:
    if name is None:
        return None
    try:
        return chinese_calendar.Holiday(name).name
    except ValueError:
        return name


def classify(day: date) -> CalendarDay:
    try:
        is_holiday, name = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:
        return CalendarDay(day, DayKind.UNKNOWN)
    weekend = day.weekday() >= 5
    if is_holiday:
        if name is not None:
            return CalendarDay(day, DayKind.HOLIDAY, _holiday_key(name))
        return CalendarDay(day, DayKind.REST)
    if weekend:
        return CalendarDay(day, DayKind.MAKEUP, _holiday_key(name))
    return CalendarDay(day, DayKind.WORKING)


def days_ahead(start: date, count: int) -> list[CalendarDay]:
    return [classify(start + timedelta(days=n)) for n in range(count)]


def policy(settings: Settings, now: datetime) -> Policy:
    zone = ZoneInfo(settings.timezone)
    numbers = sorted({*DEFAULT_TIERS, *settings.tier_calendars, *settings.sign_for_minutes})
    tiers = []
    for days in numbers:
        # The deadline activity counts an unlisted tier in working days.
        kind = settings.tier_calendars.get(days, CalendarKind.WORKING)
        minutes = settings.sign_for_minutes.get(days)
        tiers.append(
            Tier(
                days=days,
                calendar=kind,
                sign_for=timedelta(minutes=minutes) if minutes is not None else None,
                example_due=due_at(now, days, kind, zone),
            )
        )
    return Policy(
        now=now,
        timezone=settings.timezone,
        tiers=tiers,
        warning_fraction=settings.warning_fraction,
        escalation_after=[timedelta(hours=h) for h in settings.escalation_hours],
        reopen_limit=settings.reopen_limit,
        visit_attempts=settings.visit_attempts,
        visit_window=timedelta(hours=settings.visit_window_hours),
    )
