"""Counts behind the reports area: SQL GROUP BY over the cases received in a period.

Each function answers one question with one query and returns (key, count) rows, keys being codes (or
ISO dates), so that the pages name them in the reader's language. The reports issue adds more; each new
figure is one more function here and one more section on the page.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from pydantic import BaseModel
from sqlalchemy import ColumnElement, and_, func
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from hotline.enums import CaseStatus
from hotline.models import Case, District


class Window(BaseModel):
    """Cases received in [since, until)."""

    since: datetime
    until: datetime
    timezone: str

    @classmethod
    def last_days(cls, *, now: datetime, days: int, timezone: str) -> Window:
        """The last `days` whole local days, today included."""
        zone = ZoneInfo(timezone)
        today = now.astimezone(zone).date()
        start = datetime.combine(today - timedelta(days=days - 1), datetime.min.time(), tzinfo=zone)
        return cls(since=start, until=now, timezone=timezone)

    def days(self) -> list[date]:
        zone = ZoneInfo(self.timezone)
        first, last = self.since.astimezone(zone).date(), self.until.astimezone(zone).date()
        return [first + timedelta(days=n) for n in range((last - first).days + 1)]


class Count(BaseModel):
    key: str
    count: int


def _received_in(window: Window) -> list[ColumnElement[bool]]:
    return [col(Case.received_at) >= window.since, col(Case.received_at) < window.until]


async def _grouped(session: AsyncSession, column: object, window: Window) -> list[Count]:
    rows = await session.execute(
        select(column, func.count())  # type: ignore[call-overload]
        .where(*_received_in(window))
        .group_by(column)
        .order_by(func.count().desc(), column)
    )
    return [Count(key=str(key), count=count) for key, count in rows.all()]


async def by_status(*, session: AsyncSession, window: Window) -> list[Count]:
    """Cases received in the window, by their current status, in the order of the lifecycle."""
    counts = {c.key: c for c in await _grouped(session, Case.status, window)}
    return [counts[s.value] for s in CaseStatus if s.value in counts]


async def by_channel(*, session: AsyncSession, window: Window) -> list[Count]:
    return await _grouped(session, Case.channel, window)


async def by_district(*, session: AsyncSession, window: Window) -> list[Count]:
    """Every district or county, in the city's order, with zero where nothing was received."""
    rows = await session.execute(
        select(District.code, func.count(col(Case.case_number)))
        .outerjoin(Case, and_(col(Case.district_code) == District.code, *_received_in(window)))
        .group_by(col(District.code), col(District.sort_order))
        .order_by(col(District.sort_order))
    )
    return [Count(key=code, count=count) for code, count in rows.all()]


def _local_day(session: AsyncSession, timezone: str, now: datetime) -> ColumnElement[object]:
    """The local calendar day of received_at, computed by the database."""
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    if dialect == "postgresql":
        return func.date(func.timezone(timezone, Case.received_at))
    # SQLite stores naive UTC and knows no zones: shift by the zone's offset (the city's zone has no DST).
    offset = ZoneInfo(timezone).utcoffset(now) or timedelta()
    return func.date(Case.received_at, f"{int(offset.total_seconds())} seconds")


async def daily_intake(*, session: AsyncSession, window: Window) -> list[Count]:
    """Cases received per local day of the window, days without cases included as zero."""
    day = _local_day(session, window.timezone, window.until).label("day")
    rows = await session.execute(select(day, func.count()).where(*_received_in(window)).group_by(day))
    counts = {str(d): n for d, n in rows.all()}
    return [Count(key=d.isoformat(), count=counts.get(d.isoformat(), 0)) for d in window.days()]
