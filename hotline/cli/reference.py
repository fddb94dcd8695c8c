"""`hotline reference …`: districts and streets, departments, categories and the dispatch catalogue as
one JSON file in the shape of hotline/reference/xining.json (hotline/reference/transfer.py).

    hotline reference export reference.json     what the read model holds now, admins' edits included
    hotline reference import reference.json     checked whole first: on any problem nothing changes

Importing the same file again changes nothing. The exit code is 1 when the file has a problem; every
problem is printed with where it is.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import typer

from hotline.cli.runtime import database
from hotline.errors import DomainError
from hotline.reference import transfer
from hotline.settings import Settings

app = typer.Typer(no_args_is_help=True)


@app.command("export")
def export_command(file: Path) -> None:
    """Write the reference data the read model holds into FILE."""
    raise typer.Exit(asyncio.run(export(file)))


@app.command("import")
def import_command(file: Path) -> None:
    """Check FILE and load it in one transaction; nothing changes when it has a problem."""
    raise typer.Exit(asyncio.run(import_file(file)))


async def export(file: Path, *, settings: Settings | None = None) -> int:
    async with database(settings) as (_, sessions), sessions() as session:
        data = await transfer.export(session)
    await asyncio.to_thread(file.write_text, transfer.to_json(data), "utf-8")
    typer.echo(_summary(data, f"exported to {file}"))
    return 0


async def import_file(file: Path, *, settings: Settings | None = None) -> int:
    try:
        data = await asyncio.to_thread(transfer.parse, file)
    except DomainError as error:
        typer.echo(f"nothing imported: {error.message}", err=True)
        return 1
    async with database(settings) as (_, sessions), sessions() as session:
        changed = await transfer.import_(session, data)
    typer.echo(_summary(data, "imported" if changed else "already loaded, nothing changed"))
    return 0


def _summary(data: transfer.ReferenceData, what: str) -> str:
    streets = sum(len(d.streets) for d in data.districts)
    categories = sum(len(c.children) for c in data.categories)
    return (
        f"version {data.version} {what}: {len(data.districts)} districts, {streets} streets, "
        f"{len(data.departments)} departments, {categories} categories, "
        f"{len(data.dispatch_catalogue)} dispatch rules"
    )
