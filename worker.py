"""The case worker: runs CaseWorkflow and its activities on the cases task queue.

python worker.py        (settings from the environment / .env)
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from typing import Any

from temporalio.client import Client
from temporalio.worker import Worker

from activities.archive import ArchiveActivities
from activities.deadlines import DeadlineActivities
from activities.department_task import DepartmentTaskActivities
from activities.evaluation import EvaluationActivities
from activities.outbox import OutboxActivities
from activities.read_model import ReadModelActivities
from activities.reports import ReportActivities
from activities.routing import RoutingActivities
from hotline import notify
from hotline.db import SessionFactory, create_engine, session_factory
from hotline.settings import Settings, get_settings
from hotline.temporal import connect
from workflows import ALL_WORKFLOWS


def case_activities(client: Client, sessions: SessionFactory, settings: Settings) -> list[Callable[..., Any]]:
    deadlines = DeadlineActivities(settings)
    department_tasks = DepartmentTaskActivities(sessions, client)
    sender = notify.SENDERS[settings.notification_sender]()
    return [
        OutboxActivities(sessions, sender).deliver_outbox,
        ArchiveActivities(sessions, client).archive_closed_cases,
        EvaluationActivities(sessions, settings).evaluate_month,
        ReportActivities(sessions, settings).generate_report,
        ReadModelActivities(sessions).project,
        RoutingActivities(sessions).propose_route,
        department_tasks.department_task,
        department_tasks.withdraw_task,
        deadlines.compute_due_at,
        deadlines.case_policy,
    ]


def build_worker(
    client: Client,
    sessions: SessionFactory,
    settings: Settings,
    *,
    replace_activities: Sequence[Callable[..., Any]] = (),
) -> Worker:
    """A worker for cases. `replace_activities` swaps activities by name (tests inject short clocks)."""
    replaced = {_activity_name(a) for a in replace_activities}
    activities = [a for a in case_activities(client, sessions, settings) if _activity_name(a) not in replaced]
    return Worker(
        client,
        task_queue=settings.temporal_task_queue,
        workflows=ALL_WORKFLOWS,
        activities=[*activities, *replace_activities],
    )


def _activity_name(activity: Callable[..., Any]) -> str:
    return str(activity.__temporal_activity_definition.name)  # type: ignore[attr-defined]


async def run(settings: Settings, *, replace_activities: Sequence[Callable[..., Any]] = ()) -> None:
    client = await connect(settings)
    engine = create_engine(settings.database_url)
    try:
        worker = build_worker(
            client, session_factory(engine), settings, replace_activities=replace_activities
        )
        logging.getLogger(__name__).info(
            "worker polling %s on %s", settings.temporal_task_queue, settings.temporal_address
        )
        await worker.run()
    finally:
        await engine.dispose()


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    asyncio.run(run(get_settings()))
