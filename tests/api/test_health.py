"""GET /healthz: 200 only when the API, the database and Temporal are all up; a rate-limit store that is
down makes it "degraded", still 200 (tests/api/test_rate_limit_storage.py takes a shared store away)."""

import logging

import httpx
import pytest
from temporalio.client import Client

from api.app import create_app
from api.routes.health import Transitions
from hotline.settings import Settings
from hotline.temporal import connect


async def test_all_up(api: httpx.AsyncClient) -> None:
    response = await api.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "up",
        "components": {"api": "up", "database": "up", "temporal": "up", "rate_limit_store": "up"},
    }


async def test_temporal_down_is_reported(settings: Settings) -> None:
    unreachable = settings.model_copy(update={"temporal_address": "127.0.0.1:1"})
    client: Client = await connect(unreachable, lazy=True)
    app = create_app(unreachable, temporal=client)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://hotline.test") as http,
    ):
        response = await http.get("/healthz")
    assert response.status_code == 503
    assert response.json()["components"] == {
        "api": "up",
        "database": "up",
        "temporal": "down",
        "rate_limit_store": "up",
    }


async def test_database_down_is_reported_and_logged_once_however_often_it_is_probed(
    settings: Settings, temporal: Client, caplog: pytest.LogCaptureFixture
) -> None:
    broken = settings.model_copy(update={"database_url": "postgresql+asyncpg://nobody@127.0.0.1:1/none"})
    app = create_app(broken, temporal=temporal)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://hotline.test") as http,
    ):
        with caplog.at_level(logging.INFO, logger="api.routes.health"):
            responses = [await http.get(path) for path in ("/healthz", "/readyz", "/healthz")]
    assert [r.status_code for r in responses] == [503, 503, 503]
    assert all(r.json()["components"]["database"] == "down" for r in responses)
    logged = [r for r in caplog.records if r.name == "api.routes.health"]
    assert [(r.levelname, r.getMessage()) for r in logged] == [("WARNING", "health check: database down")]
    assert logged[0].exc_info is not None  # the reason, once


def test_an_outage_is_logged_when_it_starts_and_when_it_ends(caplog: pytest.LogCaptureFixture) -> None:
    transitions = Transitions()
    with caplog.at_level(logging.INFO, logger="api.routes.health"):
        for up in (True, False, False, False, True, True):
            transitions.report("temporal", up, None if up else ConnectionError("refused"))
    assert [(r.levelname, r.getMessage()) for r in caplog.records] == [
        ("WARNING", "health check: temporal down"),
        ("INFO", "health check: temporal back up"),
    ]
