"""`hotline evaluation …`: the monthly evaluation of departments (hotline/evaluation.py).

    hotline evaluation run --month 2026-10     evaluate the month (again) through MonthlyEvaluationWorkflow
    hotline evaluation show --month 2026-10    print the month's latest ranking

`run` needs a running worker, like the schedule's runs; each run is stored as a new version. The exit code
is 1 when the month is not over yet, was never evaluated (`show`), or is not a month.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Annotated

import typer

from hotline import evaluation, evaluation_runs
from hotline.cli.runtime import runtime
from hotline.errors import DomainError
from hotline.settings import Settings

app = typer.Typer(no_args_is_help=True)

Month = Annotated[str, typer.Option("--month", help="The month, YYYY-MM")]


@app.command("run")
def run_command(month: Month) -> None:
    """Evaluate a month that has ended and print its ranking."""
    raise typer.Exit(asyncio.run(run(month)))


@app.command("show")
def show_command(month: Month) -> None:
    """Print the month's latest evaluation."""
    raise typer.Exit(asyncio.run(show(month)))


async def run(month: str, *, settings: Settings | None = None) -> int:
    async with runtime(settings) as rt:
        try:
            year, number = evaluation.parse_month(month)
            done = await evaluation_runs.run(
                client=rt.client,
                task_queue=rt.settings.temporal_task_queue,
                year=year,
                month=number,
                now=datetime.now(UTC),
                timezone=rt.settings.timezone,
            )
        except DomainError as error:
            typer.echo(error.message, err=True)
            return 1
        typer.echo(
            f"{done.month} evaluated, version {done.version}: {done.departments} departments, "
            f"{done.ranked} ranked, {len(done.red)} in the red zone"
        )
    return await show(month, settings=settings)


async def show(month: str, *, settings: Settings | None = None) -> int:
    async with runtime(settings) as rt:
        try:
            year, number = evaluation.parse_month(month)
            async with rt.sessions() as session:
                found = await evaluation.month_evaluation(session=session, year=year, month=number)
        except DomainError as error:
            typer.echo(error.message, err=True)
            return 1
    typer.echo(f"{found.month}, version {found.version}, computed {found.computed_at:%Y-%m-%d %H:%M} UTC")
    for e in found.departments:
        rank = "-" if e.rank is None else str(e.rank)
        score = "-" if e.score is None else f"{e.score:.2f}"
        marks = " ".join(m for m, on in (("[best]", e.ten_best), ("[worst?]", e.ten_worst_candidate)) if on)
        typer.echo(f"{rank:>4} {score:>7} {e.zone or '-':<7} {e.department} {marks}".rstrip())
        for reason in e.reasons:
            typer.echo(f"{'':13}- {reason.text}")
    return 0
