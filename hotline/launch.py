"""`make run`: the whole system on the embedded default, in one command.

Starts the Temporal dev server on a SQLite file in the data directory, prepares its namespace (search
attributes, retention), migrates the read model, loads reference data and demo users, then starts the
worker and the web app and prints where to open them. Ctrl-C stops every process it started; the data
stays for the next run. With HOTLINE_TEMPORAL_ADDRESS pointing elsewhere, no dev server is started.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from sqlalchemy import func
from sqlmodel import select

from hotline import bootstrap
from hotline.backup import TEMPORAL_DB
from hotline.db import create_engine, session_factory
from hotline.models import Case
from hotline.schedules import ensure_schedules
from hotline.settings import Settings, get_settings
from hotline.temporal import connect, ensure_retention, ensure_search_attributes

STARTUP_TIMEOUT_SECONDS = 60.0
DEFAULT_UI_PORT = 8233
STOP_MARGIN_SECONDS = 10.0  # beyond the worker's graceful shutdown: its pool closing, its exit
DEMO_SEED = 1


def _binary(name: str) -> str:
    beside_python = Path(sys.executable).parent / name
    found = str(beside_python) if beside_python.exists() else shutil.which(name)
    if not found:
        sys.exit(
            f"'{name}' not found; install the project (`make run` does) so that its binaries are on the PATH."
        )
    return found


def _spawn(args: list[str], log_file: Path, env: Mapping[str, str] | None = None) -> subprocess.Popen[bytes]:
    log = log_file.open("ab")
    # A process group of its own: Ctrl-C reaches the launcher, which then stops children in order.
    return subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, start_new_session=True, env=env)


def _start_dev_server(
    settings: Settings,
    logs: Path,
    *,
    address: str | None = None,
    ui_port: int | None = None,
    headless: bool = False,
) -> subprocess.Popen[bytes]:
    """The dev server on a SQLite file in the data directory, where the settings say; the benchmarks
    and tests pass free ports, and `headless` runs it without the Web UI."""
    host, port = (address or settings.temporal_dev_server_address).rsplit(":", 1)
    ui = ["--ui-port", str(ui_port or urlsplit(settings.temporal_ui_url).port or DEFAULT_UI_PORT)]
    return _spawn(
        [
            _binary("temporal"),
            "server",
            "start-dev",
            "--db-filename",
            str(settings.data_dir / TEMPORAL_DB),
            "--sqlite-pragma",
            "journal_mode=wal",
            "--sqlite-pragma",
            "synchronous=normal",
            "--sqlite-pragma",
            "busy_timeout=10000",
            "--ip",
            host,
            "--port",
            port,
            *(["--headless"] if headless else ui),
            "--namespace",
            settings.temporal_namespace,
            "--log-level",
            "warn",
        ],
        logs / "temporal.log",
    )


async def _prepare_temporal(settings: Settings) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    while True:
        try:
            client = await connect(settings)
            break
        except RuntimeError:
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.5)
    added = await ensure_search_attributes(client)
    if added:
        print(f"  registered search attributes: {', '.join(added)}")
    await ensure_retention(client, timedelta(days=settings.temporal_retention_days))
    await ensure_schedules(client, settings.temporal_task_queue, timezone=settings.timezone)


async def _prepare_read_model(settings: Settings) -> bool:
    """Migrate and load; whether the read model holds no case yet (a fresh demo to fill)."""
    await bootstrap.migrate(settings.database_url)
    engine = create_engine(settings.database_url)
    try:
        sessions = session_factory(engine)
        if await bootstrap.load_reference_data(sessions):
            print("  loaded reference data for Xining")
        if settings.environment == "development":  # known passwords never reach production
            await bootstrap.create_demo_users(sessions)
            await bootstrap.create_demo_token(sessions)
        async with sessions() as session:
            return (await session.execute(select(func.count()).select_from(Case))).scalar_one() == 0
    finally:
        await engine.dispose()


def _start_demo_load(settings: Settings, logs: Path) -> subprocess.Popen[bytes]:
    """The load generator in the background (hotline/loadgen), so the welcome text comes at once."""
    log = logs / "demo-load.log"
    print(
        f"  filling the demo with {settings.demo_cases} cases in the background; progress in {log.resolve()}"
    )
    url = f"http://{settings.api_host}:{settings.api_port}"
    return _spawn(
        [
            sys.executable,
            "-m",
            "hotline.cli",
            "demo",
            "load",
            "--cases",
            str(settings.demo_cases),
            "--seed",
            str(DEMO_SEED),
            "--url",
            url,
        ],
        log,
    )


def _wait_healthy(url: str, processes: list[subprocess.Popen[bytes]]) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if any(p.poll() is not None for p in processes):
            sys.exit("A process stopped during start-up; see the logs in the data directory.")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(url, timeout=2).status_code == 200:
                return
        time.sleep(0.5)
    sys.exit(f"The app did not report healthy at {url}; see the logs in the data directory.")


def _print_welcome(settings: Settings, ui_url: str | None) -> None:
    app = f"http://{settings.api_host}:{settings.api_port}"
    print(
        f"\n12345 hotline is up.\n  App:        {app}/\n  API docs:   {app}/docs\n  Health:     {app}/healthz"
        f"\n  Metrics:    {app}/metrics"
    )
    if ui_url:
        print(f"  Temporal:   {ui_url}/namespaces/{settings.temporal_namespace}/workflows")
    if settings.environment == "development":
        print(f"\nDemo logins (password for all: {bootstrap.DEMO_PASSWORD}):")
        for user in bootstrap.DEMO_USERS:
            print(f"  {user.username:<18} {user.role.value:<15} {user.department or ''}")
        print(f"Open311 demo API token (channel open311): {bootstrap.DEMO_OPEN311_TOKEN}")
    print("\nCtrl-C stops everything; the data stays in", settings.data_dir.resolve())


def _shut_down(processes: list[subprocess.Popen[bytes]], patience_seconds: float) -> None:
    """Stop in order; an impatient second Ctrl-C stops the waiting, but still leaves nothing running."""
    try:
        _stop(processes, patience_seconds=patience_seconds)
    except KeyboardInterrupt:
        print("Stopping at once…")
        _kill(processes)


def ports_in_use(settings: Settings, *, embedded: bool) -> list[str]:
    """The addresses this launcher would listen on that something else holds already."""
    wanted = [(settings.api_host, settings.api_port, "HOTLINE_API_PORT")]
    if embedded:
        host, port = settings.temporal_dev_server_address.rsplit(":", 1)
        wanted.append((host, int(port), "HOTLINE_TEMPORAL_DEV_SERVER_ADDRESS"))
    return [f"{host}:{port} ({setting})" for host, port, setting in wanted if not _can_listen(host, port)]


def _can_listen(host: str, port: int) -> bool:
    with socket.socket() as probe:
        # As the servers themselves do: a port left in TIME_WAIT by an earlier run is free.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def _kill(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        if process.poll() is None:
            process.kill()
    for process in processes:
        process.wait()


def _stop(processes: list[subprocess.Popen[bytes]], *, patience_seconds: float) -> None:
    """SIGTERM each in the reverse order of start, waiting for one before the next: the web app first,
    then the worker, which lets its running activities finish while Temporal is still up to record
    them, and Temporal last. A process still running after `patience_seconds` is killed."""
    for process in reversed(processes):
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=patience_seconds)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def main() -> None:
    settings = get_settings()
    logs = settings.data_dir / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    embedded = settings.temporal_address == settings.temporal_dev_server_address
    processes: list[subprocess.Popen[bytes]] = []
    helpers: list[subprocess.Popen[bytes]] = []  # may finish on their own; stopped with the rest
    busy = ports_in_use(settings, embedded=embedded)
    if busy:
        # Another run (or another program) would answer in our place: the health check would pass on it.
        sys.exit(
            "Already in use: "
            + "; ".join(busy)
            + ". Is another `make run` still running? Stop it, or choose other ports with the settings named."
        )
    # Ctrl-C must work even when started from a shell that ignores SIGINT for background jobs.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        if embedded:
            print("Starting the Temporal dev server on", settings.data_dir / "temporal.db")
            processes.append(_start_dev_server(settings, logs))
        print("Preparing Temporal and the read model")
        asyncio.run(_prepare_temporal(settings))
        fresh = asyncio.run(_prepare_read_model(settings))
        os.environ.setdefault("PYTHONUNBUFFERED", "1")
        processes.append(_spawn([sys.executable, "-m", "worker"], logs / "worker.log"))
        processes.append(
            _spawn(
                [
                    sys.executable,
                    "-m",
                    "uvicorn",
                    "--factory",
                    "api.app:create_app",
                    "--host",
                    settings.api_host,
                    "--port",
                    str(settings.api_port),
                ],
                logs / "web.log",
            )
        )
        _wait_healthy(f"http://{settings.api_host}:{settings.api_port}/healthz", processes)
        if fresh and settings.environment == "development" and settings.demo_cases:
            helpers.append(_start_demo_load(settings, logs))
        _print_welcome(settings, settings.temporal_ui_url if embedded else None)
        while all(p.poll() is None for p in processes):
            time.sleep(1)
        print("A process stopped; see the logs in", logs.resolve())
    except KeyboardInterrupt:
        print("\nStopping…")
    finally:
        _shut_down(processes + helpers, settings.worker_graceful_shutdown_seconds + STOP_MARGIN_SECONDS)


if __name__ == "__main__":
    main()
