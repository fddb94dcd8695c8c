"""Rate-limit counts across API replicas: shared through the real Redis on this machine (and CI's), kept
per process in memory by default; a store that cannot be used stops the app at start-up; a store that
goes away later leaves logins working, counted in memory, until it is back.

Each test's settings carry a task queue of its own, and the limiter's Redis keys are prefixed with it,
so tests never see each other's counts; the keys are deleted afterwards.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest
from temporalio.client import Client

from api.app import create_app
from hotline import ratelimit
from hotline.bootstrap import DEMO_PASSWORD
from hotline.db import SessionFactory
from hotline.ratelimit import RateLimitStorageError, limiter_for
from hotline.settings import Settings
from tests.devserver import free_port
from tests.faults.outage import TcpProxy

REDIS = os.environ.get("HOTLINE_TEST_REDIS", "async+redis://127.0.0.1:6379/0")
REDIS_ADDRESS = REDIS.split("//", 1)[1].split("/", 1)[0]  # host:port
USERNAME = "water"


@asynccontextmanager
async def replica(settings: Settings, temporal: Client | None = None) -> AsyncIterator[httpx.AsyncClient]:
    """One API process: its own app instance, lifespan and all, behind httpx."""
    app = create_app(settings, temporal=temporal)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://hotline.test") as client:
            yield client


async def _login(api: httpx.AsyncClient, password: str) -> httpx.Response:
    return await api.post("/api/v1/auth/login", json={"username": USERNAME, "password": password})


async def _fail_over_both(first: httpx.AsyncClient, second: httpx.AsyncClient) -> set[int]:
    """Five wrong passwords — the login budget — three on one replica and two on the other."""
    failures = [await _login(api, "wrong") for api in (first, second, first, second, first)]
    return {response.status_code for response in failures}


@pytest.fixture
async def redis_settings(settings: Settings) -> AsyncIterator[Settings]:
    shared = settings.model_copy(update={"rate_limit_storage": REDIS})
    yield shared
    await (await limiter_for(shared)).storage.reset()  # this test's keys only (its prefix)


async def test_failed_logins_spread_over_two_replicas_lock_the_user_out_on_both(
    redis_settings: Settings, temporal: Client, sessions: SessionFactory
) -> None:
    async with replica(redis_settings, temporal) as first, replica(redis_settings, temporal) as second:
        assert await _fail_over_both(first, second) == {401}
        locked = [await _login(api, DEMO_PASSWORD) for api in (first, second)]
    assert [(r.status_code, r.json()["code"]) for r in locked] == [(429, "rate_limited")] * 2


async def test_in_memory_each_replica_counts_only_its_own_failures(
    settings: Settings, temporal: Client, sessions: SessionFactory
) -> None:
    """Why replicas need the shared store: the same failures, counted per process, lock no one out."""
    assert settings.rate_limit_storage == "async+memory://"
    async with replica(settings, temporal) as first, replica(settings, temporal) as second:
        assert await _fail_over_both(first, second) == {401}
        logged_in = [await _login(api, DEMO_PASSWORD) for api in (first, second)]
    assert [r.status_code for r in logged_in] == [200, 200]


@pytest.mark.parametrize(
    "uri",
    [
        "redis://127.0.0.1:6379/0",  # the synchronous client: it would block the event loop
        "async+redis//127.0.0.1:6379",  # no scheme
        "async+redis://127.0.0.1:not-a-port/0",
        "async+redis://:s3cret@127.0.0.1:{closed_port}/0",  # nothing listens there
    ],
)
async def test_an_unusable_store_stops_the_start_up_with_a_message_naming_the_setting(uri: str) -> None:
    settings = Settings(rate_limit_storage=uri.format(closed_port=free_port()), _env_file=None)  # type: ignore[call-arg]
    with pytest.raises(RateLimitStorageError, match="HOTLINE_RATE_LIMIT_STORAGE") as refused:
        async with replica(settings):
            pass
    assert "s3cret" not in str(refused.value)  # messages go to logs: never the password


@pytest.fixture
async def redis_proxy() -> AsyncIterator[TcpProxy]:
    """Redis behind a proxy the test can cut: a Redis that goes away and comes back."""
    host, port = REDIS_ADDRESS.rsplit(":", 1)
    proxy = TcpProxy(host, int(port))
    await proxy.start()
    yield proxy
    await proxy.close()


async def _health(api: httpx.AsyncClient) -> tuple[int, str, str]:
    response = await api.get("/healthz")
    body = response.json()
    return response.status_code, body["status"], body["components"]["rate_limit_store"]


async def test_a_store_that_dies_mid_call_leaves_logins_working(
    redis_settings: Settings, redis_proxy: TcpProxy, temporal: Client, sessions: SessionFactory
) -> None:
    """A Redis that drops each connection at the client's next request: logins go on, counted here."""
    proxied = redis_settings.rate_limit_storage.replace(REDIS_ADDRESS, f"127.0.0.1:{redis_proxy.port}")
    settings = redis_settings.model_copy(update={"rate_limit_storage": proxied})
    async with replica(settings, temporal) as api:
        assert (await _login(api, DEMO_PASSWORD)).status_code == 200
        redis_proxy.reset_requests()
        assert (await _login(api, DEMO_PASSWORD)).status_code == 200
        assert await _health(api) == (200, "degraded", "down")


async def test_a_store_that_goes_away_leaves_logins_working_and_counted_in_memory_until_it_is_back(
    redis_settings: Settings,
    redis_proxy: TcpProxy,
    temporal: Client,
    sessions: SessionFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(ratelimit, "STORE_RETRY_SECONDS", 0.2)
    proxied = redis_settings.rate_limit_storage.replace(REDIS_ADDRESS, f"127.0.0.1:{redis_proxy.port}")
    settings = redis_settings.model_copy(update={"rate_limit_storage": proxied})
    async with replica(settings, temporal) as api:
        assert (await _login(api, DEMO_PASSWORD)).status_code == 200
        assert await _health(api) == (200, "up", "up")

        await redis_proxy.cut()
        assert (await _login(api, DEMO_PASSWORD)).status_code == 200  # not a 500
        assert await _health(api) == (200, "degraded", "down")
        failures = {(await _login(api, "wrong")).status_code for _ in range(5)}
        locked = await _login(api, DEMO_PASSWORD)
        assert (failures, locked.status_code, locked.json()["code"]) == ({401}, 429, "rate_limited")

        await redis_proxy.restore()
        await asyncio.sleep(0.3)  # past the retry interval
        # Counted in Redis again, where the outage's failures never went: the user is not locked out.
        assert (await _login(api, DEMO_PASSWORD)).status_code == 200
        assert await _health(api) == (200, "up", "up")
