"""`hotline demo …`: fill a running system with realistic cases through its HTTP API (hotline/loadgen).

    hotline demo load --cases 300 --seed 1 --url http://127.0.0.1:8000

Logs in as the demo users (development only: they exist only there), registers the cases from the
channel mix and lets the departments, the dispatcher, the visit operator and the supervisors act on
them, leaving cases at every stage. The same seed plans the same cases; cases an earlier run with the
same seed already made are counted, not made again. The exit code is 1 if any action was refused.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated

import httpx
import typer

from hotline.loadgen import runner
from hotline.loadgen.portal import Portal, UnexpectedResponse
from hotline.settings import get_settings

app = typer.Typer(no_args_is_help=True)
REQUEST_TIMEOUT_SECONDS = 30.0


@app.command("load")
def load_command(
    cases: Annotated[int, typer.Option(min=1, help="How many cases to register")] = 300,
    seed: Annotated[int, typer.Option(help="Same seed, same cases")] = 1,
    url: Annotated[str | None, typer.Option(help="The app; default from HOTLINE_API_HOST/PORT")] = None,
    concurrency: Annotated[int, typer.Option(min=1, max=64, help="Cases in flight at once")] = (
        runner.DEFAULT_CONCURRENCY
    ),
) -> None:
    """Register cases and act on them like the people would; print where they ended."""
    if url is None:
        settings = get_settings()
        url = f"http://{settings.api_host}:{settings.api_port}"
    raise typer.Exit(asyncio.run(load(url=url, cases=cases, seed=seed, concurrency=concurrency)))


async def load(*, url: str, cases: int, seed: int, concurrency: int) -> int:
    try:
        async with httpx.AsyncClient(base_url=url, timeout=REQUEST_TIMEOUT_SECONDS) as client:
            portal = Portal(client)
            with _progress(cases) as step:
                report = await runner.run(
                    portal, cases=cases, seed=seed, concurrency=concurrency, on_case_done=step
                )
    except httpx.TransportError as error:
        typer.echo(f"Cannot reach the app at {url}: {error}. Is it running (`make run`)?", err=True)
        return 2
    except UnexpectedResponse as error:  # before any case: the demo users exist only in development
        typer.echo(f"The app refused the generator: {error}", err=True)
        return 2
    _print(report)
    return 1 if report.failures else 0


@contextmanager
def _progress(total: int) -> Iterator[Callable[[], None]]:
    """A bar on a terminal; in a log file (make run's background fill), a line every tenth."""
    stderr = typer.get_text_stream("stderr")
    if stderr.isatty():
        with typer.progressbar(length=total, label="Cases", file=stderr) as bar:
            yield lambda: bar.update(1)
        return
    done = 0

    def step() -> None:
        nonlocal done
        done += 1
        if done == total or done % max(total // 10, 1) == 0:
            typer.echo(f"{done}/{total} cases", err=True)

    yield step


def _print(report: runner.RunReport) -> None:
    typer.echo("Where the cases ended:")
    for key, label in [*runner.STAGES.items(), (runner.ALREADY_LOADED, runner.ALREADY_LOADED)]:
        if report.stages[key]:
            typer.echo(f"  {report.stages[key]:>5}  {label}")
    typer.echo(
        "Actions taken (HTTP status): " + ", ".join(f"{k} ×{n}" for k, n in sorted(report.actions.items()))
    )
    if report.failures:
        typer.echo(f"{len(report.failures)} cases stopped on an unexpected answer:", err=True)
        for failure in report.failures[:20]:
            typer.echo(f"  {failure}", err=True)
