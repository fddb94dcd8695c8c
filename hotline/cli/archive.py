"""`hotline archive …`: closed cases' histories kept outside Temporal (hotline/archive.py).

    hotline archive run                            archive every closed case not archived yet
    hotline archive case XN20261126-000001         archive one closed case
    hotline archive export XN20261126-000001 --out DIR
    hotline archive report XN20261126-000001 --out report.html

`export` writes one `<case>-<run_id>.json` per run in Temporal's JSON history format (the SDK Replayer and
`temporal workflow fix-history-json` read it); `export` and `report` take the history from Temporal, or
from the archive once Temporal no longer has it. The exit code is 1 when a case could not be archived.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer

from hotline import archive, archive_report, history
from hotline.cli.runtime import runtime
from hotline.errors import DomainError
from hotline.models import CaseArchive
from hotline.settings import Settings

app = typer.Typer(no_args_is_help=True)

Out = Annotated[Path, typer.Option("--out", help="Where to write")]


@app.command("run")
def run_command() -> None:
    """Archive every closed case that has no archive yet."""
    raise typer.Exit(asyncio.run(archive_all()))


@app.command("case")
def case_command(case_number: str) -> None:
    """Archive one closed case (again: nothing changes, or a changed history is reported)."""
    raise typer.Exit(asyncio.run(archive_one(case_number)))


@app.command("export")
def export_command(case_number: str, out: Out) -> None:
    """Write the case's history, one Temporal JSON file per run, into a directory."""
    raise typer.Exit(asyncio.run(export(case_number, out)))


@app.command("report")
def report_command(case_number: str, out: Out) -> None:
    """Write the case's readable HTML report."""
    raise typer.Exit(asyncio.run(report(case_number, out)))


async def archive_all(*, settings: Settings | None = None) -> int:
    async with runtime(settings) as rt:
        numbers = await archive.pending(sessions=rt.sessions, after="", limit=1_000_000)
        failed: dict[str, str] = {}
        with typer.progressbar(numbers, label="Archiving", file=typer.get_text_stream("stderr")) as cases:
            for number in cases:
                try:
                    await archive.archive(client=rt.client, sessions=rt.sessions, case_number=number)
                except DomainError as error:
                    failed[number] = error.message
    for number, why in failed.items():
        typer.echo(f"{number}: {why}", err=True)
    typer.echo(f"{len(numbers) - len(failed)} archived, {len(failed)} not archived")
    return 1 if failed else 0


async def archive_one(case_number: str, *, settings: Settings | None = None) -> int:
    async with runtime(settings) as rt:
        try:
            done = await archive.archive(client=rt.client, sessions=rt.sessions, case_number=case_number)
        except DomainError as error:
            typer.echo(f"{case_number}: {error.message}", err=True)
            return 1
    state = "archived" if done.created else "already archived, unchanged"
    typer.echo(f"{case_number} {state}: {done.event_count} events, sha256 {done.content_sha256}")
    return 0


async def export(case_number: str, out: Path, *, settings: Settings | None = None) -> int:
    async with runtime(settings) as rt:
        try:
            case_history = await history.load(client=rt.client, sessions=rt.sessions, case_number=case_number)
        except DomainError as error:
            typer.echo(error.message, err=True)
            return 1
    for path in archive.export(case_history, out):
        typer.echo(str(path))
    return 0


async def report(case_number: str, out: Path, *, settings: Settings | None = None) -> int:
    async with runtime(settings) as rt:
        try:
            case_history = await history.load(client=rt.client, sessions=rt.sessions, case_number=case_number)
        except DomainError as error:
            typer.echo(error.message, err=True)
            return 1
        async with rt.sessions() as session:
            archived = await session.get(CaseArchive, case_number)
        html = await archive_report.render(
            case_history=case_history, archived=archived, timezone=rt.settings.timezone
        )
    await asyncio.to_thread(out.write_text, html, "utf-8")
    typer.echo(str(out))
    return 0
