"""The read model's metrics (评): volume, rates, handling time, overdue, returns, deferred, reopen and
first-contact resolution, by city, department, district, street, category or channel over a period.

Every formula is documented in docs/metrics.md, the one place they are defined; the public page's
headline rates (`hotline.headlines`), the monthly evaluation and the reports all read them from here.

`compute` is ONE SQL statement per call: a few grouped aggregations (conditional sums, GROUP BY the
dimension's key) joined on the key; p90 handling time is `percentile_cont` on PostgreSQL and the same
linear interpolation with window functions on SQLite. Nothing loops over cases or tasks in Python.

Which rows a metric counts (the period rule, docs/metrics.md "Periods"):
- cases RECEIVED in the period: volume, first-contact resolution;
- cases CLOSED in the period: resolution, satisfaction, reopen, handling time;
- tasks ASSIGNED in the period: response, on time, overdue, returns, unjustified returns;
- cases DEFERRED (挂账) at the period's end: deferred.
For the DEPARTMENT dimension, case metrics count the cases a department leads
(`cases.lead_department_code`) and task metrics that department's own tasks (`assignments.department_code`).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel, model_validator
from sqlalchemy import Float, Integer, and_, case, cast, func, literal, null, or_, select, union
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlmodel import col

from hotline.enums import AssignmentStatus, CaseStatus, CloseReason, EventKind, Rating
from hotline.headlines import Rate
from hotline.models import Assignment, Case, CaseEvent
from hotline.settings import Settings

__all__ = ["Dimension", "MetricRow", "Period", "Rate", "compute", "deferred_trend"]


class Dimension(StrEnum):
    CITY = "city"
    DEPARTMENT = "department"
    DISTRICT = "district"
    STREET = "street"
    CATEGORY = "category"
    CHANNEL = "channel"


# ---- periods ----------------------------------------------------------------------------------------


def _midnight(d: date, tz: str) -> datetime:
    return datetime.combine(d, time(0), tzinfo=ZoneInfo(tz))


def _add_months(d: date, months: int) -> date:
    index = d.year * 12 + (d.month - 1) + months
    return date(index // 12, index % 12 + 1, 1)


class Period(BaseModel):
    """[since, until): aware datetimes, named in the city's time zone (midnight to midnight there)."""

    since: datetime
    until: datetime

    @model_validator(mode="after")
    def _aware_and_ordered(self) -> Period:
        if self.since.tzinfo is None or self.until.tzinfo is None:
            raise ValueError("a period's bounds must be timezone-aware")
        if self.until <= self.since:
            raise ValueError("a period must end after it starts")
        return self

    @classmethod
    def day(cls, d: date, tz: str) -> Period:
        return cls(since=_midnight(d, tz), until=_midnight(d + timedelta(days=1), tz))

    @classmethod
    def week(cls, monday: date, tz: str) -> Period:
        if monday.weekday() != 0:
            raise ValueError(f"{monday} is not a Monday")
        return cls(since=_midnight(monday, tz), until=_midnight(monday + timedelta(days=7), tz))

    @classmethod
    def month(cls, year: int, month: int, tz: str) -> Period:
        first = date(year, month, 1)
        return cls(since=_midnight(first, tz), until=_midnight(_add_months(first, 1), tz))

    @classmethod
    def year(cls, year: int, tz: str) -> Period:
        return cls(since=_midnight(date(year, 1, 1), tz), until=_midnight(date(year + 1, 1, 1), tz))

    def _whole_months(self) -> int | None:
        """How many calendar months the period spans, when it is whole months in its own time zone."""
        since, until = self.since, self.until.astimezone(self.since.tzinfo)
        if since.timetz().replace(tzinfo=None) != time(0) or until.timetz().replace(tzinfo=None) != time(0):
            return None
        if since.day != 1 or until.day != 1:
            return None
        return (until.year - since.year) * 12 + until.month - since.month

    def previous(self) -> Period:
        """The period of the same length just before: the previous day, week, calendar month(s) or year."""
        months = self._whole_months()
        if months:
            tz = self.since.tzinfo
            start = _add_months(self.since.date(), -months)
            return Period(since=datetime.combine(start, time(0), tzinfo=tz), until=self.since)
        length = self.until - self.since
        return Period(since=self.since - length, until=self.since)

    def label(self) -> str:
        """A short name: 2026-03, 2026, 2026-03-02 or 2026-03-02 – 2026-03-09."""
        months = self._whole_months()
        if months == 1:
            return f"{self.since.year:04d}-{self.since.month:02d}"
        if months == 12 and self.since.month == 1:
            return f"{self.since.year:04d}"
        end = self.until.astimezone(self.since.tzinfo)
        if end - self.since == timedelta(days=1):
            return self.since.date().isoformat()
        return f"{self.since.date().isoformat()} – {end.date().isoformat()}"


# ---- the figures ------------------------------------------------------------------------------------


class MetricRow(BaseModel):
    key: str  # the dimension's code ("" for CITY)
    volume: int  # cases received in the period
    response: Rate
    resolution: Rate
    satisfaction: Rate
    on_time: Rate
    avg_handling_hours: float | None
    p90_handling_hours: float | None  # the percentile `Settings.metrics_handling_percentile` (0.9)
    overdue: int
    deferred: int
    returns: int
    unjustified_returns: int
    reopen: Rate
    first_contact: Rate


def _n(condition: Any) -> Any:
    """Count the rows where `condition` holds (0, not NULL, on no rows)."""
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


_CASE_KEY = {
    Dimension.DEPARTMENT: Case.lead_department_code,
    Dimension.DISTRICT: Case.district_code,
    Dimension.STREET: Case.street_code,
    Dimension.CATEGORY: Case.category_code,
    Dimension.CHANNEL: Case.channel,
}


def _case_key(dimension: Dimension) -> Any:
    return literal("") if dimension == Dimension.CITY else col(_CASE_KEY[dimension])


def _task_key(dimension: Dimension) -> Any:
    return col(Assignment.department_code) if dimension == Dimension.DEPARTMENT else _case_key(dimension)


def _keyed(dimension: Dimension, key: Any, keys: list[str] | None) -> list[Any]:
    if dimension == Dimension.CITY:
        return []
    where = [key.is_not(None)]
    if keys is not None:
        where.append(key.in_(keys))
    return where


def _hours(dialect: str, start: Any, end: Any) -> Any:
    if dialect == "postgresql":
        return cast(func.extract("epoch", end - start), Float) / 3600.0
    return (func.julianday(end) - func.julianday(start)) * 24.0


def _in(column: Any, period: Period) -> list[Any]:
    return [column >= period.since, column < period.until]


def _verdict() -> Any:
    """Closed with the citizen's verdict: not withdrawn (撤单) nor unreachable (无法联系)."""
    reason = col(Case.close_reason)
    return or_(reason.is_(None), reason.not_in((CloseReason.WITHDRAWN, CloseReason.UNREACHABLE)))


def _deferred_at(moment: datetime) -> Any:
    """The cases in 挂账 just before `moment`: a deferral approved before it and not ended (resumed,
    withdrawn or closed) before it. The EXISTS conditions run on `case_events`' primary key."""
    ended = aliased(CaseEvent)
    approved = CaseEvent.data["approve"].as_boolean()
    return and_(
        col(CaseEvent.kind) == EventKind.DEFERRAL_RULED,
        approved.is_(True),
        col(CaseEvent.occurred_at) < moment,
        ~select(literal(1))
        .where(
            col(ended.case_number) == col(CaseEvent.case_number),
            col(ended.seq) > col(CaseEvent.seq),
            col(ended.kind).in_((EventKind.DEFERRAL_ENDED, EventKind.WITHDRAWN, EventKind.CLOSED)),
            col(ended.occurred_at) < moment,
        )
        .exists(),
    )


def _statement(
    dialect: str, period: Period, dimension: Dimension, settings: Settings, keys: list[str] | None
) -> Any:
    ck = _case_key(dimension)
    tk = _task_key(dimension)
    reason = col(Case.close_reason)

    # Cases received in the period.
    merged_ok = literal(True) if settings.metrics_count_merged_duplicates else col(Case.merged_into).is_(None)
    received = (
        select(
            ck.label("k"),
            _n(merged_ok).label("volume"),
            _n(and_(merged_ok, reason == CloseReason.RESOLVED_AT_INTAKE)).label("fc_num"),
        )
        .where(*_in(col(Case.received_at), period), *_keyed(dimension, ck, keys))
        .group_by(ck)
        .cte("received")
    )

    # Cases closed in the period.
    content = [Rating.SATISFIED] + (
        [Rating.BASICALLY_SATISFIED] if settings.metrics_basically_satisfied_counts else []
    )
    resolved: Any = col(Case.resolved).is_(True)
    if settings.metrics_supervisor_close_resolved:
        resolved = or_(resolved, reason == CloseReason.SUPERVISOR_DECISION)
    answered = and_(_verdict(), col(Case.resolved).is_not(None))
    rated = and_(_verdict(), col(Case.rating).is_not(None))
    visited = reason.in_((CloseReason.VISITED, CloseReason.UNREACHABLE, CloseReason.SUPERVISOR_DECISION))
    closed_where = [col(Case.status) == CaseStatus.CLOSED, *_in(col(Case.closed_at), period)]
    closed = (
        select(
            ck.label("k"),
            _n(and_(answered, resolved)).label("res_num"),
            _n(answered).label("res_den"),
            _n(and_(rated, col(Case.rating).in_(content))).label("sat_num"),
            _n(rated).label("sat_den"),
            _n(and_(visited, col(Case.reopen_count) > 0)).label("reo_num"),
            _n(visited).label("reo_den"),
        )
        .where(*closed_where, *_keyed(dimension, ck, keys))
        .group_by(ck)
        .cte("closed")
    )

    # Handling time of the cases closed in the period (docs/metrics.md "Handling time").
    if settings.metrics_handling_end == "closed":
        handled = (
            select(ck.label("k"), _hours(dialect, col(Case.received_at), col(Case.closed_at)).label("h"))
            .where(*closed_where, reason != CloseReason.WITHDRAWN, *_keyed(dimension, ck, keys))
            .cte("handled")
        )
    else:
        # The cases closed in the period, each joined to its own tasks by case number (indexed): the
        # last reply per case, never a scan of every task.
        handled = (
            select(
                ck.label("k"),
                _hours(dialect, col(Case.received_at), func.max(col(Assignment.replied_at))).label("h"),
            )
            .join_from(Case, Assignment, col(Assignment.case_number) == col(Case.case_number))
            .where(
                *closed_where,
                reason != CloseReason.WITHDRAWN,
                col(Assignment.replied_at).is_not(None),
                col(Assignment.status) != AssignmentStatus.VOID,
                *_keyed(dimension, ck, keys),
            )
            .group_by(col(Case.case_number))
            .cte("handled")
        )
    p = settings.metrics_handling_percentile
    if dialect == "postgresql":
        handling = (
            select(
                handled.c.k,
                func.avg(handled.c.h).label("avg_h"),
                func.percentile_cont(literal(p, Float)).within_group(handled.c.h).label("p_h"),
            )
            .group_by(handled.c.k)
            .cte("handling")
        )
    else:
        ranked = select(
            handled.c.k,
            handled.c.h,
            func.row_number().over(partition_by=handled.c.k, order_by=handled.c.h).label("rn"),
            func.count().over(partition_by=handled.c.k).label("n"),
        ).cte("ranked")
        position = (ranked.c.n - 1) * p  # percentile_cont: linear between the ranks around (n-1)·p
        below = cast(position, Integer)
        fraction = position - below
        handling = (
            select(
                ranked.c.k,
                func.avg(ranked.c.h).label("avg_h"),
                func.sum(
                    case(
                        (ranked.c.rn == below + 1, ranked.c.h * (1 - fraction)),
                        (ranked.c.rn == below + 2, ranked.c.h * fraction),
                        else_=0.0,
                    )
                ).label("p_h"),
            )
            .group_by(ranked.c.k)
            .cte("handling")
        )

    # Tasks assigned in the period.
    signed = col(Assignment.signed_at).is_not(None)
    late_sign = col(Assignment.sign_for_late).is_(True)
    counted_task = col(Assignment.status).not_in((AssignmentStatus.VOID, AssignmentStatus.RETURNED))
    replied = col(Assignment.replied_at).is_not(None)
    on_time = and_(replied, col(Assignment.replied_at) <= col(Assignment.due_at))
    late_or_overdue = or_(
        and_(replied, col(Assignment.replied_at) > col(Assignment.due_at)), col(Assignment.overdue).is_(True)
    )
    returned = or_(
        col(Assignment.status) == AssignmentStatus.RETURNED, col(Assignment.return_reason).is_not(None)
    )
    task_rows = (
        select(
            tk.label("k"),
            _n(and_(signed, ~late_sign)).label("rsp_num"),
            _n(or_(signed, late_sign)).label("rsp_den"),
            _n(and_(counted_task, on_time, col(Assignment.overdue).is_not(True))).label("ot_num"),
            _n(and_(counted_task, or_(on_time, late_or_overdue))).label("ot_den"),
            _n(col(Assignment.overdue).is_(True)).label("overdue"),
            _n(returned).label("returns"),
            _n(col(Assignment.return_justified).is_(False)).label("unjustified"),
        )
        .select_from(Assignment)
        .where(*_in(col(Assignment.assigned_at), period), *_keyed(dimension, tk, keys))
        .group_by(tk)
    )
    if dimension not in (Dimension.CITY, Dimension.DEPARTMENT):  # keyed by a column of the case
        task_rows = task_rows.join(Case, col(Case.case_number) == col(Assignment.case_number))
    tasks = task_rows.cte("tasks")

    # Cases in 挂账 at the period's end.
    deferred = (
        select(ck.label("k"), func.count(func.distinct(col(CaseEvent.case_number))).label("deferred"))
        .join_from(CaseEvent, Case, col(Case.case_number) == col(CaseEvent.case_number))
        .where(_deferred_at(period.until), *_keyed(dimension, ck, keys))
        .group_by(ck)
        .cte("deferred")
    )

    parts = (received, closed, handling, tasks, deferred)
    every_key = union(*(select(part.c.k) for part in parts)).cte("every_key")

    def z(column: Any) -> Any:
        return func.coalesce(column, 0)

    statement = select(
        every_key.c.k,
        z(received.c.volume),
        z(received.c.fc_num),
        z(closed.c.res_num),
        z(closed.c.res_den),
        z(closed.c.sat_num),
        z(closed.c.sat_den),
        z(closed.c.reo_num),
        z(closed.c.reo_den),
        handling.c.avg_h,
        handling.c.p_h,
        z(tasks.c.rsp_num),
        z(tasks.c.rsp_den),
        z(tasks.c.ot_num),
        z(tasks.c.ot_den),
        z(tasks.c.overdue),
        z(tasks.c.returns),
        z(tasks.c.unjustified),
        z(deferred.c.deferred),
    ).select_from(every_key)
    for part in parts:
        statement = statement.outerjoin(part, part.c.k == every_key.c.k)
    return statement.order_by(every_key.c.k)


async def compute(
    *,
    session: AsyncSession,
    period: Period,
    dimension: Dimension,
    settings: Settings,
    keys: list[str] | None = None,
) -> list[MetricRow]:
    """The metrics of every key of `dimension` (or only `keys`) with anything in `period`, by key.

    CITY always gives exactly one row (key ""), zeros and no-data rates when nothing happened.
    """
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    result = await session.execute(_statement(dialect, period, Dimension(dimension), settings, keys))
    rows = [_row(record) for record in result.all()]
    if dimension == Dimension.CITY and not rows:
        rows = [_row(("", *([0] * 8), None, None, *([0] * 8)))]
    return rows


def _row(record: Any) -> MetricRow:
    (k, volume, fc, res_n, res_d, sat_n, sat_d, reo_n, reo_d, avg_h, p_h) = record[:11]
    (rsp_n, rsp_d, ot_n, ot_d, overdue, returns, unjustified, deferred) = record[11:]
    return MetricRow(
        key=k or "",
        volume=int(volume),
        response=Rate(numerator=int(rsp_n), denominator=int(rsp_d)),
        resolution=Rate(numerator=int(res_n), denominator=int(res_d)),
        satisfaction=Rate(numerator=int(sat_n), denominator=int(sat_d)),
        on_time=Rate(numerator=int(ot_n), denominator=int(ot_d)),
        avg_handling_hours=None if avg_h is None else float(avg_h),
        p90_handling_hours=None if p_h is None else float(p_h),
        overdue=int(overdue),
        deferred=int(deferred),
        returns=int(returns),
        unjustified_returns=int(unjustified),
        reopen=Rate(numerator=int(reo_n), denominator=int(reo_d)),
        first_contact=Rate(numerator=int(fc), denominator=int(volume)),
    )


async def deferred_trend(
    *, session: AsyncSession, periods: list[Period], settings: Settings
) -> list[tuple[Period, int]]:
    """The city's cases in 挂账 at the end of each period (the stock, docs/metrics.md "Deferred"),
    in the order given: one SQL statement for all of them."""
    if not periods:
        return []
    columns = [
        func.count(
            func.distinct(case((_deferred_at(p.until), col(CaseEvent.case_number)), else_=null()))
        ).label(f"p{i}")
        for i, p in enumerate(periods)
    ]
    latest = max(p.until for p in periods)
    row = (
        await session.execute(
            select(*columns).where(
                col(CaseEvent.kind) == EventKind.DEFERRAL_RULED, col(CaseEvent.occurred_at) < latest
            )
        )
    ).one()
    return [(p, int(row[i])) for i, p in enumerate(periods)]
