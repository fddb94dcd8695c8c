"""The four report kinds and the periods they cover, named by local calendar dates in the city's zone.

A period is [start, end) in local dates and has a key that names it in URLs and on the command line:

    daily    2026-11-25      weekly  2026-W48 (ISO week, Monday to Sunday)
    monthly  2026-11         annual  2026

`parse` also takes any ISO date and answers the period of that kind containing it, so
`hotline reports run weekly --date 2026-11-25` means the week of 25 November. Pure date arithmetic, no
clock and no I/O: the report workflow uses it to find the previous period deterministically.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from pydantic import BaseModel

from hotline.errors import Invalid


class ReportKind(StrEnum):
    DAILY = "daily"  # 日报告
    WEEKLY = "weekly"  # 周分析
    MONTHLY = "monthly"  # 月通报
    ANNUAL = "annual"  # 年总结


class GeneratedBy(StrEnum):
    SCHEDULE = "schedule"
    USER = "user"


class ReportPeriod(BaseModel):
    kind: ReportKind
    start: date
    end: date  # exclusive

    @property
    def key(self) -> str:
        if self.kind is ReportKind.DAILY:
            return self.start.isoformat()
        if self.kind is ReportKind.WEEKLY:
            year, week, _ = self.start.isocalendar()
            return f"{year}-W{week:02d}"
        if self.kind is ReportKind.MONTHLY:
            return f"{self.start.year}-{self.start.month:02d}"
        return str(self.start.year)

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    def previous(self) -> ReportPeriod:
        return containing(self.kind, self.start - timedelta(days=1))

    def bounds(self, timezone: str) -> tuple[datetime, datetime]:
        """[since, until) as aware datetimes at local midnight."""
        zone = ZoneInfo(timezone)
        return (
            datetime.combine(self.start, datetime.min.time(), tzinfo=zone),
            datetime.combine(self.end, datetime.min.time(), tzinfo=zone),
        )


def containing(kind: ReportKind, day: date) -> ReportPeriod:
    """The period of `kind` that contains the local date `day`."""
    if kind is ReportKind.DAILY:
        return ReportPeriod(kind=kind, start=day, end=day + timedelta(days=1))
    if kind is ReportKind.WEEKLY:
        monday = day - timedelta(days=day.weekday())
        return ReportPeriod(kind=kind, start=monday, end=monday + timedelta(days=7))
    if kind is ReportKind.MONTHLY:
        start = day.replace(day=1)
        end = date(start.year + 1, 1, 1) if start.month == 12 else date(start.year, start.month + 1, 1)
        return ReportPeriod(kind=kind, start=start, end=end)
    return ReportPeriod(kind=kind, start=date(day.year, 1, 1), end=date(day.year + 1, 1, 1))


def last_complete(kind: ReportKind, now: datetime, timezone: str) -> ReportPeriod:
    """The period just before the one `now` falls in (what a schedule firing at `now` reports on)."""
    today = now.astimezone(ZoneInfo(timezone)).date()
    return containing(kind, today).previous()


_PATTERNS = {
    ReportKind.DAILY: re.compile(r"^(\d{4})-(\d{2})-(\d{2})$"),
    ReportKind.WEEKLY: re.compile(r"^(\d{4})-W(\d{2})$"),
    ReportKind.MONTHLY: re.compile(r"^(\d{4})-(\d{2})$"),
    ReportKind.ANNUAL: re.compile(r"^(\d{4})$"),
}


def parse(kind: ReportKind | str, text: str) -> ReportPeriod:
    """A period from its key (2026-W48 …) or from any ISO date inside it; Invalid otherwise."""
    try:
        kind = ReportKind(kind)
    except ValueError:
        raise Invalid("unknown_report_kind", f"No report kind {kind!r}.") from None
    text = text.strip()
    try:
        match = _PATTERNS[kind].match(text)
        if match and kind is ReportKind.WEEKLY:
            return containing(kind, date.fromisocalendar(int(match[1]), int(match[2]), 1))
        if match and kind is ReportKind.MONTHLY:
            return containing(kind, date(int(match[1]), int(match[2]), 1))
        if match and kind is ReportKind.ANNUAL:
            return containing(kind, date(int(match[1]), 1, 1))
        return containing(kind, date.fromisoformat(text))
    except ValueError:
        raise Invalid(
            "invalid_period", f"{text!r} names no {kind.value} period (e.g. {_EXAMPLES[kind]})."
        ) from None


_EXAMPLES = {
    ReportKind.DAILY: "2026-11-25",
    ReportKind.WEEKLY: "2026-W48",
    ReportKind.MONTHLY: "2026-11",
    ReportKind.ANNUAL: "2026",
}
