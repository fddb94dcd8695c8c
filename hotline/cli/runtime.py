"""What every command needs: settings, one Temporal client and one read-model engine, closed at the end."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from temporalio.client import Client

from hotline.auth import Principal
from hotline.db import SessionFactory, create_engine, session_factory
from hotline.enums import Role
from hotline.settings import Settings, get_settings
from hotline.temporal import connect

# Who the command line acts as in the services that ask: an admin that is no user row (id 0), so that
# "not your own account" never stops the operator of the machine.
OPERATOR = Principal(user_id=0, username="cli", display_name="command line", role=Role.ADMIN)


@dataclass(frozen=True)
class Runtime:
    settings: Settings
    client: Client
    sessions: SessionFactory


@asynccontextmanager
async def runtime(settings: Settings | None = None) -> AsyncIterator[Runtime]:
    settings = settings or get_settings()
    engine = create_engine(settings.database_url)
    try:
        yield Runtime(settings, await connect(settings), session_factory(engine))
    finally:
        await engine.dispose()


@asynccontextmanager
async def database(settings: Settings | None = None) -> AsyncIterator[tuple[Settings, SessionFactory]]:
    """Only the read model, for commands that never talk to Temporal (users, tokens, reference data)."""
    settings = settings or get_settings()
    engine = create_engine(settings.database_url)
    try:
        yield settings, session_factory(engine)
    finally:
        await engine.dispose()
