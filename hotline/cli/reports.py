"""`hotline reports …`: make a report now, for a named period, as the schedules do at night.

    hotline reports run daily --date 2026-11-25       the daily report of 25 November
    hotline reports run weekly --date 2026-11-25      the week of 25 November (or --period 2026-W48)
    hotline reports run monthly --period 2026-11
    hotline reports run annual                        without a period: the one just ended

Each run stores a new version of the period's report (hotline/report_store.py).
"""

from __future__ import annotations

import asyncio
import getpass
from datetime import UTC, date, datetime
from typing import Annotated

import typer

from hotline import report_periods, report_store
from hotline.db import create_engine, session_factory
from hotline.errors import DomainError
from hotline.report_periods import GeneratedBy, ReportKind
from hotline.settings import Settings, get_settings

app = typer.Typer(no_args_is_help=True)


@app.command("run")
def run_command(
    kind: Annotated[ReportKind, typer.Argument(help="daily, weekly, monthly or annual")],
    on: Annotated[
        datetime | None, typer.Option("--date", formats=["%Y-%m-%d"], help="A day inside the period")
    ] = None,
    period: Annotated[
        str | None, typer.Option("--period", help="The period's name: 2026-W48, 2026-11, 2026")
    ] = None,
) -> None:
    """Make the report of a period and store it as a new version."""
    raise typer.Exit(asyncio.run(run(kind, on=on.date() if on else None, period=period)))


async def run(
    kind: ReportKind, *, on: date | None = None, period: str | None = None, settings: Settings | None = None
) -> int:
    settings = settings or get_settings()
    now = datetime.now(UTC)
    try:
        if period is not None:
            chosen = report_periods.parse(kind, period)
        elif on is not None:
            chosen = report_periods.containing(kind, on)
        else:
            chosen = report_periods.last_complete(kind, now, settings.timezone)
    except DomainError as error:
        typer.echo(error.message, err=True)
        return 2
    engine = create_engine(settings.database_url)
    try:
        stored = await report_store.generate(
            sessions=session_factory(engine),
            settings=settings,
            period=chosen,
            now=now,
            generated_by=GeneratedBy.USER,
            requested_by=getpass.getuser(),
        )
    finally:
        await engine.dispose()
    typer.echo(f"{stored.kind.value} report {stored.period} stored as version {stored.version}")
    return 0
