"""Browser tests: headless Chromium (Debian's build) against the real system, served over HTTP.

One system for the whole browser session: the app under uvicorn on a free port, a case worker, the
Temporal dev server and a read model of its own (PostgreSQL when DATABASE_URL points at one, as in CI,
else SQLite). Pages are saved as screenshots under `artifacts/screenshots/` for people to look at.
"""

from __future__ import annotations

import asyncio
import os
import re
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import uvicorn
from playwright.async_api import Browser, BrowserContext, Page, async_playwright
from temporalio.testing import WorkflowEnvironment

from api.app import create_app
from hotline import bootstrap
from hotline.db import SessionFactory
from hotline.settings import Settings
from tests.conftest import fresh_database, prepared_sessions
from worker import build_worker

CHROMIUM = os.environ.get("HOTLINE_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
# The machine has no way out: Chromium must not try to reach its vendor's services.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass
class LiveSystem:
    base_url: str
    settings: Settings
    sessions: SessionFactory


@pytest.fixture(scope="session")
async def live_system(
    temporal_env: WorkflowEnvironment, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[LiveSystem]:
    kind = "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgresql") else "sqlite"
    async with fresh_database(kind, tmp_path_factory.mktemp("browser-db")) as database_url:
        engine, sessions = await prepared_sessions(database_url)
        settings = Settings(
            DATABASE_URL=database_url,
            case_number_prefix="XB",
            temporal_task_queue=f"browser-{uuid.uuid4().hex[:8]}",
            data_dir=tmp_path_factory.mktemp("browser-data"),
            _env_file=None,  # type: ignore[call-arg]
        )
        app = create_app(settings, temporal=temporal_env.client)
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning"))
        serving = asyncio.create_task(server.serve())
        while not server.started:  # noqa: ASYNC110 - uvicorn offers a flag, not an event
            await asyncio.sleep(0.05)
        port = server.servers[0].sockets[0].getsockname()[1]
        async with build_worker(temporal_env.client, sessions, settings):
            yield LiveSystem(base_url=f"http://127.0.0.1:{port}", settings=settings, sessions=sessions)
        server.should_exit = True
        await serving
        await engine.dispose()


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        await chromium.close()


Contexts = Callable[..., Awaitable[BrowserContext]]


@pytest.fixture
async def new_context(browser: Browser, live_system: LiveSystem) -> AsyncIterator[Contexts]:
    """new_context(locale="zh-CN", phone=False): a fresh browser profile (cookies of its own)."""
    opened: list[BrowserContext] = []

    async def _open(locale: str = "zh-CN", phone: bool = False) -> BrowserContext:
        size = {"width": 390, "height": 844} if phone else {"width": 1280, "height": 900}
        context = await browser.new_context(
            base_url=live_system.base_url, locale=locale, viewport=size, is_mobile=phone
        )
        context.set_default_timeout(15_000)
        opened.append(context)
        return context

    yield _open
    for context in opened:
        await context.close()


LogIn = Callable[..., Awaitable[Page]]


@pytest.fixture
def log_in(new_context: Contexts) -> LogIn:
    """log_in("water") → a page logged in as that demo user through the login form."""

    async def _log_in(username: str, locale: str = "zh-CN", phone: bool = False) -> Page:
        page = await (await new_context(locale=locale, phone=phone)).new_page()
        await page.goto("/login")
        await page.locator("#username").fill(username)
        await page.locator("#password").fill(bootstrap.DEMO_PASSWORD)
        await page.locator("form[action='/login'] button[type=submit]").click()
        await page.wait_for_url(re.compile(r"^(?!.*/login$)"))
        return page

    return _log_in


async def screenshot(page: Page, name: str) -> Path:
    """Saves the whole page; the run leaves one picture per main page for people to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    await page.screenshot(path=str(path), full_page=True)
    return path


ApiAs = Callable[[str], Awaitable[httpx.AsyncClient]]


@pytest.fixture
async def api_as(live_system: LiveSystem) -> AsyncIterator[ApiAs]:
    """api_as("dispatcher") → an HTTP client of the live system's JSON API, logged in as that user.

    Tests use it to bring a case to the state a page needs; the pages themselves are driven in Chromium.
    """
    clients: list[httpx.AsyncClient] = []

    async def _as(username: str) -> httpx.AsyncClient:
        client = httpx.AsyncClient(base_url=live_system.base_url, timeout=30)
        clients.append(client)
        response = await client.post(
            "/api/v1/auth/login", json={"username": username, "password": bootstrap.DEMO_PASSWORD}
        )
        response.raise_for_status()
        client.headers["Authorization"] = f"Bearer {response.json()['token']}"
        return client

    yield _as
    for client in clients:
        await client.aclose()
