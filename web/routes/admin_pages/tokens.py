"""API tokens for integrations: the list, a new token shown once, revocation."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from api.deps import SessionDep
from api.routes.admin import TokenIn
from hotline import tokens
from hotline.enums import Channel
from hotline.errors import NotFound
from web.forms import FormErrors, parse
from web.render import gettext_for, redirect, render
from web.routes.admin_pages import CHECKED, AdminUser, RowId, form_values

router = APIRouter(prefix="/admin/tokens")
# The new token's page must not stay in a browser's or a proxy's cache.
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


async def _list(
    request: Request,
    session: SessionDep,
    values: dict[str, Any] | None = None,
    errors: FormErrors | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    return render(
        request,
        "admin/tokens.html",
        status_code=status_code,
        tokens=await tokens.list_all(session=session),
        channels=list(Channel),
        values=values or {},
        errors=errors or {},
    )


async def _token(session: SessionDep, token_id: int) -> tokens.TokenPublic:
    found = [t for t in await tokens.list_all(session=session) if t.id == token_id]
    if not found:
        raise NotFound("token_not_found", f"No API token {token_id}.")
    return found[0]


@router.get("", response_class=HTMLResponse)
async def list_tokens(request: Request, user: AdminUser, session: SessionDep) -> HTMLResponse:
    return await _list(request, session)


@router.post("", response_class=HTMLResponse, dependencies=CHECKED)
async def create_token(request: Request, user: AdminUser, session: SessionDep) -> HTMLResponse:
    values = await form_values(request)
    body, errors = parse(TokenIn, values, gettext_for(request))
    if body is None:
        return await _list(request, session, values=values, errors=errors, status_code=422)
    created = await tokens.create(
        session=session, name=body.name, channel=body.channel, created_by=user.username
    )
    response = render(request, "admin/token_created.html", status_code=201, created=created)
    response.headers.update(NO_STORE)
    return response


@router.get("/{token_id}/revoke", response_class=HTMLResponse)
async def confirm_revocation(
    request: Request, token_id: RowId, user: AdminUser, session: SessionDep
) -> HTMLResponse:
    return render(request, "admin/token_revoke.html", token=await _token(session, token_id))


@router.post("/{token_id}/revoke", dependencies=CHECKED)
async def revoke(token_id: RowId, user: AdminUser, session: SessionDep) -> Response:
    await tokens.revoke(session=session, token_id=token_id)
    return redirect("/admin/tokens", done="token_revoked")
