"""Apps for the observability tests: the real app behind httpx, on settings and a client of the test's
choosing (read-model figures counted afresh at every scrape, so a test sees its own intake at once)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from prometheus_client.parser import text_string_to_metric_families
from temporalio.testing import WorkflowEnvironment

from hotline import bootstrap
from hotline.db import SessionFactory
from hotline.settings import Settings


@pytest.fixture
def observed_settings(
    settings: Settings, temporal_env: WorkflowEnvironment, sessions: SessionFactory
) -> Settings:
    """The test's settings on a prepared read model (`sessions` migrates it and loads the demo users)."""
    return settings.model_copy(
        update={
            "metrics_cache_seconds": 0.0,
            "temporal_address": temporal_env.client.service_client.config.target_host,
        }
    )


@asynccontextmanager
async def _serve(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://hotline.test") as client:
            yield client


@pytest.fixture
def serve() -> Callable[[FastAPI], AbstractAsyncContextManager[httpx.AsyncClient]]:
    return _serve


async def login_headers(http: httpx.AsyncClient, username: str) -> dict[str, str]:
    response = await http.post(
        "/api/v1/auth/login", json={"username": username, "password": bootstrap.DEMO_PASSWORD}
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


def samples(text: str, name: str) -> list[Any]:
    """Every sample of one metric family (by its family name) in a Prometheus text exposition."""
    return [
        s for family in text_string_to_metric_families(text) if family.name == name for s in family.samples
    ]
