"""A Temporal dev server of a test's own, on a SQLite file in the settings' data directory, started the
way `make run` starts it (hotline/launch.py), for tests that stop and restart Temporal."""

from __future__ import annotations

import asyncio
import socket
import subprocess
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from temporalio.client import Client

from hotline.launch import _start_dev_server
from hotline.settings import Settings
from hotline.temporal import connect, ensure_search_attributes

STARTUP_SECONDS = 30.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def local_address() -> str:
    return f"127.0.0.1:{free_port()}"


async def _connect_when_up(settings: Settings, process: subprocess.Popen[bytes]) -> Client:
    async with asyncio.timeout(STARTUP_SECONDS):
        while True:
            if process.poll() is not None:
                log = (settings.data_dir / "temporal.log").read_text(errors="replace")
                raise RuntimeError(f"the dev server stopped at start:\n{log[-2000:]}")
            try:
                return await connect(settings)
            except RuntimeError:
                await asyncio.sleep(0.2)


@asynccontextmanager
async def dev_server(settings: Settings) -> AsyncIterator[Client]:
    """Serve `settings.temporal_namespace` at `settings.temporal_address`; stopped at the end."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    process = _start_dev_server(
        settings, settings.data_dir, address=settings.temporal_address, ui_port=free_port()
    )
    try:
        client = await _connect_when_up(settings, process)
        await ensure_search_attributes(client)
        yield client
    finally:
        process.terminate()
        try:
            await asyncio.to_thread(process.wait, 15)
        except subprocess.TimeoutExpired:
            process.kill()
            await asyncio.to_thread(process.wait)
