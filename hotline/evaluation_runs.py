"""Starting a month's evaluation on demand (API, CLI): MonthlyEvaluationWorkflow on the cases' task queue.

One workflow id per month and task queue: a second request while the month is being evaluated joins the
running one; once it has finished, a new request evaluates the month again, as a new version.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from temporalio.client import Client
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy

from hotline import request_session
from hotline.evaluation import month_key, require_over
from hotline.evaluation_contracts import EvaluationRequest, EvaluationSummary

WORKFLOW = "MonthlyEvaluationWorkflow"


class EvaluationStarted(BaseModel):
    month: str
    workflow_id: str
    run_id: str | None


def workflow_id(task_queue: str, month: str) -> str:
    return f"monthly-evaluation-{task_queue}-{month}"


async def start(
    *,
    client: Client,
    task_queue: str,
    year: int,
    month: int,
    now: datetime,
    timezone: str,
    requested_by: str | None = None,
) -> EvaluationStarted:
    """Start (or join) the month's evaluation; refused for a month that has not ended."""
    key = month_key(year, month)
    require_over(year, month, now=now, timezone=timezone)
    handle = await client.start_workflow(
        WORKFLOW,
        EvaluationRequest(year=year, month=month, requested_by=requested_by),
        id=workflow_id(task_queue, key),
        task_queue=task_queue,
        id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE,
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
        result_type=EvaluationSummary,
    )
    return EvaluationStarted(month=key, workflow_id=handle.id, run_id=handle.result_run_id)


async def run(
    *, client: Client, task_queue: str, year: int, month: int, now: datetime, timezone: str
) -> EvaluationSummary:
    """Start the month's evaluation and wait for it."""
    started = await start(
        client=client, task_queue=task_queue, year=year, month=month, now=now, timezone=timezone
    )
    handle = client.get_workflow_handle(
        started.workflow_id, run_id=started.run_id, result_type=EvaluationSummary
    )
    await request_session.release_connection()  # the month's evaluation takes seconds
    return await handle.result()
