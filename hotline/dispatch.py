"""派 Dispatch decisions on a running case: re-routing to other departments before the reply."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from temporalio.client import Client

from hotline import actions, routing
from hotline.auth import Principal
from hotline.contracts import ActionResult, Reroute, RouteRequest
from hotline.enums import Role
from hotline.errors import NotFound
from hotline.models import Case


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
    case = await session.get(Case, case_number)
    if case is None:
        raise NotFound("case_not_found", f"No case {case_number}.")
    route = await routing.decide_route(
        session=session,
        request=RouteRequest(
            category=case.category_code, district=case.district_code, street=case.street_code
        ),
        choice=choice,
    )
    action = Reroute(
        actor=principal.actor, request_id=actions.request_id(idempotency_key), route=route, reason=reason
    )
    return await actions.execute(client=client, case_number=case_number, update="reroute", action=action)
