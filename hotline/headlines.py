"""The three headline rates on the public page (响应率 / 解决率 / 满意率), over a recent period.

Each rate is one SQL aggregation over indexed columns (`assignments.assigned_at`, `cases.closed_at`);
nothing loops over cases in Python. The monthly evaluation of departments (issue 7) builds on the same
definitions with more detail; these are the city-wide figures a citizen reads.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from pydantic import BaseModel
from sqlalchemy import Integer, and_, case, func
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from hotline.enums import CaseStatus, CloseReason, Rating
from hotline.models import Assignment, Case

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


def _count(condition: object) -> object:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0).cast(Integer)  # type: ignore[arg-type]


async def response_rate(*, session: AsyncSession, since: datetime, until: datetime) -> Rate:
    """响应率: the share of departments' tasks signed for within the sign-for window.

    Counted over tasks assigned in [since, until), whatever became of them later (re-routed or not).
    - numerator: tasks signed for in time (`signed_at` set and `sign_for_late` false);
    - denominator: tasks whose response is decided: signed for (in time or late), or marked
      `sign_for_late` by the clock because the window passed unsigned.
    A task still open within its window is not decided yet and counts in neither.
    """
    signed = col(Assignment.signed_at).is_not(None)
    late = col(Assignment.sign_for_late).is_(True)
    row = (
        await session.execute(
            select(_count(and_(signed, ~late)), _count(signed | late)).where(  # type: ignore[call-overload]
                col(Assignment.assigned_at) >= since, col(Assignment.assigned_at) < until
            )
        )
    ).one()
    return Rate(numerator=row[0], denominator=row[1])


async def closed_rates(*, session: AsyncSession, since: datetime, until: datetime) -> tuple[Rate, Rate]:
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
    from a visit and counts in neither.
    """
    verdict = col(Case.close_reason).is_(None) | col(Case.close_reason).not_in(NOT_A_VERDICT)
    answered = and_(verdict, col(Case.resolved).is_not(None))
    rated = and_(verdict, col(Case.rating).is_not(None))
    row = (
        await session.execute(
            select(  # type: ignore[call-overload]
                _count(and_(answered, col(Case.resolved).is_(True))),
                _count(answered),
                _count(and_(rated, col(Case.rating).in_(CONTENT))),
                _count(rated),
            ).where(
                col(Case.closed_at) >= since,
                col(Case.closed_at) < until,
                Case.status == CaseStatus.CLOSED,
            )
        )
    ).one()
    return Rate(numerator=row[0], denominator=row[1]), Rate(numerator=row[2], denominator=row[3])


async def headlines(*, session: AsyncSession, now: datetime, days: int = PERIOD_DAYS) -> Headlines:
    """The three rates over the `days` before `now`."""
    since = now - timedelta(days=days)
    response = await response_rate(session=session, since=since, until=now)
    resolution, satisfaction = await closed_rates(session=session, since=since, until=now)
    return Headlines(
        since=since,
        until=now,
        days=days,
        response=response,
        resolution=resolution,
        satisfaction=satisfaction,
    )
