"""An action form on the case page, from post to redirect: parse the form into the API's own model,
call the service, and either go back to the case with a notice or show the page again with the problems
next to their fields (422 for the form, the refusal's own status for a service's refusal).

A refusal that forbids the person the action altogether (another department's task) is the error page.
Every action form carries its own key (`ui.form_key(name)`): the same rendered form sent twice (a double
click) is applied once.

A route takes the posted form as one parameter, for the roles that may send it:

    DepartmentForm = Annotated[CaseForm, case_form(Role.DEPARTMENT)]

    async def return_task(task_id: str, form: DepartmentForm) -> Response:
        return await form.act(f"return-{task_id}", TaskReturnCreate, {...}, run, done="returned")
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from fastapi import Depends, Request
from fastapi.responses import Response
from pydantic import BaseModel
from temporalio.client import Client

from api.deps import SessionDep, SettingsDep, TemporalDep
from hotline import actions
from hotline.auth import Principal
from hotline.contracts import Action, ActionResult
from hotline.enums import Role
from hotline.errors import DomainError, Forbidden
from hotline.settings import Settings
from web import forms
from web.forms import FormErrors
from web.render import error_page, gettext_for, locale_of, page_allow, redirect
from web.routes.cases import case_page

M = TypeVar("M", bound=BaseModel)
KEY_FIELD = "idempotency_key"  # the hidden field `ui.form_key` renders


@dataclass
class CaseForm:
    """One action form posted from a case page: who sent it, about which case, with which fields."""

    request: Request
    user: Principal
    session: Any
    settings: Settings
    client: Client
    case_number: str
    values: dict[str, Any]  # the fields as sent, shown again if there is a problem

    @property
    def key(self) -> str | None:
        """The rendered form's own key, the action's idempotency key."""
        return forms.sent_key(self.values.get(KEY_FIELD))

    def fields(self, *names: str) -> dict[str, Any]:
        """These fields as sent ("" for a missing one)."""
        return {name: self.values.get(name, "") for name in names}

    async def act(
        self,
        form: str,
        model: type[M],
        data: dict[str, Any],
        action: Callable[[M], Awaitable[object]],
        *,
        done: str,
        back: str | None = None,
        extra_errors: FormErrors | None = None,
        refusal_fields: Callable[[FormErrors], FormErrors] | None = None,
        closing_done: str | None = None,
    ) -> Response:
        """Parse `data` into `model`, run `action` with it, and redirect to `back` (the case) with the
        notice `done` (`closing_done` when the action's answer says it ends the case); or show the case
        page again with `form`'s problems. `refusal_fields` renames the fields a service's refusal names
        to the form's own (`route.lead` → `route_lead`)."""
        gettext = gettext_for(self.request)
        parsed, errors = forms.parse(model, data, gettext)
        errors = {**errors, **(extra_errors or {})}
        if parsed is None or errors:
            return await self._again(form, errors, 422)
        try:
            result = await action(parsed)
        except Forbidden as error:
            return error_page(self.request, error)
        except DomainError as error:
            problems = forms.refusal(error, gettext, english=locale_of(self.request) == "en")
            problems = refusal_fields(problems) if refusal_fields else problems
            return await self._again(form, problems, error.status_code)
        if closing_done and isinstance(result, ActionResult) and result.closing is not None:
            done = closing_done
        return redirect(back or f"/cases/{self.case_number}", done=done)

    async def update(
        self,
        form: str,
        model: type[BaseModel],
        data: dict[str, Any],
        *,
        update: str,
        kind: type[Action],
        done: str,
        back: str | None = None,
        extra_errors: FormErrors | None = None,
        closing_done: str | None = None,
        **fields: Any,
    ) -> Response:
        """`act` for a workflow Update whose fields are the API's body model (and `fields` from the path)."""

        async def run(body: BaseModel) -> object:
            return await actions.act(
                client=self.client,
                case_number=self.case_number,
                update=update,
                kind=kind,
                principal=self.user,
                idempotency_key=self.key,
                **fields,
                **body.model_dump(),
            )

        return await self.act(
            form, model, data, run, done=done, back=back, extra_errors=extra_errors, closing_done=closing_done
        )

    async def _again(self, form: str, errors: FormErrors, status_code: int) -> Response:
        return await case_page(
            self.request,
            user=self.user,
            session=self.session,
            warning_fraction=self.settings.warning_fraction,
            case_number=self.case_number,
            errors=errors,
            form=form,
            values=self.values,
            status_code=status_code,
        )


def case_form(*roles: Role, lists: tuple[str, ...] = ()) -> Any:
    """The posted `CaseForm` as a route parameter, for these roles only (like `page_allow`).
    The fields in `lists` (multiple choices) are read as lists."""
    allowed = page_allow(*roles)

    async def posted(
        request: Request,
        case_number: str,
        session: SessionDep,
        settings: SettingsDep,
        client: TemporalDep,
        user: Principal = allowed,
    ) -> CaseForm:
        sent = await request.form()
        values: dict[str, Any] = {key: value for key, value in sent.items() if isinstance(value, str)}
        values.pop("csrf_token", None)
        values.update({name: [v for v in sent.getlist(name) if v] for name in lists})
        return CaseForm(request, user, session, settings, client, case_number, values)

    return Depends(posted)
