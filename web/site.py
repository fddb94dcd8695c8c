"""The web front end, installed on the API's app: templates, static files, the page routers, and error
pages in place of JSON for requests that are not API calls."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from hotline.errors import DomainError, Forbidden, NotFound
from hotline.settings import Settings
from web import csrf
from web.render import LoginRequired, build_templates, error_page
from web.routes import (
    admin,
    audit,
    audit_export,
    audit_replay,
    auth,
    cases,
    department,
    dispatcher,
    evaluation,
    home,
    public,
    report_pages,
    reports,
    supervisor,
    visits,
    warnings,
)

STATIC = Path(__file__).parent / "static"
ROUTERS = (
    auth.router,
    home.router,
    cases.router,
    dispatcher.router,
    department.router,
    supervisor.router,
    visits.router,
    admin.router,
    public.router,
    reports.router,
    evaluation.router,
    warnings.router,
    audit_replay.router,
    audit.router,
    audit_export.router,
    report_pages.router,  # /reports/{kind}/{period}: after the other /reports/… pages
)


def is_page(request: Request) -> bool:
    """Everything but the JSON API, Open311, the health checks and the metrics is a page."""
    return not request.url.path.startswith(
        ("/api/", "/open311", "/healthz", "/readyz", "/livez", "/metrics", "/static/")
    )


async def _login_required(request: Request, _error: Exception) -> RedirectResponse:
    return RedirectResponse("/login", status_code=303)


async def _csrf_failed(request: Request, _error: Exception) -> HTMLResponse:
    return error_page(request, Forbidden("csrf_failed", "This form has expired; reload the page."))


def page_error(request: Request, error: DomainError) -> Response:
    return error_page(request, error)


def not_found_page(request: Request) -> Response:
    return error_page(request, NotFound("not_found", "This page does not exist."))


def install(app: FastAPI, settings: Settings) -> None:
    app.state.templates = build_templates(settings)
    app.state.pages = is_page, page_error, not_found_page
    for router in ROUTERS:
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_exception_handler(LoginRequired, _login_required)
    app.add_exception_handler(csrf.CsrfFailed, _csrf_failed)
