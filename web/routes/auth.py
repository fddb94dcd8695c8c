"""Login, logout and the language switch."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.deps import SESSION_COOKIE, SessionDep, SettingsDep, client_address
from hotline import auth
from hotline.errors import TooManyRequests, Unauthorized
from web import csrf, i18n, nav
from web.forms import refusal
from web.render import gettext_for, locale_of, render

router = APIRouter(include_in_schema=False)


@router.get("/login", response_class=HTMLResponse)
async def login_form(request: Request) -> HTMLResponse:
    return render(request, "login.html", username="")


@router.post("/login", response_model=None, dependencies=[Depends(csrf.check)])
async def login(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
) -> Response:
    try:
        token, principal = await auth.login_limited(
            session=session,
            limiter=request.app.state.limiter,
            address=client_address(request),
            username=username,
            password=password,
            lifetime=timedelta(hours=settings.session_hours),
        )
    except (Unauthorized, TooManyRequests) as error:
        errors = refusal(error, gettext_for(request), english=locale_of(request) == "en")
        return render(request, "login.html", status_code=error.status_code, username=username, errors=errors)
    response = RedirectResponse(nav.home_of(principal), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="lax",
        secure=settings.environment == "production",
        max_age=settings.session_hours * 3600,
    )
    return response


@router.post("/logout", dependencies=[Depends(csrf.check)])
async def logout(request: Request, session: SessionDep) -> RedirectResponse:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        await auth.logout(session=session, token=token)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


def _local(path: str) -> bool:
    """A path on this site: not `//host` nor `/\\host`, which browsers read as another site."""
    return path.startswith("/") and not path.startswith(("//", "/\\"))


@router.get("/lang/{locale}")
async def switch_language(locale: str, next: str = "/") -> RedirectResponse:
    """Remember the language and go back; only local paths are followed."""
    response = RedirectResponse(next if _local(next) else "/", status_code=303)
    if locale in i18n.LOCALES:
        response.set_cookie(i18n.LANG_COOKIE, locale, samesite="lax", max_age=365 * 24 * 3600)
    return response
