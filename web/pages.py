"""Server-rendered pages. They call the same services as the API; no rule lives in a template."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, FastAPI, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from api.deps import SESSION_COOKIE, SessionDep, SettingsDep, bearer_token, client_address
from hotline import auth, cases
from hotline.case_filters import CaseFilter
from hotline.enums import CaseStatus
from hotline.errors import DomainError, Forbidden, TooManyRequests, Unauthorized
from hotline.settings import Settings
from web import csrf, labels

_HERE = Path(__file__).parent
router = APIRouter(include_in_schema=False)


class LoginRequired(Exception):
    """Raised by page dependencies; answered with a redirect to the login page."""


async def _page_user(request: Request, session: SessionDep) -> auth.Principal:
    token = bearer_token(request)
    principal = await auth.principal_for_token(session=session, token=token) if token else None
    if principal is None:
        raise LoginRequired
    return principal


PageUser = Annotated[auth.Principal, Depends(_page_user)]


def _render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    templates: Jinja2Templates = request.app.state.templates
    context["csrf_token"] = csrf.token_for(request)
    response = templates.TemplateResponse(request, template, context, status_code=status_code)
    csrf.remember(request, response, secure=request.app.state.settings.environment == "production")
    return response


def _error_page(request: Request, error: DomainError, user: auth.Principal | None) -> HTMLResponse:
    return _render(request, "error.html", status_code=error.status_code, error=error, user=user)


@router.get("/", response_class=RedirectResponse)
async def home() -> RedirectResponse:
    return RedirectResponse("/cases", status_code=303)


@router.get("/login", response_class=HTMLResponse)
async def login_form(request: Request) -> HTMLResponse:
    return _render(request, "login.html", user=None, error=None, username="")


@router.post("/login", response_model=None, dependencies=[Depends(csrf.check)])
async def login(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
) -> Response:
    try:
        token, _principal = await auth.login_limited(
            session=session,
            limiter=request.app.state.limiter,
            address=client_address(request),
            username=username,
            password=password,
            lifetime=timedelta(hours=settings.session_hours),
        )
    except (Unauthorized, TooManyRequests) as error:
        return _render(
            request, "login.html", status_code=error.status_code, user=None, error=error, username=username
        )
    response = RedirectResponse("/cases", status_code=303)
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


@router.get("/cases", response_class=HTMLResponse)
async def case_list(
    request: Request, user: PageUser, session: SessionDep, status: str | None = None, page: int = 1
) -> HTMLResponse:
    try:
        listing = await cases.list_cases(
            session=session,
            principal=user,
            case_filter=CaseFilter(
                status=[CaseStatus(status)] if status in set(CaseStatus) else [], page=max(page, 1)
            ),
        )
    except DomainError as error:
        return _error_page(request, error, user)
    return _render(request, "cases.html", user=user, listing=listing, status=status or "")


@router.get("/cases/{case_number}", response_class=HTMLResponse)
async def case_page(request: Request, case_number: str, user: PageUser, session: SessionDep) -> HTMLResponse:
    try:
        case = await cases.get_case(session=session, principal=user, case_number=case_number)
    except DomainError as error:
        return _error_page(request, error, user)
    return _render(request, "case.html", user=user, case=case)


async def _login_required(_request: Request, _error: Exception) -> RedirectResponse:
    return RedirectResponse("/login", status_code=303)


async def _csrf_failed(request: Request, _error: Exception) -> HTMLResponse:
    error = Forbidden("csrf_failed", "此表单已过期，请刷新页面后重试。")
    return _render(request, "error.html", status_code=403, error=error, user=None)


def _templates(settings: Settings) -> Jinja2Templates:
    templates = Jinja2Templates(directory=_HERE / "templates")
    zone = ZoneInfo(settings.timezone)

    def local_time(value: datetime | None, pattern: str = "%Y-%m-%d %H:%M") -> str:
        """Times are stored in UTC and shown in the city's own time zone."""
        return value.astimezone(zone).strftime(pattern) if value is not None else "—"

    templates.env.filters["local"] = local_time
    templates.env.globals["labels"] = labels
    return templates


def install(app: FastAPI, settings: Settings) -> None:
    app.state.templates = _templates(settings)
    app.include_router(router)
    app.mount("/static", StaticFiles(directory=_HERE / "static"), name="static")
    app.add_exception_handler(LoginRequired, _login_required)
    app.add_exception_handler(csrf.CsrfFailed, _csrf_failed)
