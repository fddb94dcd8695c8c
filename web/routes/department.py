"""承办单位 The department's pages: its inbox (on a phone too), and its actions on a case: sign for, reply,
return, ask for an extension or a deferral, answer a supervision order. Each calls the API's service."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel

from api.deps import SessionDep, SettingsDep
from api.routes.case_actions import OrderAnswerIn
from hotline import directory, inbox, tasks
from hotline.auth import Principal
from hotline.contracts import AnswerOrder
from hotline.enums import Role
from hotline.schemas import DeferralCreate, ExtensionCreate, TaskReplyCreate, TaskReturnCreate
from web import csrf, forms
from web.case_forms import CaseForm, case_form
from web.render import page_allow, render

router = APIRouter(include_in_schema=False)
DepartmentUser = Annotated[Principal, page_allow(Role.DEPARTMENT)]
DepartmentForm = Annotated[CaseForm, case_form(Role.DEPARTMENT)]
CSRF = [Depends(csrf.check)]
TASK = "/cases/{case_number}/tasks/{task_id}"


class NoFields(BaseModel):
    """Signing for takes nothing but the click."""


@router.get("/inbox", response_class=HTMLResponse)
async def show_inbox(
    request: Request, user: DepartmentUser, session: SessionDep, settings: SettingsDep, show: str = "live"
) -> HTMLResponse:
    box = await inbox.for_department(
        session=session, principal=user, warning_fraction=settings.warning_fraction
    )
    return render(
        request,
        "department/inbox.html",
        box=box,
        show="history" if show == "history" else "live",
        names=await directory.names(session=session),
    )


@router.post(f"{TASK}/sign-for", dependencies=CSRF, response_model=None)
async def sign_for(task_id: str, form: DepartmentForm) -> Response:
    async def run(_: NoFields) -> object:
        return await tasks.sign_for(
            session=form.session,
            client=form.client,
            principal=form.user,
            task_id=task_id,
            idempotency_key=form.key,
        )

    back = "/inbox" if form.values.get("back") == "inbox" else None
    return await form.act(f"sign-{task_id}", NoFields, {}, run, done="signed", back=back)


@router.post(f"{TASK}/reply", dependencies=CSRF, response_model=None)
async def reply(task_id: str, form: DepartmentForm) -> Response:
    data = forms.blank_to_none(form.fields("text", "outcome", "contacted_at"))
    data = {key: value for key, value in data.items() if value is not None}  # the model's defaults
    data["contacted_citizen"] = forms.checkbox(form.values, "contacted_citizen")
    forms.local_times(data, ("contacted_at",), form.settings.timezone)

    async def run(reply_in: TaskReplyCreate) -> object:
        await tasks.reply(
            session=form.session, client=form.client, principal=form.user, task_id=task_id, reply_in=reply_in
        )
        return None

    return await form.act(f"reply-{task_id}", TaskReplyCreate, data, run, done="replied", back="/inbox")


@router.post(f"{TASK}/return", dependencies=CSRF, response_model=None)
async def return_task(task_id: str, form: DepartmentForm) -> Response:
    async def run(body: TaskReturnCreate) -> object:
        await tasks.return_task(
            session=form.session, client=form.client, principal=form.user, task_id=task_id, reason=body.reason
        )
        return None

    data = form.fields("reason")
    return await form.act(f"return-{task_id}", TaskReturnCreate, data, run, done="returned", back="/inbox")


@router.post(f"{TASK}/extension", dependencies=CSRF, response_model=None)
async def request_extension(task_id: str, form: DepartmentForm) -> Response:
    data = forms.blank_to_none(form.fields("reason", "due_at"))
    forms.local_times(data, ("due_at",), form.settings.timezone)

    async def run(body: ExtensionCreate) -> object:
        return await tasks.request_extension(
            session=form.session,
            client=form.client,
            principal=form.user,
            task_id=task_id,
            extension_in=body,
            idempotency_key=form.key,
        )

    return await form.act(f"extension-{task_id}", ExtensionCreate, data, run, done="extension_requested")


@router.post(f"{TASK}/deferral", dependencies=CSRF, response_model=None)
async def request_deferral(task_id: str, form: DepartmentForm) -> Response:
    data = forms.blank_to_none(form.fields("plan", "target_date"))
    forms.local_times(data, ("target_date",), form.settings.timezone)

    async def run(body: DeferralCreate) -> object:
        return await tasks.request_deferral(
            session=form.session,
            client=form.client,
            principal=form.user,
            task_id=task_id,
            deferral_in=body,
            idempotency_key=form.key,
        )

    return await form.act(f"deferral-{task_id}", DeferralCreate, data, run, done="deferral_requested")


@router.post("/cases/{case_number}/orders/{order_id}/answer", dependencies=CSRF, response_model=None)
async def answer_order(order_id: str, form: DepartmentForm) -> Response:
    return await form.update(
        f"answer-{order_id}",
        OrderAnswerIn,
        form.fields("text"),
        update="answer_order",
        kind=AnswerOrder,
        done="order_answered",
        order_id=order_id,
    )
