"""承办单位 The department's pages: its inbox (on a phone too), and its actions on a case: sign for, reply,
return, ask for an extension or a deferral, answer a supervision order. Each calls the API's service."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel

from api.deps import SessionDep, SettingsDep, TemporalDep
from api.routes.case_actions import OrderAnswerIn
from hotline import actions, directory, inbox, tasks
from hotline.auth import Principal
from hotline.contracts import AnswerOrder
from hotline.enums import Role
from hotline.schemas import DeferralCreate, ExtensionCreate, TaskReplyCreate, TaskReturnCreate
from web import csrf, forms
from web.case_forms import act, request_key, submitted
from web.render import page_allow, render

router = APIRouter(include_in_schema=False)
DepartmentUser = Annotated[Principal, page_allow(Role.DEPARTMENT)]
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
async def sign_for(
    request: Request,
    case_number: str,
    task_id: str,
    user: DepartmentUser,
    session: SessionDep,
    settings: SettingsDep,
    client: TemporalDep,
) -> Response:
    values = await submitted(request)
    form = f"sign-{task_id}"

    async def run(_: NoFields) -> object:
        key = request_key(user, case_number, form, values)
        return await tasks.sign_for(
            session=session, client=client, principal=user, task_id=task_id, idempotency_key=key
        )

    return await act(
        request,
        user=user,
        session=session,
        settings=settings,
        case_number=case_number,
        form=form,
        values=values,
        model=NoFields,
        data={},
        action=run,
        done="signed",
        back="/inbox" if values.get("back") == "inbox" else None,
    )


@router.post(f"{TASK}/reply", dependencies=CSRF, response_model=None)
async def reply(
    request: Request,
    case_number: str,
    task_id: str,
    user: DepartmentUser,
    session: SessionDep,
    settings: SettingsDep,
    client: TemporalDep,
) -> Response:
    values = await submitted(request)
    data = forms.blank_to_none(
        {
            "text": values.get("text", ""),
            "outcome": values.get("outcome", ""),
            "contacted_at": values.get("contacted_at", ""),
        }
    )
    data = {key: value for key, value in data.items() if value is not None}  # the model's defaults
    data["contacted_citizen"] = forms.checkbox(values, "contacted_citizen")
    forms.local_times(data, ("contacted_at",), settings.timezone)

    async def run(reply_in: TaskReplyCreate) -> object:
        await tasks.reply(session=session, client=client, principal=user, task_id=task_id, reply_in=reply_in)
        return None

    return await act(
        request,
        user=user,
        session=session,
        settings=settings,
        case_number=case_number,
        form=f"reply-{task_id}",
        values=values,
        model=TaskReplyCreate,
        data=data,
        action=run,
        done="replied",
        back="/inbox",
    )


@router.post(f"{TASK}/return", dependencies=CSRF, response_model=None)
async def return_task(
    request: Request,
    case_number: str,
    task_id: str,
    user: DepartmentUser,
    session: SessionDep,
    settings: SettingsDep,
    client: TemporalDep,
) -> Response:
    values = await submitted(request)

    async def run(body: TaskReturnCreate) -> object:
        await tasks.return_task(
            session=session, client=client, principal=user, task_id=task_id, reason=body.reason
        )
        return None

    return await act(
        request,
        user=user,
        session=session,
        settings=settings,
        case_number=case_number,
        form=f"return-{task_id}",
        values=values,
        model=TaskReturnCreate,
        data={"reason": values.get("reason", "")},
        action=run,
        done="returned",
        back="/inbox",
    )


@router.post(f"{TASK}/extension", dependencies=CSRF, response_model=None)
async def request_extension(
    request: Request,
    case_number: str,
    task_id: str,
    user: DepartmentUser,
    session: SessionDep,
    settings: SettingsDep,
    client: TemporalDep,
) -> Response:
    values = await submitted(request)
    form = f"extension-{task_id}"
    data = forms.blank_to_none({"reason": values.get("reason", ""), "due_at": values.get("due_at", "")})
    forms.local_times(data, ("due_at",), settings.timezone)

    async def run(body: ExtensionCreate) -> object:
        return await tasks.request_extension(
            session=session,
            client=client,
            principal=user,
            task_id=task_id,
            extension_in=body,
            idempotency_key=request_key(user, case_number, form, values),
        )

    return await act(
        request,
        user=user,
        session=session,
        settings=settings,
        case_number=case_number,
        form=form,
        values=values,
        model=ExtensionCreate,
        data=data,
        action=run,
        done="extension_requested",
    )


@router.post(f"{TASK}/deferral", dependencies=CSRF, response_model=None)
async def request_deferral(
    request: Request,
    case_number: str,
    task_id: str,
    user: DepartmentUser,
    session: SessionDep,
    settings: SettingsDep,
    client: TemporalDep,
) -> Response:
    values = await submitted(request)
    form = f"deferral-{task_id}"
    data = forms.blank_to_none({"plan": values.get("plan", ""), "target_date": values.get("target_date", "")})
    forms.local_times(data, ("target_date",), settings.timezone)

    async def run(body: DeferralCreate) -> object:
        return await tasks.request_deferral(
            session=session,
            client=client,
            principal=user,
            task_id=task_id,
            deferral_in=body,
            idempotency_key=request_key(user, case_number, form, values),
        )

    return await act(
        request,
        user=user,
        session=session,
        settings=settings,
        case_number=case_number,
        form=form,
        values=values,
        model=DeferralCreate,
        data=data,
        action=run,
        done="deferral_requested",
    )


@router.post("/cases/{case_number}/orders/{order_id}/answer", dependencies=CSRF, response_model=None)
async def answer_order(
    request: Request,
    case_number: str,
    order_id: str,
    user: DepartmentUser,
    session: SessionDep,
    settings: SettingsDep,
    client: TemporalDep,
) -> Response:
    values = await submitted(request)
    form = f"answer-{order_id}"

    async def run(body: OrderAnswerIn) -> object:
        return await actions.act(
            client=client,
            case_number=case_number,
            update="answer_order",
            kind=AnswerOrder,
            principal=user,
            idempotency_key=request_key(user, case_number, form, values),
            order_id=order_id,
            text=body.text,
        )

    return await act(
        request,
        user=user,
        session=session,
        settings=settings,
        case_number=case_number,
        form=form,
        values=values,
        model=OrderAnswerIn,
        data={"text": values.get("text", "")},
        action=run,
        done="order_answered",
    )
