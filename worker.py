"""The case worker: runs CaseWorkflow and its activities on the cases task queue.

python -m worker        (settings from the environment / .env)

SIGTERM or SIGINT stops it gracefully: it stops polling, gives running activities
HOTLINE_WORKER_GRACEFUL_SHUTDOWN_SECONDS to finish, disposes of its database pool and exits 0.
A second signal stops it at once.
"""

from __future__ import annotations

import asyncio
import compileall
import logging
import signal
from collections.abc import Callable, Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

from temporalio.client import Client
from temporalio.worker import PollerBehaviorSimpleMaximum, Worker

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
from hotline.observability import tracing
from hotline.observability.logs import configure_logging
from hotline.observability.temporal_metrics import worker_runtime
from hotline.settings import Settings, get_settings
from hotline.temporal import connect
from workflows.registry import ALL_WORKFLOWS

WORKFLOW_MODULES = Path(__file__).parent / "workflows"


def case_activities(client: Client, sessions: SessionFactory, settings: Settings) -> list[Callable[..., Any]]:
    deadlines = DeadlineActivities(settings)
    read_model = ReadModelActivities(sessions)
    department_tasks = DepartmentTaskActivities(sessions, client)
    sender = notify.SENDERS[settings.notification_sender]()
    return [
        OutboxActivities(sessions, sender).deliver_outbox,
        ArchiveActivities(sessions, client).archive_closed_cases,
        EvaluationActivities(sessions, settings).evaluate_month,
        ReportActivities(sessions, settings).generate_report,
        read_model.project,
        read_model.project_steps,
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
        max_cached_workflows=settings.worker_max_cached_workflows,
        max_concurrent_workflow_tasks=settings.worker_max_concurrent_workflow_tasks,
        max_concurrent_activities=settings.worker_max_concurrent_activities,
        max_concurrent_local_activities=settings.worker_max_concurrent_local_activities,
        workflow_task_poller_behavior=PollerBehaviorSimpleMaximum(settings.worker_workflow_task_pollers),
        activity_task_poller_behavior=PollerBehaviorSimpleMaximum(settings.worker_activity_task_pollers),
        graceful_shutdown_timeout=timedelta(seconds=settings.worker_graceful_shutdown_seconds),
    )


def _activity_name(activity: Callable[..., Any]) -> str:
    return str(activity.__temporal_activity_definition.name)  # type: ignore[attr-defined]


STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)
log = logging.getLogger(__name__)


def compile_workflow_modules() -> bool:
    """Bytecode for the workflow modules, written where missing or stale. Temporal's sandbox runs these
    modules afresh for every case the worker loads into its cache; without bytecode (an environment
    with PYTHONDONTWRITEBYTECODE, as many container images set) each load would compile their source
    again, about half of what loading a case costs. False when they cannot be written (a read-only
    install): the worker runs all the same, only slower."""
    return bool(compileall.compile_dir(WORKFLOW_MODULES, maxlevels=0, quiet=2))


async def run(settings: Settings, *, replace_activities: Sequence[Callable[..., Any]] = ()) -> None:
    """Run until SIGTERM/SIGINT, then shut down gracefully (or raise the worker's fatal error)."""
    if not compile_workflow_modules():
        log.warning(
            "could not write bytecode for %s: every case the worker loads compiles it", WORKFLOW_MODULES
        )
    # Tracing and the SDK's Prometheus endpoint (docs/observability.md) are this process's to set up.
    provider = tracing.install(settings, service_name="hotline-worker")
    client = await connect(settings, runtime=worker_runtime(settings))
    engine = create_engine(settings.database_url, **settings.database_pool())
    try:
        stop_requested = _stop_requested_by_signals()
        # Leaving the block calls worker.shutdown(): polling stops, running activities get the graceful
        # timeout, and Temporal hears of the worker leaving, so its cached cases move on elsewhere.
        async with build_worker(
            client, session_factory(engine), settings, replace_activities=replace_activities
        ):
            log.info("worker polling %s on %s", settings.temporal_task_queue, settings.temporal_address)
            if settings.worker_metrics_address:
                log.info("SDK metrics at http://%s/metrics", settings.worker_metrics_address)
            received = await stop_requested
            log.info(
                "%s received: stopping; running activities have up to %s s to finish",
                received.name,
                settings.worker_graceful_shutdown_seconds,
            )
        log.info("worker stopped")
    finally:
        await engine.dispose()
        if provider is not None:
            provider.shutdown()


def _stop_requested_by_signals() -> asyncio.Future[signal.Signals]:
    """A future set by the first stop signal. The handlers are then removed, so that a second signal
    (an impatient Ctrl-C, systemd's final SIGKILL aside) stops the process at once."""
    loop = asyncio.get_running_loop()
    received: asyncio.Future[signal.Signals] = loop.create_future()

    def on_signal(signum: signal.Signals) -> None:
        for stop_signal in STOP_SIGNALS:
            loop.remove_signal_handler(stop_signal)
        if not received.done():
            received.set_result(signum)

    for stop_signal in STOP_SIGNALS:
        loop.add_signal_handler(stop_signal, on_signal, stop_signal)
    return received


if __name__ == "__main__":
    configure_logging(get_settings())
    asyncio.run(run(get_settings()))
