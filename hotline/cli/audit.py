"""`hotline audit …`: a case's history read by an auditor at the command line.

    hotline audit timeline XN20261126-000001 --as auditor
    hotline audit clock XN20261126-000001 --at 2026-11-27T09:00 --as auditor

The history comes from Temporal, or from the archive once Temporal no longer has the case. The reader
names themselves with `--as` (an active auditor or admin account): the read is logged in
`case_access_log` like a read through the API or the pages. Times are printed in the city's time zone;
`--at` without a zone is city time too. `--json` prints the same data as the API returns it.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Annotated
from zoneinfo import ZoneInfo

import typer
from sqlmodel import select

from hotline import audit_reads
from hotline.auth import Principal, principal_of
from hotline.cli.runtime import Runtime, runtime
from hotline.enums import Role
from hotline.errors import DomainError
from hotline.models import User
from hotline.settings import Settings

app = typer.Typer(no_args_is_help=True)

Reader = Annotated[str, typer.Option("--as", help="Your auditor (or admin) username; the read is logged.")]
AsJson = Annotated[bool, typer.Option("--json", help="The API's JSON instead of a table.")]


@app.command("timeline")
def timeline_command(case_number: str, reader: Reader, as_json: AsJson = False) -> None:
    """Who did what and when: every action, step, task, timer and run of the case."""
    raise typer.Exit(asyncio.run(print_timeline(case_number, reader=reader, as_json=as_json)))


@app.command("clock")
def clock_command(
    case_number: str,
    reader: Reader,
    at: Annotated[str | None, typer.Option(help="A moment, e.g. 2026-11-27T09:00 (city time)")] = None,
    as_json: AsJson = False,
) -> None:
    """Each task's due time over time, overdue and escalation levels, and the case as it stood at --at."""
    raise typer.Exit(asyncio.run(print_clock(case_number, reader=reader, at=at, as_json=as_json)))


async def print_timeline(
    case_number: str, *, reader: str, as_json: bool = False, settings: Settings | None = None
) -> int:
    async with runtime(settings) as rt:
        try:
            principal = await _reader(rt, reader)
            found = await audit_reads.timeline(
                client=rt.client, sessions=rt.sessions, principal=principal, case_number=case_number
            )
        except DomainError as error:
            return _refused(error)
        if as_json:
            typer.echo(found.model_dump_json(indent=2))
            return 0
        zone = ZoneInfo(rt.settings.timezone)
        typer.echo(f"{found.case_number}: {found.event_count} history events in {len(found.runs)} run(s)")
        for entry in found.entries:
            who = _who(entry.actor.user, entry.actor.role, entry.actor.department) if entry.actor else ""
            when = entry.time.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S")
            typer.echo(
                f"{entry.event_id:>5}  {when}  {entry.kind:<14} {entry.name:<20} {who:<32} {entry.summary}"
            )
        return 0


async def print_clock(
    case_number: str,
    *,
    reader: str,
    at: str | None = None,
    as_json: bool = False,
    settings: Settings | None = None,
) -> int:
    async with runtime(settings) as rt:
        zone = ZoneInfo(rt.settings.timezone)
        try:
            moment = _moment(at, zone)
        except ValueError:
            typer.echo(f"--at {at!r} is not a date and time such as 2026-11-27T09:00", err=True)
            return 2
        try:
            principal = await _reader(rt, reader)
            found = await audit_reads.clock(
                client=rt.client,
                sessions=rt.sessions,
                principal=principal,
                case_number=case_number,
                at=moment,
            )
        except DomainError as error:
            return _refused(error)
        if as_json:
            typer.echo(found.model_dump_json(indent=2))
            return 0

        def local(value: datetime | None) -> str:
            return value.astimezone(zone).strftime("%Y-%m-%d %H:%M") if value else "—"

        for task in found.tasks:
            typer.echo(f"task {task.task_id}  {task.department} ({task.role.value}, tier {task.tier})")
            for segment in task.segments:
                until = f" until {local(segment.until)}" if segment.until else ""
                typer.echo(
                    f"  from {local(segment.start)}  due {local(segment.due_at)}  ({segment.reason}{until})"
                )
            late = " (late)" if task.sign_for_late else ""
            typer.echo(f"  sign by {local(task.sign_by)}, signed {local(task.signed_at)}{late}")
            typer.echo(
                f"  overdue {local(task.overdue_at)}; levels "
                + (", ".join(f"{level.level} at {local(level.at)}" for level in task.levels) or "none")
            )
        case = found.case
        typer.echo(f"as it stood at {local(found.at)}:")
        if case.status is None:
            typer.echo("  the case did not exist yet")
            return 0
        typer.echo(f"  status {case.status.value}, escalation level {case.escalation_level}")
        for state in case.tasks:
            typer.echo(
                f"  task {state.task_id} {state.department}: {state.status.value}, due {local(state.due_at)}"
                + (", overdue" if state.overdue else "")
            )
        return 0


async def _reader(rt: Runtime, username: str) -> Principal:
    async with rt.sessions() as session:
        user = (await session.execute(select(User).where(User.username == username))).scalar_one_or_none()
    if user is None or not user.active:
        raise DomainError("unknown_reader", f"No active user {username!r}.")
    principal = principal_of(user)
    if principal.role not in (Role.AUDITOR, Role.ADMIN):
        raise DomainError(
            "role_not_allowed", f"{username} is a {principal.role.value}, not an auditor or admin."
        )
    return principal


def _moment(at: str | None, zone: ZoneInfo) -> datetime | None:
    if at is None:
        return None
    moment = datetime.fromisoformat(at)
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)


def _who(user: str, role: str, department: str | None) -> str:
    return f"{user} ({role}{', ' + department if department else ''})"


def _refused(error: DomainError) -> int:
    typer.echo(f"{error.code}: {error.message}", err=True)
    return 2
