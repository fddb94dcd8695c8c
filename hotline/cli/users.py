"""`hotline users …`: people's accounts (hotline/directory.py makes them, hotline/users.py changes them).

    hotline users create liwei --name 李伟 --role department --department company.water
    hotline users create boss --name 督办 --role supervisor --level 2 --password-stdin < secret.txt
    hotline users list
    hotline users deactivate liwei          (ends the user's sessions; `activate` undoes it)
    hotline users password liwei            (asks twice; or --password-stdin)

A password is never an argument (it would stay in the shell's history and in `ps`): it is asked for
without echo, or read as one line from standard input.
"""

from __future__ import annotations

import asyncio
import sys
from typing import Annotated

import typer
from pydantic import ValidationError

from hotline import directory, users
from hotline.cli.runtime import OPERATOR, database
from hotline.enums import Role
from hotline.errors import DomainError
from hotline.settings import Settings

app = typer.Typer(no_args_is_help=True)

PasswordStdin = Annotated[
    bool, typer.Option("--password-stdin", help="Read the password as one line from standard input")
]


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return str(typer.prompt("Password", hide_input=True, confirmation_prompt=True))


def _problem(error: ValidationError) -> str:
    return "; ".join(f"{'.'.join(map(str, e['loc'])) or 'input'}: {e['msg']}" for e in error.errors())


@app.command("create")
def create_command(
    username: str,
    name: Annotated[str, typer.Option("--name", help="Display name")],
    role: Annotated[Role, typer.Option(help="dispatcher, department, supervisor, …")],
    department: Annotated[str | None, typer.Option(help="Department code (department users)")] = None,
    level: Annotated[int | None, typer.Option(help="Supervision level 1–3 (supervisors)")] = None,
    password_stdin: PasswordStdin = False,
) -> None:
    """Make an account; the password is asked for, or read from standard input."""
    try:
        user = directory.UserIn(
            username=username,
            display_name=name,
            password=_read_password(password_stdin),
            role=role,
            department=department,
            supervision_level=level,
        )
    except ValidationError as error:
        typer.echo(_problem(error), err=True)
        raise typer.Exit(1) from None
    raise typer.Exit(asyncio.run(create(user)))


@app.command("list")
def list_command() -> None:
    """Every account: username, role, department or level, active or not."""
    raise typer.Exit(asyncio.run(list_users()))


@app.command("deactivate")
def deactivate_command(username: str) -> None:
    """Stop an account from logging in; its open sessions end now."""
    raise typer.Exit(asyncio.run(set_active(username, active=False)))


@app.command("activate")
def activate_command(username: str) -> None:
    """Let a deactivated account log in again."""
    raise typer.Exit(asyncio.run(set_active(username, active=True)))


@app.command("password")
def password_command(username: str, password_stdin: PasswordStdin = False) -> None:
    """Set a new password; the user's open sessions end."""
    try:
        new = users.PasswordIn(password=_read_password(password_stdin))
    except ValidationError as error:
        typer.echo(_problem(error), err=True)
        raise typer.Exit(1) from None
    raise typer.Exit(asyncio.run(set_password(username, new.password)))


async def create(user: directory.UserIn, *, settings: Settings | None = None) -> int:
    async with database(settings) as (_, sessions), sessions() as session:
        try:
            made = await directory.create_user(session=session, user=user)
        except DomainError as error:
            typer.echo(error.message, err=True)
            return 1
    typer.echo(f"created {made.username} (id {made.id}, {made.role.value})")
    return 0


async def list_users(*, settings: Settings | None = None) -> int:
    async with database(settings) as (_, sessions), sessions() as session:
        everyone = await directory.users(session=session)
    for u in everyone:
        where = u.department or (f"level {u.supervision_level}" if u.supervision_level else "")
        state = "active" if u.active else "inactive"
        typer.echo(f"{u.username:<20} {u.role.value:<15} {where:<24} {state:<9} {u.display_name}")
    return 0


async def set_active(username: str, *, active: bool, settings: Settings | None = None) -> int:
    async with database(settings) as (_, sessions), sessions() as session:
        try:
            user = await users.by_username(session=session, username=username)
            await users.set_active(session=session, user_id=user.id, active=active, by=OPERATOR)
        except DomainError as error:
            typer.echo(error.message, err=True)
            return 1
    typer.echo(f"{username} {'activated' if active else 'deactivated'}")
    return 0


async def set_password(username: str, password: str, *, settings: Settings | None = None) -> int:
    async with database(settings) as (_, sessions), sessions() as session:
        try:
            user = await users.by_username(session=session, username=username)
            await users.reset_password(session=session, user_id=user.id, password=password, by=OPERATOR)
        except DomainError as error:
            typer.echo(error.message, err=True)
            return 1
    typer.echo(f"password of {username} changed; their sessions ended")
    return 0
