"""`hotline tokens …`: API tokens for integrations, scoped to one channel (hotline/tokens.py).

hotline tokens create "Open311 gateway" --channel open311     (the token is printed once)
hotline tokens list
hotline tokens revoke 3
"""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer

from hotline import tokens
from hotline.cli.runtime import OPERATOR, database
from hotline.enums import Channel
from hotline.errors import DomainError
from hotline.settings import Settings

app = typer.Typer(no_args_is_help=True)


@app.command("create")
def create_command(
    name: Annotated[str, typer.Argument(help="Who uses it, e.g. the integration's name")],
    channel: Annotated[Channel, typer.Option(help="The one channel the token may file on")],
) -> None:
    """Make a token. It is shown once: store it where the integration reads it."""
    raise typer.Exit(asyncio.run(create(name, channel)))


@app.command("list")
def list_command() -> None:
    """Every token: id, prefix, channel, name, made, last used, revoked."""
    raise typer.Exit(asyncio.run(list_tokens()))


@app.command("revoke")
def revoke_command(token_id: int) -> None:
    """Refuse the token from now on (revoking twice changes nothing)."""
    raise typer.Exit(asyncio.run(revoke(token_id)))


async def create(name: str, channel: Channel, *, settings: Settings | None = None) -> int:
    async with database(settings) as (_, sessions), sessions() as session:
        made = await tokens.create(session=session, name=name, channel=channel, created_by=OPERATOR.username)
    typer.echo(f"token {made.id} for channel {made.channel.value} (shown once; keep it secret):", err=True)
    typer.echo(made.token)
    return 0


def _when(moment: object) -> str:
    return f"{moment:%Y-%m-%d %H:%M}" if moment else "-"


async def list_tokens(*, settings: Settings | None = None) -> int:
    async with database(settings) as (_, sessions), sessions() as session:
        every = await tokens.list_all(session=session)
    for t in every:
        state = f"revoked {_when(t.revoked_at)}" if t.revoked_at else "active"
        typer.echo(
            f"{t.id:>4} {t.prefix:<13} {t.channel.value:<15} {state:<27} "
            f"made {_when(t.created_at)} by {t.created_by}, last used {_when(t.last_used_at)}  {t.name}"
        )
    return 0


async def revoke(token_id: int, *, settings: Settings | None = None) -> int:
    async with database(settings) as (_, sessions), sessions() as session:
        try:
            done = await tokens.revoke(session=session, token_id=token_id)
        except DomainError as error:
            typer.echo(error.message, err=True)
            return 1
    typer.echo(f"token {done.id} ({done.prefix}…, {done.name}) revoked")
    return 0
