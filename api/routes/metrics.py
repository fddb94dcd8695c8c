"""The metrics (评) by city, department, district, street, category or channel over a period.

Formulas: docs/metrics.md. Dates are the city's own (Settings.timezone): `since` included, `until`
excluded; by default the current month up to and including today.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query
from pydantic import BaseModel

from api.access import allow
from api.deps import SessionDep, SettingsDep
from hotline import metrics
from hotline.auth import Principal
from hotline.enums import Role
from hotline.errors import Invalid
from hotline.headlines import Rate

router = APIRouter(prefix="/api/v1/metrics", tags=["metrics"])
MetricsReader = Annotated[
    Principal, allow(Role.ANALYST, Role.SUPERVISOR, Role.AUDITOR, Role.ADMIN, Role.DISPATCHER)
]


class RatePublic(BaseModel):
    numerator: int
    denominator: int
    value: float | None  # numerator / denominator; null when nothing was counted


class MetricRowPublic(BaseModel):
    key: str
    volume: int
    response: RatePublic
    resolution: RatePublic
    satisfaction: RatePublic
    on_time: RatePublic
    avg_handling_hours: float | None
    p90_handling_hours: float | None
    overdue: int
    deferred: int
    returns: int
    unjustified_returns: int
    reopen: RatePublic
    first_contact: RatePublic


class MetricsPublic(BaseModel):
    dimension: metrics.Dimension
    since: datetime
    until: datetime
    rows: list[MetricRowPublic]


def _rate(rate: Rate) -> RatePublic:
    return RatePublic(numerator=rate.numerator, denominator=rate.denominator, value=rate.value)


def _public(row: metrics.MetricRow) -> MetricRowPublic:
    values = row.model_dump()
    for name in ("response", "resolution", "satisfaction", "on_time", "reopen", "first_contact"):
        values[name] = _rate(getattr(row, name))
    return MetricRowPublic(**values)


@router.get("", response_model=MetricsPublic)
async def read_metrics(
    user: MetricsReader,
    session: SessionDep,
    settings: SettingsDep,
    dimension: metrics.Dimension = metrics.Dimension.CITY,
    since: Annotated[date | None, Query(description="the first day (default: the 1st of this month)")] = None,
    until: Annotated[date | None, Query(description="the day after the last (default: tomorrow)")] = None,
    key: Annotated[list[str] | None, Query(description="only these codes of the dimension")] = None,
) -> MetricsPublic:
    """Volume, response, resolution, satisfaction, on-time, reopen and first-contact rates, handling
    time (mean and p90), overdue, deferred and returns, one row per code of the dimension."""
    today = datetime.now(UTC).astimezone(ZoneInfo(settings.timezone)).date()
    first = since or today.replace(day=1)
    last = until or today + timedelta(days=1)
    if last <= first:
        raise Invalid("bad_period", "'until' must come after 'since'.")
    if (last - first).days > 3 * 366:
        raise Invalid("bad_period", "Ask for at most three years at a time.")
    period = metrics.Period(
        since=metrics.Period.day(first, settings.timezone).since,
        until=metrics.Period.day(last, settings.timezone).since,
    )
    rows = await metrics.compute(
        session=session, period=period, dimension=dimension, settings=settings, keys=key
    )
    return MetricsPublic(
        dimension=dimension, since=period.since, until=period.until, rows=[_public(row) for row in rows]
    )
