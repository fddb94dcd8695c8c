"""The dispatcher's forms on a case page: review, re-route, rulings on returns and extension requests,
merge and withdraw. Each calls the same service as the API's case actions; a refusal shows the case page
again with the problem beside the form (a route's problem beside its route field).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import Response

from api.routes.case_actions import (
    ExtensionRulingIn,
    MergeIn,
    RerouteIn,
    ReturnRulingIn,
    ReviewIn,
    WithdrawIn,
)
from hotline import dispatch
from hotline.contracts import Review, Withdraw
from hotline.enums import Role
from web import csrf
from web.case_forms import CaseForm, case_form
from web.render import gettext_for
from web.routes import dispatcher_route_form as route_form

router = APIRouter(prefix="/cases/{case_number}", include_in_schema=False)
DispatcherForm = Annotated[CaseForm, case_form(Role.DISPATCHER, lists=(f"{route_form.PREFIX}assisting",))]
CSRF = [Depends(csrf.check)]


@router.post("/review", response_model=None, dependencies=CSRF)
async def review(form: DispatcherForm) -> Response:
    """审核: accept the replies (the return visit follows), or send one back with the reason."""
    data = {
        "accept": form.values.get("decision") == "accept",
        "reason": form.values.get("reason") or None,
        "task_id": form.values.get("task_id") or None,
    }
    return await form.update("review", ReviewIn, data, update="review", kind=Review, done="reviewed")


@router.post("/reroute", response_model=None, dependencies=CSRF)
async def reroute(form: DispatcherForm) -> Response:
    """改派: other departments take over before the reply."""
    choice, errors = route_form.choice(form.values, gettext_for(form.request))
    data = {"route": choice.model_dump() if choice else None, **form.fields("reason")}

    async def run(body: RerouteIn) -> object:
        return await dispatch.reroute(
            session=form.session,
            client=form.client,
            principal=form.user,
            case_number=form.case_number,
            choice=body.route,
            reason=body.reason,
            idempotency_key=form.key,
        )

    return await form.act(
        "reroute",
        RerouteIn,
        data,
        run,
        done="rerouted",
        extra_errors=errors,
        refusal_fields=route_form.field_errors,
    )


@router.post("/returns/{task_id}/ruling", response_model=None, dependencies=CSRF)
async def rule_return(task_id: str, form: DispatcherForm) -> Response:
    """退单: justified → the case goes out on the given route; unjustified → back to the same department."""
    justified = form.values.get("justified") == "yes"
    choice, errors = route_form.choice(form.values, gettext_for(form.request)) if justified else (None, {})
    if justified and not form.values.get("route_lead"):
        choice, errors = None, {}  # no route given: the service says that a route is needed
    data = {"justified": justified, "route": choice, **form.fields("reason")}

    async def run(body: ReturnRulingIn) -> object:
        return await dispatch.rule_return(
            session=form.session,
            client=form.client,
            principal=form.user,
            case_number=form.case_number,
            task_id=task_id,
            justified=body.justified,
            reason=body.reason,
            choice=body.route,
            idempotency_key=form.key,
        )

    return await form.act(
        f"return-{task_id}",
        ReturnRulingIn,
        data,
        run,
        done="ruled",
        extra_errors=errors,
        refusal_fields=route_form.field_errors,
    )


@router.post("/extensions/{task_id}/ruling", response_model=None, dependencies=CSRF)
async def rule_extension(task_id: str, form: DispatcherForm) -> Response:
    """Approve a department's extension request (its clock moves) or refuse it."""
    data = {"approve": form.values.get("approve") == "yes", **form.fields("reason")}

    async def run(body: ExtensionRulingIn) -> object:
        return await dispatch.rule_extension(
            client=form.client,
            principal=form.user,
            case_number=form.case_number,
            task_id=task_id,
            approve=body.approve,
            reason=body.reason,
            idempotency_key=form.key,
        )

    return await form.act(
        f"extension-{task_id}",
        ExtensionRulingIn,
        data,
        run,
        done="ruled",
        refusal_fields=route_form.field_errors,
    )


@router.post("/merge", response_model=None, dependencies=CSRF)
async def merge(form: DispatcherForm) -> Response:
    """并单: this appeal joins an open case and gets that case's reply."""
    data = {"primary": str(form.values.get("primary", "")).strip(), **form.fields("reason")}

    async def run(body: MergeIn) -> object:
        return await dispatch.merge(
            session=form.session,
            client=form.client,
            principal=form.user,
            case_number=form.case_number,
            primary=body.primary,
            reason=body.reason,
            idempotency_key=form.key,
        )

    return await form.act("merge", MergeIn, data, run, done="merged")


@router.post("/withdraw", response_model=None, dependencies=CSRF)
async def withdraw(form: DispatcherForm) -> Response:
    """撤单: the appeal is closed as withdrawn; the departments' open tasks are voided."""
    return await form.update(
        "withdraw", WithdrawIn, form.fields("reason"), update="withdraw", kind=Withdraw, done="withdrawn"
    )
