"""The dispatcher's forms on a case page: review, re-route, rulings on returns and extension requests,
merge and withdraw. Each calls the same service as the API's case actions; a refusal shows the case page
again with the problem beside the form, and every form's hidden request id makes a double submit count once.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel
from starlette.datastructures import FormData

from api.deps import SessionDep, SettingsDep, TemporalDep
from api.routes.case_actions import (
    ExtensionRulingIn,
    MergeIn,
    RerouteIn,
    ReturnRulingIn,
    ReviewIn,
    WithdrawIn,
)
from hotline import actions, dispatch
from hotline.auth import Principal
from hotline.contracts import Review, Withdraw
from hotline.enums import Role
from hotline.errors import DomainError
from hotline.settings import Settings
from web import csrf, forms
from web.render import gettext_for, locale_of, page_allow, redirect
from web.routes import dispatcher_route_form as route_form
from web.routes.cases import case_page

router = APIRouter(prefix="/cases/{case_number}", include_in_schema=False)
Dispatcher = Annotated[Principal, page_allow(Role.DISPATCHER)]


class _Form:
    """One posted form on a case page: its fields, its name on the page, and the way back."""

    def __init__(self, request: Request, session: SessionDep, settings: Settings, user: Principal) -> None:
        self.request, self.session, self.settings, self.user = request, session, settings, user
        self.gettext = gettext_for(request)

    async def run(
        self,
        *,
        case_number: str,
        name: str,
        model: type[BaseModel],
        data: dict[str, Any],
        act: Callable[[Any, str | None], Awaitable[object]],
        done: str,
        errors: forms.FormErrors | None = None,
    ) -> Response:
        """Parse `data` into the API's model, run the action, and redirect, or show the page again."""
        form = await self.request.form()
        body, problems = forms.parse(model, data, self.gettext)
        problems = {**problems, **(errors or {})}
        if body is None or problems:
            return await self._again(case_number, name, form, problems, 422)
        try:
            await act(body, str(form.get("request_id") or "") or None)
        except DomainError as error:
            refused = forms.refusal(error, self.gettext, english=locale_of(self.request) == "en")
            return await self._again(
                case_number, name, form, route_form.field_errors(refused), error.status_code
            )
        return redirect(f"/cases/{case_number}", done=done)

    async def _again(
        self, case_number: str, name: str, form: FormData, errors: forms.FormErrors, status_code: int
    ) -> HTMLResponse:
        return await case_page(
            self.request,
            user=self.user,
            session=self.session,
            warning_fraction=self.settings.warning_fraction,
            case_number=case_number,
            errors=errors,
            form=name,
            values=route_form.values(form),
            status_code=status_code,
        )


async def _posted(request: Request) -> FormData:
    return await request.form()


Posted = Annotated[FormData, Depends(_posted)]
CSRF = [Depends(csrf.check)]


@router.post("/review", response_model=None, dependencies=CSRF)
async def review(
    request: Request,
    case_number: str,
    form: Posted,
    user: Dispatcher,
    session: SessionDep,
    settings: SettingsDep,
    client: TemporalDep,
) -> Response:
    """审核: accept the replies (the return visit follows), or send one back with the reason."""
    data = {
        "accept": form.get("decision") == "accept",
        "reason": form.get("reason") or None,
        "task_id": form.get("task_id") or None,
    }

    async def act(body: ReviewIn, key: str | None) -> object:
        return await actions.act(
            client=client,
            case_number=case_number,
            update="review",
            kind=Review,
            principal=user,
            idempotency_key=key,
            **body.model_dump(),
        )

    return await _Form(request, session, settings, user).run(
        case_number=case_number, name="review", model=ReviewIn, data=data, act=act, done="reviewed"
    )


@router.post("/reroute", response_model=None, dependencies=CSRF)
async def reroute(
    request: Request,
    case_number: str,
    form: Posted,
    user: Dispatcher,
    session: SessionDep,
    settings: SettingsDep,
    client: TemporalDep,
) -> Response:
    """改派: other departments take over before the reply."""
    choice, errors = route_form.choice(form, gettext_for(request))
    data = {"route": choice.model_dump() if choice else None, "reason": form.get("reason", "")}

    async def act(body: RerouteIn, key: str | None) -> object:
        return await dispatch.reroute(
            session=session,
            client=client,
            principal=user,
            case_number=case_number,
            choice=body.route,
            reason=body.reason,
            idempotency_key=key,
        )

    return await _Form(request, session, settings, user).run(
        case_number=case_number,
        name="reroute",
        model=RerouteIn,
        data=data,
        act=act,
        done="rerouted",
        errors=errors,
    )


@router.post("/returns/{task_id}/ruling", response_model=None, dependencies=CSRF)
async def rule_return(
    request: Request,
    case_number: str,
    task_id: str,
    form: Posted,
    user: Dispatcher,
    session: SessionDep,
    settings: SettingsDep,
    client: TemporalDep,
) -> Response:
    """退单: justified → the case goes out on the given route; unjustified → back to the same department."""
    justified = form.get("justified") == "yes"
    choice, errors = route_form.choice(form, gettext_for(request)) if justified else (None, {})
    if justified and not form.get("route_lead"):
        choice, errors = None, {}  # no route given: the service says that a route is needed
    data = {"justified": justified, "reason": form.get("reason", ""), "route": choice}

    async def act(body: ReturnRulingIn, key: str | None) -> object:
        return await dispatch.rule_return(
            session=session,
            client=client,
            principal=user,
            case_number=case_number,
            task_id=task_id,
            justified=body.justified,
            reason=body.reason,
            choice=body.route,
            idempotency_key=key,
        )

    return await _Form(request, session, settings, user).run(
        case_number=case_number,
        name=f"return-{task_id}",
        model=ReturnRulingIn,
        data=data,
        act=act,
        done="ruled",
        errors=errors,
    )


@router.post("/extensions/{task_id}/ruling", response_model=None, dependencies=CSRF)
async def rule_extension(
    request: Request,
    case_number: str,
    task_id: str,
    form: Posted,
    user: Dispatcher,
    session: SessionDep,
    settings: SettingsDep,
    client: TemporalDep,
) -> Response:
    """Approve a department's extension request (its clock moves) or refuse it."""
    data = {"approve": form.get("approve") == "yes", "reason": form.get("reason", "")}

    async def act(body: ExtensionRulingIn, key: str | None) -> object:
        return await dispatch.rule_extension(
            client=client,
            principal=user,
            case_number=case_number,
            task_id=task_id,
            approve=body.approve,
            reason=body.reason,
            idempotency_key=key,
        )

    return await _Form(request, session, settings, user).run(
        case_number=case_number,
        name=f"extension-{task_id}",
        model=ExtensionRulingIn,
        data=data,
        act=act,
        done="ruled",
    )


@router.post("/merge", response_model=None, dependencies=CSRF)
async def merge(
    request: Request,
    case_number: str,
    form: Posted,
    user: Dispatcher,
    session: SessionDep,
    settings: SettingsDep,
    client: TemporalDep,
) -> Response:
    """并单: this appeal joins an open case and gets that case's reply."""
    data = {"primary": str(form.get("primary", "")).strip(), "reason": form.get("reason", "")}

    async def act(body: MergeIn, key: str | None) -> object:
        return await dispatch.merge(
            session=session,
            client=client,
            principal=user,
            case_number=case_number,
            primary=body.primary,
            reason=body.reason,
            idempotency_key=key,
        )

    return await _Form(request, session, settings, user).run(
        case_number=case_number, name="merge", model=MergeIn, data=data, act=act, done="merged"
    )


@router.post("/withdraw", response_model=None, dependencies=CSRF)
async def withdraw(
    request: Request,
    case_number: str,
    form: Posted,
    user: Dispatcher,
    session: SessionDep,
    settings: SettingsDep,
    client: TemporalDep,
) -> Response:
    """撤单: the appeal is closed as withdrawn; the departments' open tasks are voided."""

    async def act(body: WithdrawIn, key: str | None) -> object:
        return await actions.act(
            client=client,
            case_number=case_number,
            update="withdraw",
            kind=Withdraw,
            principal=user,
            idempotency_key=key,
            reason=body.reason,
        )

    return await _Form(request, session, settings, user).run(
        case_number=case_number,
        name="withdraw",
        model=WithdrawIn,
        data={"reason": form.get("reason", "")},
        act=act,
        done="withdrawn",
    )
