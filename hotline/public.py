"""宣 and the citizen's own view: track a case by its tracking code and the phone's last four digits,
rate it (this counts as the return visit) or withdraw it. No login; rate limited; no personal data out.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, StringConstraints
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select
from temporalio.client import Client

from hotline import actions
from hotline.contracts import ActionResult, Actor, Visit, Withdraw
from hotline.enums import AssignmentRole, AssignmentStatus, CaseStatus, EventKind, Rating, Role
from hotline.errors import NotFound
from hotline.models import Assignment, Case, CaseEvent, Category, District
from hotline.ratelimit import TRACKING_FAILURES, RateLimiter

# What a citizen sees of the timeline: the steps of their case, not the offices' internal exchanges.
PUBLIC_EVENTS = {
    EventKind.REGISTERED,
    EventKind.RESOLVED_AT_INTAKE,
    EventKind.DISPATCHED,
    EventKind.SIGNED_FOR,
    EventKind.AWAITING_REVIEW,
    EventKind.REVIEW_ACCEPTED,
    EventKind.REOPENED,
    EventKind.DEFERRAL_ENDED,
    EventKind.MERGED,
    EventKind.PRIMARY_REPLIED,
    EventKind.VISITED,
    EventKind.VISIT_EXPIRED,
    EventKind.WITHDRAWN,
    EventKind.CLOSED,
}
_REPLY_VISIBLE = (CaseStatus.VISITING, CaseStatus.CLOSED)

TrackingCode = Annotated[
    str, StringConstraints(strip_whitespace=True, to_upper=True, min_length=6, max_length=16)
]
LastFour = Annotated[str, StringConstraints(pattern=r"^\d{4}$")]


class CaseKey(BaseModel):
    tracking_code: TrackingCode
    phone_last4: LastFour


class PublicEvent(BaseModel):
    kind: str
    occurred_at: datetime
    summary: str


class PublicCase(BaseModel):
    case_number: str
    status: str
    title: str
    category: str
    place: str
    received_at: datetime
    due_at: datetime | None
    closed_at: datetime | None
    reply: str | None
    can_rate: bool
    can_withdraw: bool
    events: list[PublicEvent]


async def find(*, session: AsyncSession, limiter: RateLimiter, key: CaseKey) -> Case:
    """The case, when the code and the digits match; otherwise one answer for both, and a counted miss."""
    await limiter.check(TRACKING_FAILURES, "track", key.tracking_code)
    case = (
        await session.execute(select(Case).where(Case.tracking_code == key.tracking_code))
    ).scalar_one_or_none()
    if case is None or not case.citizen_phone or not case.citizen_phone.endswith(key.phone_last4):
        await limiter.hit(TRACKING_FAILURES, "track", key.tracking_code)
        raise NotFound("case_not_found", "No case matches this tracking code and phone number.")
    return case


async def view(*, session: AsyncSession, case: Case) -> PublicCase:
    category = await session.get(Category, case.category_code)
    district = await session.get(District, case.district_code)
    events = (
        await session.execute(
            select(CaseEvent)
            .where(CaseEvent.case_number == case.case_number, col(CaseEvent.kind).in_(PUBLIC_EVENTS))
            .order_by(col(CaseEvent.seq))
        )
    ).scalars()
    return PublicCase(
        case_number=case.case_number,
        status=case.status,
        title=case.title,
        category=category.name if category else case.category_code,
        place=district.name if district else case.district_code,
        received_at=case.received_at,
        due_at=case.due_at,
        closed_at=case.closed_at,
        reply=await _reply(session, case) if case.status in _REPLY_VISIBLE else None,
        can_rate=case.status == CaseStatus.VISITING,
        can_withdraw=case.status not in (CaseStatus.CLOSED, CaseStatus.REGISTERED),
        events=[PublicEvent(kind=e.kind, occurred_at=e.occurred_at, summary=e.summary) for e in events],
    )


async def _reply(session: AsyncSession, case: Case) -> str | None:
    return (
        await session.execute(
            select(Assignment.reply_text)
            .where(
                Assignment.case_number == case.case_number,
                Assignment.role == AssignmentRole.LEAD,
                Assignment.status == AssignmentStatus.REPLIED,
            )
            .order_by(col(Assignment.replied_at).desc())
            .limit(1)
        )
    ).scalar_one_or_none()


def _citizen(case: Case) -> Actor:
    return Actor(user=f"citizen:{case.case_number}", role=Role.CITIZEN)


async def rate(
    *, client: Client, case: Case, resolved: bool, rating: Rating, comment: str, request_id: str
) -> ActionResult:
    action = Visit(
        actor=_citizen(case),
        request_id=request_id,
        reached=True,
        resolved=resolved,
        rating=rating,
        comment=comment,
    )
    return await actions.execute(client=client, case_number=case.case_number, update="visit", action=action)


async def withdraw(*, client: Client, case: Case, reason: str, request_id: str) -> ActionResult:
    action = Withdraw(actor=_citizen(case), request_id=request_id, reason=reason)
    return await actions.execute(
        client=client, case_number=case.case_number, update="withdraw", action=action
    )
