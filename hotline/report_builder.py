"""The four reports built from the read model: each kind is one function giving its content model
(hotline/report_content.py). The figures come from `hotline.metrics` (SQL aggregations; formulas in
docs/metrics.md), the ranking and zones from `hotline.evaluation`, the warnings from `hotline.warnings`,
the typical cases from the read model's `typical_cases`; nothing here loops over cases.

    daily    yesterday's volume and rates, by channel and district, what is overdue now
    weekly   each city figure against the previous week, top categories and places, warnings
    monthly  rates by department and district, ranking with zones, ten best and ten-worst candidates,
             typical cases, warnings, the classes of cases fixed (proactive cases and their members)
    annual   month by month, the year's totals, each department's zones over the year
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Literal

from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from hotline import evaluation, metrics, warnings
from hotline.enums import AssignmentStatus, CaseStatus
from hotline.metrics import Dimension, Period
from hotline.models import Assignment, Case, TypicalCase
from hotline.report_content import (
    COUNTS,
    HOURS,
    RATES,
    AnnualReport,
    Change,
    DailyReport,
    Figures,
    KeyCount,
    MonthFigures,
    MonthlyReport,
    OverdueNow,
    PeriodInfo,
    Ranked,
    ReportWarnings,
    TypicalEntry,
    WeeklyReport,
    ZoneYear,
)
from hotline.report_periods import ReportKind, ReportPeriod, containing
from hotline.settings import Settings

TOP = 10  # how many categories and places the weekly analysis lists
# A case is still being worked on in these states (deferred cases' clocks are stopped; merged ones wait).
_OPEN_CASE = (CaseStatus.REGISTERED, CaseStatus.HANDLING, CaseStatus.REPLIED)
_OPEN_TASK = (AssignmentStatus.OPEN, AssignmentStatus.SIGNED)

Content = DailyReport | WeeklyReport | MonthlyReport | AnnualReport


def metrics_period(period: ReportPeriod, timezone: str) -> Period:
    if period.kind is ReportKind.DAILY:
        return Period.day(period.start, timezone)
    if period.kind is ReportKind.WEEKLY:
        return Period.week(period.start, timezone)
    if period.kind is ReportKind.MONTHLY:
        return Period.month(period.start.year, period.start.month, timezone)
    return Period.year(period.start.year, timezone)


async def _figures(
    session: AsyncSession, settings: Settings, period: ReportPeriod, dimension: Dimension
) -> list[Figures]:
    rows = await metrics.compute(
        session=session,
        period=metrics_period(period, settings.timezone),
        dimension=dimension,
        settings=settings,
    )
    return [Figures.of(row) for row in rows]


async def _city(session: AsyncSession, settings: Settings, period: ReportPeriod) -> Figures:
    return (await _figures(session, settings, period, Dimension.CITY))[0]


async def _warnings(session: AsyncSession, settings: Settings, period: ReportPeriod) -> ReportWarnings:
    window = metrics_period(period, settings.timezone)
    return ReportWarnings(
        spikes=await warnings.spikes(session=session, now=window.until, settings=settings),
        repeat_places=await warnings.repeat_places(session=session, now=window.until, settings=settings),
        clusters=await warnings.clusters(session=session, period=window, settings=settings),
    )


def _by_volume(rows: list[Figures]) -> list[Figures]:
    return sorted(rows, key=lambda r: (-r.volume, r.key))


async def overdue_now(*, session: AsyncSession, now: datetime) -> OverdueNow:
    """Open cases past their due time, and open department tasks past theirs by department: two
    grouped counts over the indexed (status, due_at) columns."""
    cases = (
        await session.execute(
            select(func.count()).where(col(Case.status).in_(_OPEN_CASE), col(Case.due_at) < now)
        )
    ).scalar_one()
    department = col(Assignment.department_code)
    rows = await session.execute(
        select(department, func.count())
        .where(col(Assignment.status).in_(_OPEN_TASK), col(Assignment.due_at) < now)
        .group_by(department)
        .order_by(func.count().desc(), department)
    )
    return OverdueNow(
        as_of=now, cases=int(cases), by_department=[KeyCount(key=k, count=n) for k, n in rows.all()]
    )


async def daily(
    *, session: AsyncSession, settings: Settings, period: ReportPeriod, now: datetime
) -> DailyReport:
    return DailyReport(
        period=PeriodInfo.of(period, settings.timezone),
        city=await _city(session, settings, period),
        by_channel=_by_volume(await _figures(session, settings, period, Dimension.CHANNEL)),
        by_district=_by_volume(await _figures(session, settings, period, Dimension.DISTRICT)),
        overdue_now=await overdue_now(session=session, now=now),
    )


def changes(current: Figures, previous: Figures) -> list[Change]:
    """Each figure of `current` against `previous` (see `Change` for what the numbers mean)."""
    result = []
    for name in (*COUNTS, *RATES, *HOURS):
        unit: Literal["count", "rate", "hours"] = (
            "rate" if name in RATES else "hours" if name in HOURS else "count"
        )
        now_value, before = current.figure(name), previous.figure(name)
        difference = None if now_value is None or before is None else now_value - before
        relative = difference / before if unit != "rate" and difference is not None and before else None
        result.append(
            Change(
                figure=name,
                unit=unit,
                current=now_value,
                previous=before,
                change=difference,
                relative=relative,
            )
        )
    return result


def _top(current: list[Figures], previous: list[Figures]) -> list[Ranked]:
    before = {row.key: row.volume for row in previous}
    ranked = [row for row in _by_volume(current) if row.volume > 0][:TOP]
    return [
        Ranked(
            key=row.key,
            volume=row.volume,
            previous_volume=before.get(row.key, 0),
            change=row.volume - before.get(row.key, 0),
        )
        for row in ranked
    ]


async def weekly(
    *, session: AsyncSession, settings: Settings, period: ReportPeriod, now: datetime
) -> WeeklyReport:
    previous = period.previous()
    city, previous_city = await _city(session, settings, period), await _city(session, settings, previous)
    categories = await _figures(session, settings, period, Dimension.CATEGORY)
    places = await _figures(session, settings, period, Dimension.STREET)
    top_categories = _top(categories, await _figures(session, settings, previous, Dimension.CATEGORY))
    top_places = _top(places, await _figures(session, settings, previous, Dimension.STREET))
    return WeeklyReport(
        period=PeriodInfo.of(period, settings.timezone),
        previous_period=PeriodInfo.of(previous, settings.timezone),
        city=city,
        previous_city=previous_city,
        changes=changes(city, previous_city),
        top_categories=top_categories,
        top_places=top_places,
        warnings=await _warnings(session, settings, period),
    )


async def typical_cases(*, session: AsyncSession, since: datetime, until: datetime) -> list[TypicalEntry]:
    rows = (
        await session.execute(
            select(TypicalCase)
            .where(col(TypicalCase.published_at) >= since, col(TypicalCase.published_at) < until)
            .order_by(col(TypicalCase.published_at))
        )
    ).scalars()
    return [
        TypicalEntry(
            id=row.id or 0,
            case_number=row.case_number,
            title=row.title,
            category_code=row.category_code,
            district_code=row.district_code,
            published_at=row.published_at,
        )
        for row in rows
    ]


async def monthly(
    *, session: AsyncSession, settings: Settings, period: ReportPeriod, now: datetime
) -> MonthlyReport:
    window = metrics_period(period, settings.timezone)
    return MonthlyReport(
        period=PeriodInfo.of(period, settings.timezone),
        city=await _city(session, settings, period),
        by_department=_by_volume(await _figures(session, settings, period, Dimension.DEPARTMENT)),
        by_district=_by_volume(await _figures(session, settings, period, Dimension.DISTRICT)),
        typical_cases=await typical_cases(session=session, since=window.since, until=window.until),
        evaluation=await evaluation.results(
            session=session, year=period.start.year, month=period.start.month
        ),
        warnings=await _warnings(session, settings, period),
        classes_of_cases=await warnings.proactive_cases(session=session, period=window),
    )


async def annual(
    *, session: AsyncSession, settings: Settings, period: ReportPeriod, now: datetime
) -> AnnualReport:
    month_periods = []
    start = period.start
    while start < period.end:
        month = containing(ReportKind.MONTHLY, start)
        month_periods.append(month)
        start = month.end
    windows = [metrics_period(m, settings.timezone) for m in month_periods]
    deferred = await metrics.deferred_trend(session=session, periods=windows, settings=settings)
    months = [
        MonthFigures(
            month=m.key,
            figures=await _city(session, settings, m),
            deferred_at_end=count,
        )
        for m, (_, count) in zip(month_periods, deferred, strict=True)
    ]
    zones: dict[str, list[str | None]] = {}
    for index, month in enumerate(month_periods):
        for result in await evaluation.results(
            session=session, year=month.start.year, month=month.start.month
        ):
            zones.setdefault(result.department, [None] * len(month_periods))[index] = result.zone
    return AnnualReport(
        period=PeriodInfo.of(period, settings.timezone),
        totals=await _city(session, settings, period),
        months=months,
        zones=[ZoneYear(department=code, zones=zones[code]) for code in sorted(zones)],
    )


BUILDERS: dict[ReportKind, Callable[..., Awaitable[Content]]] = {
    ReportKind.DAILY: daily,
    ReportKind.WEEKLY: weekly,
    ReportKind.MONTHLY: monthly,
    ReportKind.ANNUAL: annual,
}


async def build(*, session: AsyncSession, settings: Settings, period: ReportPeriod, now: datetime) -> Content:
    """The content of the report of `period`'s kind; `now` is when it is made (the overdue snapshot)."""
    return await BUILDERS[period.kind](session=session, settings=settings, period=period, now=now)
