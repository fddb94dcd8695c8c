"""督办 The supervisor's pages: the board (what is late and by how much, what waits for a ruling) and the
actions on a case: urge, issue a supervision order, rule on a deferral, decide after the reopen limit."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel

from api.deps import SessionDep, SettingsDep, TemporalDep
from api.routes.case_actions import DecisionIn, ExtensionRulingIn, OrderIn, UrgeIn
from hotline import actions, board, directory
from hotline.auth import Principal
from hotline.contracts import Action, Decision, IssueOrder, RuleDeferral, Urge
from hotline.enums import Role
from web import csrf, forms
from web.case_forms import act, request_key, submitted
from web.i18n import N_
from web.render import gettext_for, page_allow, render

router = APIRouter(include_in_schema=False)
SupervisorUser = Annotated[Principal, page_allow(Role.SUPERVISOR)]
CSRF = [Depends(csrf.check)]
CASE = "/cases/{case_number}"
# The decision form's three choices, as the API's DecisionIn says them.
DECISIONS = ("close", "reopen", "defer")


@router.get("/board", response_class=HTMLResponse)
async def show_board(request: Request, user: SupervisorUser, session: SessionDep) -> HTMLResponse:
    return render(
        request,
        "supervisor/board.html",
        board=await board.for_supervisor(session=session, principal=user),
        names=await directory.names(session=session),
    )


async def _update(
    request: Request,
    *,
    user: Principal,
    session: SessionDep,
    settings: SettingsDep,
    client: TemporalDep,
    case_number: str,
    form: str,
    update: str,
    kind: type[Action],
    model: type[BaseModel],
    data: dict[str, Any],
    values: dict[str, Any],
    done: str,
    extra_errors: dict[str, str] | None = None,
) -> Response:
    """A supervisor's Update, built from the API's own body model."""

    async def run(body: BaseModel) -> object:
        return await actions.act(
            client=client,
            case_number=case_number,
            update=update,
            kind=kind,
            principal=user,
            idempotency_key=request_key(user, case_number, form, values),
            **body.model_dump(),
        )

    return await act(
        request,
        user=user,
        session=session,
        settings=settings,
        case_number=case_number,
        form=form,
        values=values,
        model=model,
        data=data,
        action=run,
        done=done,
        extra_errors=extra_errors,
    )


@router.post(f"{CASE}/urge", dependencies=CSRF, response_model=None)
async def urge(
    request: Request,
    case_number: str,
    user: SupervisorUser,
    session: SessionDep,
    settings: SettingsDep,
    client: TemporalDep,
) -> Response:
    values = await submitted(request)
    data = forms.blank_to_none(
        {"message": values.get("message", ""), "department": values.get("department", "")}
    )
    return await _update(
        request,
        user=user,
        session=session,
        settings=settings,
        client=client,
        case_number=case_number,
        form="urge",
        update="urge",
        kind=Urge,
        model=UrgeIn,
        data=data,
        values=values,
        done="urged",
    )


@router.post(f"{CASE}/orders", dependencies=CSRF, response_model=None)
async def issue_order(
    request: Request,
    case_number: str,
    user: SupervisorUser,
    session: SessionDep,
    settings: SettingsDep,
    client: TemporalDep,
) -> Response:
    values = await submitted(request)
    fields = ("department", "instructions", "reply_by")
    data = forms.blank_to_none({name: values.get(name, "") for name in fields})
    forms.local_times(data, ("reply_by",), settings.timezone)
    return await _update(
        request,
        user=user,
        session=session,
        settings=settings,
        client=client,
        case_number=case_number,
        form="order",
        update="issue_order",
        kind=IssueOrder,
        model=OrderIn,
        data=data,
        values=values,
        done="order_issued",
    )


@router.post(f"{CASE}/deferral/ruling", dependencies=CSRF, response_model=None)
async def rule_deferral(
    request: Request,
    case_number: str,
    user: SupervisorUser,
    session: SessionDep,
    settings: SettingsDep,
    client: TemporalDep,
) -> Response:
    values = await submitted(request)
    data = forms.blank_to_none({"approve": values.get("approve", ""), "reason": values.get("reason", "")})
    return await _update(
        request,
        user=user,
        session=session,
        settings=settings,
        client=client,
        case_number=case_number,
        form="deferral_ruling",
        update="rule_deferral",
        kind=RuleDeferral,
        model=ExtensionRulingIn,
        data=data,
        values=values,
        done="ruled",
    )


@router.post(f"{CASE}/decision", dependencies=CSRF, response_model=None)
async def decide(
    request: Request,
    case_number: str,
    user: SupervisorUser,
    session: SessionDep,
    settings: SettingsDep,
    client: TemporalDep,
) -> Response:
    values = await submitted(request)
    choice = values.get("choice", "")
    data: dict[str, Any] = {
        "close_as_is": choice == "close",
        "reason": values.get("reason", ""),
        "defer_until": values.get("defer_until") or None if choice == "defer" else None,
    }
    forms.local_times(data, ("defer_until",), settings.timezone)
    extra = {}
    if choice == "defer" and data["defer_until"] is None:
        extra["defer_until"] = gettext_for(request)(N_("Give the date the case waits until."))
    if choice not in DECISIONS:
        extra["choice"] = gettext_for(request)(N_("Choose one of the options."))
    return await _update(
        request,
        user=user,
        session=session,
        settings=settings,
        client=client,
        case_number=case_number,
        form="decision",
        update="decide",
        kind=Decision,
        model=DecisionIn,
        data=data,
        values=values,
        done="decided",
        extra_errors=extra,
    )
