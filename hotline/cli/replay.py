"""`hotline replay …`: recorded histories replayed against the current workflow code (hotline/replay.py).

    hotline replay case XN20250101-000001
    hotline replay query "CaseDistrict = 'chengdong' AND CaseStatus = 'closed'"
    hotline replay dir tests/histories

Each prints one line per run that fails (all of them with --verbose) and a summary line; the exit code is
1 if any run fails to replay, 0 if all replay cleanly. A case comes from Temporal, or from the archive once
Temporal no longer has it; a directory holds `.json` files in Temporal's history format.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, TextIO

import typer
from temporalio.client import WorkflowHistory

from hotline import history, replay
from hotline.cli.runtime import runtime
from hotline.errors import NotFound
from hotline.settings import Settings

app = typer.Typer(no_args_is_help=True)

Verbose = Annotated[bool, typer.Option("--verbose", "-v", help="A line for every run, clean ones too.")]


@app.command("case")
def case_command(case_number: str, verbose: Verbose = False) -> None:
    """Replay every run of one case."""
    raise typer.Exit(asyncio.run(replay_case(case_number, verbose=verbose)))


@app.command("query")
def query_command(
    query: Annotated[str, typer.Argument(help="A visibility query, e.g. \"CaseDistrict = 'chengdong'\"")],
    verbose: Verbose = False,
) -> None:
    """Replay every case a Temporal list query finds (search attributes: docs/audit.md)."""
    raise typer.Exit(asyncio.run(replay_query(query, verbose=verbose)))


@app.command("dir")
def dir_command(
    directory: Annotated[Path, typer.Argument(exists=True, file_okay=False, help="A directory of .json")],
    verbose: Verbose = False,
) -> None:
    """Replay every history file (Temporal JSON) in a directory."""
    raise typer.Exit(asyncio.run(replay_directory(directory, verbose=verbose)))


async def replay_case(case_number: str, *, settings: Settings | None = None, verbose: bool = False) -> int:
    async with runtime(settings) as rt:
        try:
            case_history = await history.load(client=rt.client, sessions=rt.sessions, case_number=case_number)
        except NotFound as missing:
            typer.echo(str(missing), err=True)
            return 2
    results = (await replay.replay_case(case_history)).runs
    return _report(results, cases=1, verbose=verbose)


async def replay_query(query: str, *, settings: Settings | None = None, verbose: bool = False) -> int:
    async with runtime(settings) as rt:
        found = [execution.id async for execution in rt.client.list_workflows(query)]
        case_numbers = list(dict.fromkeys(found))  # a case that continued as new is listed once per run
        results: list[replay.RunReplay] = []
        with typer.progressbar(case_numbers, label="Replaying", file=_progress_file()) as cases:
            for case_number in cases:
                case_history = await history.fetch(client=rt.client, case_number=case_number)
                results.extend((await replay.replay_case(case_history)).runs)
    return _report(results, cases=len(case_numbers), verbose=verbose)


async def replay_directory(directory: Path, *, verbose: bool = False) -> int:
    files = replay.history_files(directory)
    histories: list[tuple[WorkflowHistory, str | None]] = []
    for path in files:
        try:
            histories.append((replay.load_history(path), path.name))
        except ValueError as unreadable:
            typer.echo(f"{path.name}: not a Temporal history ({unreadable})", err=True)
            return 2
    with typer.progressbar(length=len(histories), label="Replaying", file=_progress_file()) as bar:
        results = await replay.replay_histories(histories, progress=lambda _: bar.update(1))
    return _report(results, cases=len({h.workflow_id for h, _ in histories}), verbose=verbose)


def _progress_file() -> TextIO:
    """The bar goes to stderr, leaving stdout to the results (click hides it when not a terminal)."""
    return typer.get_text_stream("stderr")


def _report(results: Sequence[replay.RunReplay], *, cases: int, verbose: bool) -> int:
    failed = [r for r in results if not r.ok]
    for result in results:
        if verbose or not result.ok:
            typer.echo(result.describe())
    typer.echo(
        f"{len(results)} runs of {cases} cases replayed: {len(results) - len(failed)} clean, "
        f"{len(failed)} failed"
    )
    return 1 if failed else 0
