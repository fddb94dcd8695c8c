"""What every command needs: settings, one Temporal client and one read-model engine, closed at the end."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from temporalio.client import Client

from hotline.db import SessionFactory, create_engine, session_factory
from hotline.settings import Settings, get_settings
from hotline.temporal import connect


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
