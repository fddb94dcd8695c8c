"""Request dependencies. The engine and the Temporal client are made once, in the app's lifespan.

Every dependency is `async def`, even one that only reads the app's state: FastAPI runs a plain `def`
dependency in its thread pool, a hand-off to a thread and back for each one on each request
(tests/api/test_dependencies.py keeps it so).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Header, Request
from sqlalchemy.ext.asyncio import AsyncSession
from temporalio.client import Client

from hotline import request_session
from hotline.auth import Principal, principal_for_token
from hotline.db import SessionFactory
from hotline.errors import Invalid, Unauthorized
from hotline.intake import IntakeConfig
from hotline.ratelimit import RateLimiter
from hotline.settings import Settings
from hotline.tokens import TOKEN_PREFIX, principal_for_api_token

SESSION_COOKIE = "hotline_session"


async def _session(request: Request) -> AsyncIterator[AsyncSession]:
    async with request.app.state.sessions() as session:
        request_session.serve(session)  # so that a wait on Temporal can hand its connection back
        yield session


async def _sessions(request: Request) -> SessionFactory:
    """For a service that opens its own sessions (several short ones, or none on the way to an error)."""
    sessions: SessionFactory = request.app.state.sessions
    return sessions


async def _temporal(request: Request) -> Client:
    client: Client = request.app.state.temporal
    return client


async def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def _limiter(request: Request) -> RateLimiter:
    limiter: RateLimiter = request.app.state.limiter
    return limiter


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


async def _intake_config(request: Request) -> IntakeConfig:
    config: IntakeConfig = request.app.state.intake_config
    return config


SessionDep = Annotated[AsyncSession, Depends(_session)]
SessionsDep = Annotated[SessionFactory, Depends(_sessions)]
TemporalDep = Annotated[Client, Depends(_temporal)]
SettingsDep = Annotated[Settings, Depends(_settings)]
IntakeConfigDep = Annotated[IntakeConfig, Depends(_intake_config)]
LimiterDep = Annotated[RateLimiter, Depends(_limiter)]


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token:
        return token.strip()
    return request.cookies.get(SESSION_COOKIE)


async def _current_user(request: Request, session: SessionDep) -> Principal:
    token = bearer_token(request)
    principal = None
    if token and token.startswith(TOKEN_PREFIX):
        principal = await principal_for_api_token(session=session, token=token)
    elif token:
        principal = await principal_for_token(session=session, token=token)
    if principal is None:
        raise Unauthorized(
            "not_authenticated", "Log in first: send 'Authorization: Bearer <token>' from /api/v1/auth/login."
        )
    return principal


CurrentUser = Annotated[Principal, Depends(_current_user)]

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        max_length=128,
        description="Unique per request: a retry with the same key is answered from the first result",
    ),
]


async def _required_idempotency_key(idempotency_key: IdempotencyKey = None) -> str:
    """Starting a case needs a key: a retried request then never makes a second case."""
    if not idempotency_key:
        raise Invalid(
            "idempotency_key_required",
            "Send an Idempotency-Key header, unique for each new case.",
            {"field": "Idempotency-Key"},
        )
    return idempotency_key


RequiredIdempotencyKey = Annotated[str, Depends(_required_idempotency_key)]
