"""`hotline db …`: the read model's schema and first data (hotline/bootstrap.py).

    hotline db migrate      Alembic upgrade to head (run before starting workers and APIs)
    hotline db revision     the revision the read model is at, and the code's head
    hotline db seed         the Xining reference data; in development also the demo users and token

Every command is safe to repeat.
"""

from __future__ import annotations

import asyncio

import typer

from hotline import bootstrap
from hotline.cli.runtime import database
from hotline.settings import Settings, get_settings

app = typer.Typer(no_args_is_help=True)


@app.command("migrate")
def migrate_command() -> None:
    """Bring the read model's schema to the code's head revision."""
    raise typer.Exit(asyncio.run(migrate()))


@app.command("revision")
def revision_command() -> None:
    """Print the read model's revision and the code's head; exit 1 when they differ."""
    raise typer.Exit(asyncio.run(revision()))


@app.command("seed")
def seed_command() -> None:
    """Load the reference data; in development also the demo users (password demo12345)."""
    raise typer.Exit(asyncio.run(seed()))


async def migrate(*, settings: Settings | None = None) -> int:
    settings = settings or get_settings()
    before = await bootstrap.schema_revision(settings.database_url)
    await bootstrap.migrate(settings.database_url)
    after = await bootstrap.schema_revision(settings.database_url)
    typer.echo(f"read model at {after}" + (f" (was {before})" if before != after else ", already there"))
    return 0


async def revision(*, settings: Settings | None = None) -> int:
    settings = settings or get_settings()
    current, head = await bootstrap.schema_revision(settings.database_url), bootstrap.head_revision()
    typer.echo(f"read model {current or 'not migrated'}, code head {head}")
    return 0 if current == head else 1


async def seed(*, settings: Settings | None = None) -> int:
    async with database(settings) as (settings, sessions):
        loaded = await bootstrap.load_reference_data(sessions)
        typer.echo("reference data loaded" if loaded else "reference data already at this version")
        if settings.environment != "development":
            typer.echo("production: no demo users")  # known passwords never reach production
            return 0
        created = await bootstrap.create_demo_users(sessions)
        await bootstrap.create_demo_token(sessions)
    typer.echo(f"demo users created: {', '.join(created)}" if created else "demo users exist already")
    return 0
