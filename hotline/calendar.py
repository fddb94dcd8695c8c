"""Due times from urgency tiers: natural days, or working days with China's statutory holidays and
make-up workdays (chinesecalendar). Called only from an activity, so replay never depends on the
library's holiday table.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

import chinese_calendar

log = logging.getLogger(__name__)


class CalendarKind(StrEnum):
    NATURAL = "natural"
    WORKING = "working"


def is_working_day(day: date) -> bool:
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        # Years the library does not know yet: weekdays work, weekends rest. Logged so that an
        # operator upgrades the library before the year turns.
        log.warning("no holiday table for %s; counting weekdays only", day.year)
        return day.weekday() < 5


def add_working_days(start: datetime, days: int, zone: ZoneInfo) -> datetime:
    """`days` working days after `start`, at the same local time of day.

    Appeals received on a rest day start counting from the next working day, as the offices do.
    """
    local = start.astimezone(zone)
    day = local.date()
    counted = 0
    while counted < days:
        day += timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return datetime.combine(day, local.timetz()).astimezone(start.tzinfo)


def due_at(start: datetime, days: int, kind: CalendarKind, zone: ZoneInfo) -> datetime:
    if kind == CalendarKind.NATURAL:
        return start + timedelta(days=days)
    return add_working_days(start, days, zone)
