"""The admin area's pages, one router per subject, all included by `web.routes.admin`.

Every page is for the admin role only; every change calls the same service as the admin API.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Path, Request

from hotline.auth import Principal
from hotline.enums import Role
from hotline.errors import DomainError
from web import csrf
from web.forms import FormErrors, blank_to_none, refusal
from web.render import gettext_for, locale_of, page_allow

AdminUser = Annotated[Principal, page_allow(Role.ADMIN)]
CHECKED = [Depends(csrf.check)]
RowId = Annotated[int, Path(ge=1, le=2**31 - 1)]


async def form_values(request: Request, *lists: str) -> dict[str, Any]:
    """The posted form without its CSRF token; empty fields are "not given", `lists` keep every value."""
    form = await request.form()
    values: dict[str, Any] = blank_to_none({k: v for k, v in form.items() if k != csrf.CSRF_FIELD})
    for name in lists:
        values[name] = [v for v in form.getlist(name) if v]
    return values


def refused(request: Request, error: DomainError) -> FormErrors:
    return refusal(error, gettext_for(request), english=locale_of(request) == "en")
