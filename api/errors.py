"""Every API error is `{code, message, details}` with a stable code; validation names the field."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import IntegrityError
from starlette.exceptions import HTTPException

from api.observability import REQUEST_ID_HEADER, log_context_of
from hotline.errors import Conflict, DomainError
from hotline.observability import context as log_context

log = logging.getLogger(__name__)


class _Internal(DomainError):
    status_code = 500


def _page_handler(request: Request) -> Any:
    """The web front end's error pages, when the request was for a page rather than the API."""
    pages = getattr(request.app.state, "pages", None)
    if pages is None:
        return None
    is_page, page_error, not_found_page = pages
    return (page_error, not_found_page) if is_page(request) else None


def error_body(code: str, message: str, details: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"code": code, "message": message, "details": details or {}}


async def _domain_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, DomainError)
    if pages := _page_handler(request):
        return pages[0](request, error)
    return JSONResponse(error_body(error.code, error.message, error.details), status_code=error.status_code)


async def _validation_error(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    fields = [
        {"field": ".".join(str(part) for part in e["loc"] if part != "body"), "problem": e["msg"]}
        for e in error.errors()
    ]
    named = ", ".join(f["field"] or "body" for f in fields)
    return JSONResponse(
        error_body("validation_error", f"Please correct: {named}.", {"fields": fields}), status_code=422
    )


async def _http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    if error.status_code == 404 and (pages := _page_handler(request)):
        return pages[1](request)
    code = {404: "not_found", 405: "method_not_allowed"}.get(error.status_code, "http_error")
    return JSONResponse(
        error_body(code, str(error.detail)), status_code=error.status_code, headers=error.headers
    )


async def _constraint(request: Request, error: Exception) -> Response:
    # A check the service missed; the database refused the write, so nothing was changed.
    log.warning("constraint refused a write on %s %s: %s", request.method, request.url.path, error)
    if pages := _page_handler(request):
        return pages[0](request, Conflict("constraint_violated", "This change conflicts with existing data."))
    return JSONResponse(
        error_body("constraint_violated", "This change conflicts with existing data; nothing was changed."),
        status_code=409,
    )


async def _unexpected(request: Request, error: Exception) -> Response:
    """Starlette runs this outside every middleware: the request's id is taken back from its state, for
    the log line and for the response, so that a user's report of the error finds its log line."""
    context = log_context_of(request)
    with log_context.resumed(context):
        log.exception("unexpected error on %s %s", request.method, request.url.path)
    response = _internal_error(request)
    if context is not None:
        response.headers[REQUEST_ID_HEADER] = context.request_id
    return response


def _internal_error(request: Request) -> Response:
    if pages := _page_handler(request):
        return pages[0](
            request, _Internal("internal_error", "Something went wrong on our side; nothing was changed.")
        )
    return JSONResponse(
        error_body(
            "internal_error", "Something went wrong on our side; nothing was changed. Please try again."
        ),
        status_code=500,
    )


def install(app: FastAPI) -> None:
    app.add_exception_handler(DomainError, _domain_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(IntegrityError, _constraint)
    app.add_exception_handler(Exception, _unexpected)
