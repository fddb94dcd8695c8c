"""`hotline readmodel …`: the read model against the histories (hotline/consistency.py).

    hotline readmodel check [--status closed] [--district chengdong] [--case XN… …]
    hotline readmodel rebuild [--into postgresql+asyncpg://…/hotline_new]

`check` prints every disagreement (case, table, key, field: expected vs actual) and the cases only one
side knows; the exit code is 1 when there is any. `rebuild` writes every case's steps into a new read
model (migrated, reference data loaded; without --into, the configured database, which must hold no
cases yet) and restores the case-number counters; users, sessions and tokens are not in any history.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
from rich.progress import Progress

from hotline import bootstrap, consistency
from hotline.cli.runtime import runtime
from hotline.db import create_engine, session_factory
from hotline.errors import DomainError
from hotline.settings import Settings

app = typer.Typer(no_args_is_help=True)


@app.command("check")
def check_command(
    status: Annotated[str | None, typer.Option(help="Only cases with this status")] = None,
    district: Annotated[str | None, typer.Option(help="Only cases in this district")] = None,
    case: Annotated[list[str] | None, typer.Option(help="Only these cases (repeatable)")] = None,
) -> None:
    """Compare the read model with the histories and list every disagreement."""
    selection = consistency.Selection(status=status, district=district, case_numbers=case or ())
    raise typer.Exit(asyncio.run(check(selection)))


@app.command("rebuild")
def rebuild_command(
    into: Annotated[str | None, typer.Option(help="DATABASE_URL of the new read model")] = None,
) -> None:
    """Rebuild the read model from the histories."""
    raise typer.Exit(asyncio.run(rebuild(into)))


@contextmanager
def _progress(label: str) -> Iterator[consistency.Progress]:
    with Progress(transient=True) as bar:
        task = bar.add_task(label, total=None)
        yield lambda done, total: bar.update(task, completed=done, total=total)


async def check(selection: consistency.Selection, *, settings: Settings | None = None) -> int:
    async with runtime(settings) as rt:
        with _progress("Checking") as progress:
            report = await consistency.check(
                client=rt.client,
                sessions=rt.sessions,
                task_queue=rt.settings.temporal_task_queue,
                selection=selection,
                progress=progress,
            )
    for d in report.disagreements:
        typer.echo(
            f"{d.case_number}\t{d.table}\t{d.key}\t{d.field}: expected {d.expected!r}, found {d.actual!r}"
        )
    for number in report.missing_in_read_model:
        typer.echo(f"{number}\tmissing from the read model")
    for number in report.missing_in_temporal:
        typer.echo(f"{number}\tno history in Temporal or the archive")
    typer.echo(
        f"{len(report.checked)} cases compared: {len(report.disagreements)} disagreements, "
        f"{len(report.missing_in_read_model)} missing from the read model, "
        f"{len(report.missing_in_temporal)} without a history"
    )
    return 0 if report.consistent else 1


async def rebuild(into: str | None, *, settings: Settings | None = None) -> int:
    async with runtime(settings) as rt:
        target_url = into or rt.settings.database_url
        await bootstrap.migrate(target_url)
        engine = create_engine(target_url) if into else None
        target = session_factory(engine) if engine is not None else rt.sessions
        try:
            await bootstrap.load_reference_data(target)
            with _progress("Rebuilding") as progress:
                report = await consistency.rebuild(
                    client=rt.client,
                    source=rt.sessions,
                    target=target,
                    task_queue=rt.settings.temporal_task_queue,
                    progress=progress,
                )
        except DomainError as error:
            typer.echo(error.message, err=True)
            return 1
        finally:
            if engine is not None:
                await engine.dispose()
    typer.echo(
        f"{len(report.cases)} cases rebuilt ({report.steps} steps); "
        f"counters for {len(report.counters)} days; "
        f"{report.archives_copied} archives and {report.intake_keys_copied} intake keys copied"
    )
    return 0
