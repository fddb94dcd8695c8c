"""督办 The supervisor's pages: the board (what is late and by how much, what waits for a ruling) and the
actions on a case: urge, issue a supervision order, rule on a deferral, decide after the reopen limit."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from api.deps import SessionDep
from api.routes.case_actions import DecisionIn, ExtensionRulingIn, OrderIn, UrgeIn
from hotline import board, directory
from hotline.auth import Principal
from hotline.contracts import Decision, IssueOrder, RuleDeferral, Urge
from hotline.enums import Role
from web import csrf, forms
from web.case_forms import CaseForm, case_form
from web.i18n import N_
from web.render import gettext_for, page_allow, render

router = APIRouter(include_in_schema=False)
SupervisorUser = Annotated[Principal, page_allow(Role.SUPERVISOR)]
SupervisorForm = Annotated[CaseForm, case_form(Role.SUPERVISOR)]
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


@router.post(f"{CASE}/urge", dependencies=CSRF, response_model=None)
async def urge(form: SupervisorForm) -> Response:
    data = forms.blank_to_none(form.fields("message", "department"))
    return await form.update("urge", UrgeIn, data, update="urge", kind=Urge, done="urged")


@router.post(f"{CASE}/orders", dependencies=CSRF, response_model=None)
async def issue_order(form: SupervisorForm) -> Response:
    data = forms.blank_to_none(form.fields("department", "instructions", "reply_by"))
    forms.local_times(data, ("reply_by",), form.settings.timezone)
    return await form.update(
        "order", OrderIn, data, update="issue_order", kind=IssueOrder, done="order_issued"
    )


@router.post(f"{CASE}/deferral/ruling", dependencies=CSRF, response_model=None)
async def rule_deferral(form: SupervisorForm) -> Response:
    data = forms.blank_to_none(form.fields("approve", "reason"))
    return await form.update(
        "deferral_ruling", ExtensionRulingIn, data, update="rule_deferral", kind=RuleDeferral, done="ruled"
    )


@router.post(f"{CASE}/decision", dependencies=CSRF, response_model=None)
async def decide(form: SupervisorForm) -> Response:
    choice = form.values.get("choice", "")
    data: dict[str, Any] = {
        "close_as_is": choice == "close",
        "reason": form.values.get("reason", ""),
        "defer_until": form.values.get("defer_until") or None if choice == "defer" else None,
    }
    forms.local_times(data, ("defer_until",), form.settings.timezone)
    gettext = gettext_for(form.request)
    extra = {}
    if choice == "defer" and data["defer_until"] is None:
        extra["defer_until"] = gettext(N_("Give the date the case waits until."))
    if choice not in DECISIONS:
        extra["choice"] = gettext(N_("Choose one of the options."))
    return await form.update(
        "decision", DecisionIn, data, update="decide", kind=Decision, done="decided", extra_errors=extra
    )
