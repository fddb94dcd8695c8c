"""`hotline schedules …`: the Temporal Schedules the system runs on (hotline/schedules.py).

hotline schedules create      create the missing ones (also done by `make run`); safe to repeat
hotline schedules list        every schedule of this task queue, its workflow and next run
"""

from __future__ import annotations

import asyncio

import typer
from temporalio.client import ScheduleListActionStartWorkflow

from hotline.cli.runtime import runtime
from hotline.schedules import ensure_schedules
from hotline.settings import Settings

app = typer.Typer(no_args_is_help=True)


@app.command("create")
def create_command() -> None:
    """Create the schedules that are missing, in the city's time zone."""
    raise typer.Exit(asyncio.run(create()))


@app.command("list")
def list_command() -> None:
    """List the schedules of this deployment's task queue."""
    raise typer.Exit(asyncio.run(list_schedules()))


async def create(*, settings: Settings | None = None) -> int:
    async with runtime(settings) as rt:
        created = await ensure_schedules(
            rt.client, rt.settings.temporal_task_queue, timezone=rt.settings.timezone
        )
    typer.echo(f"created: {', '.join(created)}" if created else "every schedule exists already")
    return 0


async def list_schedules(*, settings: Settings | None = None) -> int:
    async with runtime(settings) as rt:
        suffix = f"-{rt.settings.temporal_task_queue}"
        async for entry in await rt.client.list_schedules():
            if not entry.id.endswith(suffix):
                continue  # another deployment's, sharing the namespace
            info = entry.info
            upcoming = info.next_action_times[0] if info and info.next_action_times else None
            action = entry.schedule.action if entry.schedule else None
            workflow = action.workflow if isinstance(action, ScheduleListActionStartWorkflow) else "-"
            paused = " (paused)" if entry.schedule and entry.schedule.state.paused else ""
            next_run = f"{upcoming:%Y-%m-%d %H:%M %Z}" if upcoming else "-"
            typer.echo(f"{entry.id:<40} {workflow:<28} next {next_run}{paused}")
    return 0
