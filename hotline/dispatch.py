"""派 Dispatch decisions on a running case: re-routing, rulings on returns and extensions."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from temporalio.client import Client

from hotline import actions, routing
from hotline.auth import Principal
from hotline.contracts import ActionResult, MergeInto, Reroute, Route, RouteRequest, RuleExtension, RuleReturn
from hotline.enums import CaseStatus, Role
from hotline.errors import Conflict, Invalid, NotFound
from hotline.models import Case


async def _route_for(session: AsyncSession, case_number: str, choice: routing.RouteChoice) -> Route:
    case = await session.get(Case, case_number)
    if case is None:
        raise NotFound("case_not_found", f"No case {case_number}.")
    request = RouteRequest(category=case.category_code, district=case.district_code, street=case.street_code)
    return await routing.decide_route(session=session, request=request, choice=choice)


async def rule_return(
    *,
    session: AsyncSession,
    client: Client,
    principal: Principal,
    case_number: str,
    task_id: str,
    justified: bool,
    reason: str,
    choice: routing.RouteChoice | None,
    idempotency_key: str | None,
) -> ActionResult:
    """The dispatcher's ruling on a return: justified goes to `choice`; unjustified goes back."""
    principal.require(Role.DISPATCHER)
    if justified and choice is None:
        raise Invalid(
            "route_required",
            "A justified return needs the route the case goes to instead.",
            {"field": "route"},
        )
    route = await _route_for(session, case_number, choice) if justified and choice else None
    return await actions.act(
        client=client,
        case_number=case_number,
        update="rule_return",
        kind=RuleReturn,
        principal=principal,
        idempotency_key=idempotency_key,
        task_id=task_id,
        justified=justified,
        reason=reason,
        route=route,
    )


async def rule_extension(
    *,
    client: Client,
    principal: Principal,
    case_number: str,
    task_id: str,
    approve: bool,
    reason: str,
    idempotency_key: str | None,
) -> ActionResult:
    principal.require(Role.DISPATCHER)
    return await actions.act(
        client=client,
        case_number=case_number,
        update="rule_extension",
        kind=RuleExtension,
        principal=principal,
        idempotency_key=idempotency_key,
        task_id=task_id,
        approve=approve,
        reason=reason,
    )


async def reroute(
    *,
    session: AsyncSession,
    client: Client,
    principal: Principal,
    case_number: str,
    choice: routing.RouteChoice,
    reason: str,
    idempotency_key: str | None,
) -> ActionResult:
    principal.require(Role.DISPATCHER)
    return await actions.act(
        client=client,
        case_number=case_number,
        update="reroute",
        kind=Reroute,
        principal=principal,
        idempotency_key=idempotency_key,
        route=await _route_for(session, case_number, choice),
        reason=reason,
    )


async def merge(
    *,
    session: AsyncSession,
    client: Client,
    principal: Principal,
    case_number: str,
    primary: str,
    reason: str,
    idempotency_key: str | None,
) -> ActionResult:
    """并单: `case_number` (the duplicate) joins the open case `primary`."""
    principal.require(Role.DISPATCHER)
    target = await session.get(Case, primary)
    if target is None:
        raise NotFound("case_not_found", f"No case {primary} to merge into.", {"field": "primary"})
    if target.status in (CaseStatus.CLOSED, CaseStatus.MERGED) or primary == case_number:
        raise Conflict(
            "primary_not_open",
            f"Case {primary} is {target.status}; merge into an open case.",
            {"field": "primary"},
        )
    return await actions.act(
        client=client,
        case_number=case_number,
        update="merge_into",
        kind=MergeInto,
        principal=principal,
        idempotency_key=idempotency_key,
        primary=primary,
        reason=reason,
    )
