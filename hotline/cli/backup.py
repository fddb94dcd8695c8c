"""`hotline backup …`: the embedded default's two SQLite files, copied while they are in use
(hotline/backup.py).

    hotline backup create backups/2026-11-30      while everything runs
    hotline backup restore backups/2026-11-30     with everything stopped; then start as usual

`create` copies the Temporal dev server's file (`temporal.db` in HOTLINE_DATA_DIR) and, when the read
model is SQLite, its file, and writes `manifest.json` (time, sizes, checksums, the read model's schema
revision). A PostgreSQL read model is backed up with pg_dump instead (docs/operations.md).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import typer

from hotline import backup, bootstrap
from hotline.errors import DomainError
from hotline.settings import Settings, get_settings

app = typer.Typer(no_args_is_help=True)


@app.command("create")
def create_command(directory: Path) -> None:
    """Back up into DIRECTORY (new or empty) while the system runs."""
    raise typer.Exit(asyncio.run(create(directory)))


@app.command("restore")
def restore_command(directory: Path) -> None:
    """Put a backup back in place; stop the dev server, workers and apps first."""
    raise typer.Exit(restore(directory))


def _targets(settings: Settings) -> dict[str, Path]:
    targets = {"temporal": settings.data_dir / backup.TEMPORAL_DB}
    read_model = backup.sqlite_file(settings.database_url)
    if read_model is not None:
        targets["read_model"] = read_model
    return targets


async def create(directory: Path, *, settings: Settings | None = None) -> int:
    settings = settings or get_settings()
    targets = _targets(settings)
    if "read_model" not in targets:
        typer.echo("the read model is PostgreSQL: back it up with pg_dump (docs/operations.md)", err=True)
    names = {"temporal": backup.TEMPORAL_DB, "read_model": backup.READ_MODEL_DB}
    try:
        revision = await bootstrap.schema_revision(settings.database_url)
        manifest = await asyncio.to_thread(
            backup.create,
            into=directory,
            sources=[(what, names[what], path) for what, path in targets.items()],
            schema_revision=revision,
            temporal_address=settings.temporal_address,
            temporal_namespace=settings.temporal_namespace,
            progress=lambda step: typer.echo(step, err=True),
        )
    except DomainError as error:
        typer.echo(error.message, err=True)
        return 1
    for f in manifest.files:
        typer.echo(f"{directory / f.name}\t{f.bytes} bytes\tsha256 {f.sha256}")
    typer.echo(f"backup complete at {manifest.created_at:%Y-%m-%d %H:%M:%S} UTC, read model at {revision}")
    return 0


def restore(directory: Path, *, settings: Settings | None = None) -> int:
    settings = settings or get_settings()
    try:
        manifest = backup.restore(
            backup=directory,
            targets=_targets(settings),
            temporal_address=settings.temporal_address,
            progress=lambda step: typer.echo(step, err=True),
        )
    except DomainError as error:
        typer.echo(error.message, err=True)
        return 1
    typer.echo(
        f"restored the backup of {manifest.created_at:%Y-%m-%d %H:%M:%S} UTC "
        f"(read model at {manifest.schema_revision}); start the system, then `hotline db migrate` "
        "if the code is newer, and `hotline readmodel check`"
    )
    return 0
