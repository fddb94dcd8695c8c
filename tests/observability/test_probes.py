"""/livez answers without asking anything; /readyz reports the database and Temporal as /healthz does."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
from temporalio.client import Client

from api.app import create_app
from hotline.settings import Settings
from hotline.temporal import connect


async def test_ready_and_live_when_everything_is_up(api: httpx.AsyncClient) -> None:
    live, ready = await api.get("/livez"), await api.get("/readyz")
    assert (live.status_code, live.json()) == (200, {"status": "up"})
    health = (await api.get("/healthz")).json()
    assert ready.status_code == 200
    assert ready.json() == {"status": "up", "components": {"api": "up", "database": "up", "temporal": "up"}}
    assert health == {"status": "up", "components": {**ready.json()["components"], "rate_limit_store": "up"}}


async def test_live_but_not_ready_when_the_dependencies_are_down(
    observed_settings: Settings, serve: Callable[..., Any]
) -> None:
    broken = observed_settings.model_copy(
        update={
            "temporal_address": "127.0.0.1:1",
            "database_url": "postgresql+asyncpg://nobody@127.0.0.1:1/none",
        }
    )
    client: Client = await connect(broken, lazy=True)
    async with serve(create_app(broken, temporal=client)) as http:
        live, ready = await http.get("/livez"), await http.get("/readyz")
    assert live.status_code == 200
    assert ready.status_code == 503
    assert ready.json()["components"] == {"api": "up", "database": "down", "temporal": "down"}
