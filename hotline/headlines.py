"""The three headline rates on the public page (响应率 / 解决率 / 满意率), over a recent period.

The rates are `hotline.metrics.compute` for the city (one SQL statement over indexed columns,
`assignments.assigned_at`, `cases.closed_at`; formulas in docs/metrics.md): the public page, the
monthly evaluation of departments and the reports read the same figures.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from hotline.enums import CloseReason, Rating
from hotline.settings import Settings, get_settings

PERIOD_DAYS = 30
# A withdrawn appeal was never answered, and an unreachable citizen never said: neither is a verdict.
NOT_A_VERDICT = (CloseReason.WITHDRAWN, CloseReason.UNREACHABLE)
CONTENT = (Rating.SATISFIED, Rating.BASICALLY_SATISFIED)


class Rate(BaseModel):
    numerator: int
    denominator: int

    @property
    def value(self) -> float | None:
        """None when nothing was counted: "no data" is not 0 %."""
        return self.numerator / self.denominator if self.denominator else None


class Headlines(BaseModel):
    since: datetime
    until: datetime
    days: int
    response: Rate
    resolution: Rate
    satisfaction: Rate


def _city(settings: Settings | None) -> Settings:
    return settings if settings is not None else get_settings()


async def _city_metrics(
    *, session: AsyncSession, since: datetime, until: datetime, settings: Settings | None
) -> Any:
    from hotline import metrics  # metrics builds on Rate, defined above

    (row,) = await metrics.compute(
        session=session,
        period=metrics.Period(since=since, until=until),
        dimension=metrics.Dimension.CITY,
        settings=_city(settings),
    )
    return row


async def response_rate(
    *, session: AsyncSession, since: datetime, until: datetime, settings: Settings | None = None
) -> Rate:
    """响应率: the share of departments' tasks signed for within the sign-for window.

    Counted over tasks assigned in [since, until), whatever became of them later (re-routed or not).
    - numerator: tasks signed for in time (`signed_at` set and `sign_for_late` false);
    - denominator: tasks whose response is decided: signed for (in time or late), or marked
      `sign_for_late` by the clock because the window passed unsigned.
    A task still open within its window is not decided yet and counts in neither.
    (`hotline.metrics`, docs/metrics.md "Response rate".)
    """
    row = await _city_metrics(session=session, since=since, until=until, settings=settings)
    return row.response


async def closed_rates(
    *, session: AsyncSession, since: datetime, until: datetime, settings: Settings | None = None
) -> tuple[Rate, Rate]:
    """解决率 and 满意率, over the cases closed in [since, until), from the citizen's final answer.

    Only closed cases count, so a rating later overturned by a reopen never does. Cases closed as
    withdrawn (撤单) or unreachable (无法联系) are left out of both rates, even if an earlier visit
    left an answer on them.

    解决率 (resolution):
    - numerator: those whose citizen said the problem is resolved (`resolved` is true);
    - denominator: those whose citizen answered the question at all (`resolved` is not null).
    满意率 (satisfaction):
    - numerator: rated 满意 or 基本满意 (`rating` in satisfied, basically_satisfied);
    - denominator: rated at all (`rating` is not null; 不满意 counts here and not above).
    A case closed by a supervisor's decision after the reopen limit keeps its last (unresolved,
    dissatisfied) answer and so counts against both. A consultation answered at intake has no answer
    from a visit and counts in neither. The city may count 基本满意 as not satisfied, or a supervisor's
    close as resolved (settings `metrics_*`, docs/metrics.md).
    """
    row = await _city_metrics(session=session, since=since, until=until, settings=settings)
    return row.resolution, row.satisfaction


async def headlines(
    *, session: AsyncSession, now: datetime, days: int = PERIOD_DAYS, settings: Settings | None = None
) -> Headlines:
    """The three rates over the `days` before `now`: the city's metrics (`hotline.metrics.compute` for
    the city), so the public page and the reports agree. One SQL statement."""
    since = now - timedelta(days=days)
    row = await _city_metrics(session=session, since=since, until=now, settings=settings)
    return Headlines(
        since=since,
        until=now,
        days=days,
        response=row.response,
        resolution=row.resolution,
        satisfaction=row.satisfaction,
    )
