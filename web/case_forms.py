"""An action form on the case page, from post to redirect: parse the form into the API's own model,
call the service, and either go back to the case with a notice or show the page again with the problems
next to their fields (422 for the form, the refusal's own status for a service's refusal).

A refusal that forbids the person the action altogether (another department's task) is the error page.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from fastapi import Request
from fastapi.responses import Response
from pydantic import BaseModel

from hotline.auth import Principal
from hotline.errors import DomainError, Forbidden
from hotline.settings import Settings
from web import forms
from web.forms import FormErrors
from web.render import error_page, gettext_for, locale_of, redirect
from web.routes.cases import case_page

M = TypeVar("M", bound=BaseModel)


async def submitted(request: Request) -> dict[str, Any]:
    """The form's fields as strings, without the CSRF token."""
    data = {key: value for key, value in (await request.form()).items() if isinstance(value, str)}
    data.pop("csrf_token", None)
    return data


def request_key(user: Principal, case_number: str, form: str, values: dict[str, Any]) -> str | None:
    """The same form sent twice from the same view of the case (a double click) is applied once."""
    seen = values.get("seen")
    return f"web:{user.username}:{case_number}:{form}:{seen}" if seen else None


async def act(
    request: Request,
    *,
    user: Principal,
    session: Any,
    settings: Settings,
    case_number: str,
    form: str,
    values: dict[str, Any],
    model: type[M],
    data: dict[str, Any],
    action: Callable[[M], Awaitable[object]],
    done: str,
    extra_errors: FormErrors | None = None,
    back: str | None = None,
) -> Response:
    gettext = gettext_for(request)
    parsed, errors = forms.parse(model, data, gettext)
    errors = {**errors, **(extra_errors or {})}
    if parsed is None or errors:
        return await _again(request, user, session, settings, case_number, form, values, errors, 422)
    try:
        await action(parsed)
    except Forbidden as error:
        return error_page(request, error)
    except DomainError as error:
        problems = forms.refusal(error, gettext, english=locale_of(request) == "en")
        return await _again(
            request, user, session, settings, case_number, form, values, problems, error.status_code
        )
    return redirect(back or f"/cases/{case_number}", done=done)


async def _again(
    request: Request,
    user: Principal,
    session: Any,
    settings: Settings,
    case_number: str,
    form: str,
    values: dict[str, Any],
    errors: FormErrors,
    status_code: int,
) -> Response:
    return await case_page(
        request,
        user=user,
        session=session,
        warning_fraction=settings.warning_fraction,
        case_number=case_number,
        errors=errors,
        form=form,
        values=values,
        status_code=status_code,
    )
