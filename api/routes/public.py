"""No-login endpoints for citizens: track, rate and withdraw a case. Rate limited per address."""

from fastapi import APIRouter, Depends, Request
from pydantic import Field

from api.deps import IdempotencyKey, LimiterDep, SessionDep, TemporalDep, client_address
from hotline import actions, public
from hotline.contracts import ActionResult
from hotline.enums import Rating
from hotline.ratelimit import PUBLIC_REQUESTS


async def _limited(request: Request, limiter: LimiterDep) -> None:
    await limiter.hit(PUBLIC_REQUESTS, "public", client_address(request))


_limited.public = True  # type: ignore[attr-defined]  # read by the authorization-matrix test
router = APIRouter(prefix="/api/v1/public", tags=["citizens"], dependencies=[Depends(_limited)])


class RatingIn(public.CaseKey):
    resolved: bool
    rating: Rating
    comment: str = Field(default="", max_length=1000)


class WithdrawalIn(public.CaseKey):
    reason: str = Field(min_length=1, max_length=500)


@router.post("/track", response_model=public.PublicCase)
async def track(body: public.CaseKey, session: SessionDep, limiter: LimiterDep) -> public.PublicCase:
    """The case's progress, by tracking code and the last four digits of the phone number given."""
    case = await public.find(session=session, limiter=limiter, key=body)
    return await public.view(session=session, case=case)


@router.post("/rate", response_model=ActionResult)
async def rate(
    body: RatingIn,
    session: SessionDep,
    limiter: LimiterDep,
    client: TemporalDep,
    idempotency_key: IdempotencyKey = None,
) -> ActionResult:
    """The citizen's own rating; it counts as the return visit."""
    case = await public.find(session=session, limiter=limiter, key=body)
    return await public.rate(
        client=client,
        case=case,
        resolved=body.resolved,
        rating=body.rating,
        comment=body.comment,
        request_id=actions.request_id(idempotency_key),
    )


@router.post("/withdraw", response_model=ActionResult)
async def withdraw(
    body: WithdrawalIn,
    session: SessionDep,
    limiter: LimiterDep,
    client: TemporalDep,
    idempotency_key: IdempotencyKey = None,
) -> ActionResult:
    """撤单 by the citizen."""
    case = await public.find(session=session, limiter=limiter, key=body)
    return await public.withdraw(
        client=client, case=case, reason=body.reason, request_id=actions.request_id(idempotency_key)
    )
