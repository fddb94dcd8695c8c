"""CSRF protection for the pages' form posts: a double-submit token.

Every page sets a random token in a cookie and puts the same value in each form; a post whose form
field does not match its cookie is refused. SameSite=Lax cookies already stop most cross-site posts;
this closes the rest (older browsers, same-site subdomains).
"""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import Response


class CsrfFailed(Exception):
    """Answered with the error page (403)."""


CSRF_COOKIE = "hotline_csrf"
CSRF_FIELD = "csrf_token"


def token_for(request: Request) -> str:
    """The request's CSRF token: the cookie's, or a new one that `remember` will set."""
    existing = request.cookies.get(CSRF_COOKIE)
    if existing:
        return existing
    token: str = getattr(request.state, "csrf_token", None) or secrets.token_urlsafe(32)
    request.state.csrf_token = token
    return token


def remember(request: Request, response: Response, secure: bool) -> None:
    if CSRF_COOKIE not in request.cookies and getattr(request.state, "csrf_token", None):
        response.set_cookie(
            CSRF_COOKIE, request.state.csrf_token, httponly=True, samesite="lax", secure=secure
        )


async def check(request: Request, csrf_token: Annotated[str, Form()] = "") -> None:
    cookie = request.cookies.get(CSRF_COOKIE, "")
    if not cookie or not hmac.compare_digest(cookie, csrf_token):
        raise CsrfFailed
