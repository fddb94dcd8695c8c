"""办 Department tasks: a department's inbox, and its reply that completes the task in Temporal.

The reply is checked against the task's current state before the task is completed; Temporal refuses a
second completion, so a double submit can never apply twice.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select
from temporalio.api.enums.v1 import EventType
from temporalio.api.history.v1 import HistoryEvent
from temporalio.client import AsyncActivityHandle, Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.service import RPCError, RPCStatusCode

from hotline import actions, request_session
from hotline.auth import Principal
from hotline.contracts import (
    Action,
    ActionResult,
    RequestDeferral,
    RequestExtension,
    SignFor,
    TaskAssignment,
    TaskReply,
)
from hotline.enums import AssignmentStatus, Role, TaskResultKind
from hotline.errors import Conflict, Forbidden, Invalid, NotFound
from hotline.models import Assignment, Case
from hotline.schemas import DeferralCreate, ExtensionCreate, TaskPublic, TaskReplyCreate
from hotline.task_clock import clock_state


async def inbox(
    *,
    session: AsyncSession,
    principal: Principal,
    status: AssignmentStatus | None,
    warning_fraction: float,
) -> list[TaskPublic]:
    principal.require(Role.DEPARTMENT)
    query = (
        select(Assignment, Case)
        .join(Case, col(Case.case_number) == col(Assignment.case_number))
        .where(Assignment.department_code == principal.department)
        .order_by(col(Assignment.due_at))
    )
    if status is not None:
        query = query.where(Assignment.status == status.value)
    now = datetime.now(UTC)
    return [
        TaskPublic(
            task_id=a.task_id,
            case_number=a.case_number,
            title=c.title,
            category=c.category_code,
            district=c.district_code,
            role=a.role,
            status=a.status,
            assigned_at=a.assigned_at,
            due_at=a.due_at,
            signed_at=a.signed_at,
            case_status=c.status,
            extension_requested_until=a.extension_requested_until,
            clock=clock_state(
                task_status=a.status,
                case_status=c.status,
                assigned_at=a.assigned_at,
                due_at=a.due_at,
                overdue=a.overdue,
                now=now,
                warning_fraction=warning_fraction,
            ),
        )
        for a, c in (await session.execute(query)).all()
    ]


async def reply(
    *, session: AsyncSession, client: Client, principal: Principal, task_id: str, reply_in: TaskReplyCreate
) -> None:
    """答复: completes the department's task with its reply."""
    now = datetime.now(UTC)
    if reply_in.contacted_at is not None and reply_in.contacted_at > now:
        raise Invalid("contacted_in_future", "contacted_at lies in the future.", {"field": "contacted_at"})
    result = TaskReply(
        text=reply_in.text,
        outcome=reply_in.outcome,
        contacted_citizen=reply_in.contacted_citizen,
        contacted_at=reply_in.contacted_at,
        attachments=reply_in.attachments,
        actor=principal.actor,
        replied_at=now,
    )
    await _complete(session=session, client=client, principal=principal, task_id=task_id, result=result)


async def return_task(
    *, session: AsyncSession, client: Client, principal: Principal, task_id: str, reason: str
) -> None:
    """退单: completes the department's task by sending it back with a reason; the dispatcher rules."""
    result = TaskReply(
        kind=TaskResultKind.RETURN, text=reason, actor=principal.actor, replied_at=datetime.now(UTC)
    )
    await _complete(session=session, client=client, principal=principal, task_id=task_id, result=result)


async def _complete(
    *, session: AsyncSession, client: Client, principal: Principal, task_id: str, result: TaskReply
) -> None:
    principal.require(Role.DEPARTMENT)
    task = await _own_open_task(session, principal, task_id)
    for _attempt in range(2):
        token = task.task_token
        await request_session.release_connection()  # Temporal may take its time to answer
        try:
            await (await _activity(client, task)).complete(result)
            return
        except RPCError as error:
            if error.status != RPCStatusCode.NOT_FOUND:
                raise
        # A long case may have continued as new since the token was read: its task has a new one.
        await session.refresh(task)
        if task.task_token == token or task.status not in (AssignmentStatus.OPEN, AssignmentStatus.SIGNED):
            break
    raise Conflict("task_not_open", "This task was already completed or withdrawn.")


async def _activity(client: Client, task: Assignment) -> AsyncActivityHandle:
    """The task's activity by its token; without one (a task whose activity has not reached a worker
    yet, or a read model rebuilt from histories, where no token is recorded) by the activity's id,
    found open in the case's latest run."""
    if task.task_token is not None:
        return client.get_async_activity_handle(task_token=task.task_token)
    # The inbox shows a task as soon as the dispatch step is projected, a moment before the workflow
    # task that schedules its activity completes: a department quick off the mark waits for it.
    for pause in (*SCHEDULING_PAUSES, None):
        run = await client.get_workflow_handle(task.case_number).fetch_history()
        activity_id = open_department_task(run.events, task.task_id)
        if activity_id is not None:
            return client.get_async_activity_handle(
                workflow_id=task.case_number, run_id=run.run_id, activity_id=activity_id
            )
        if pause is not None:
            await asyncio.sleep(pause)
    raise Conflict("task_not_open", "This task was already completed or withdrawn.")


def open_department_task(events: Sequence[HistoryEvent], task_id: str) -> str | None:
    """The activity id of the run's still-open `department_task` for this task, if any."""
    scheduled: dict[int, str] = {}
    for event in events:
        if event.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
            attributes = event.activity_task_scheduled_event_attributes
            if attributes.activity_type.name != DEPARTMENT_TASK:
                continue
            (assignment,) = pydantic_data_converter.payload_converter.from_payloads(
                list(attributes.input.payloads), [TaskAssignment]
            )
            if assignment.task_id == task_id:
                scheduled[event.event_id] = attributes.activity_id
        else:
            closed = _closing_event(event)
            if closed is not None:
                scheduled.pop(closed, None)
    return next(reversed(scheduled.values()), None)


def _closing_event(event: HistoryEvent) -> int | None:
    """The scheduled event id an activity's completion, failure, time-out or cancellation refers to."""
    name = event.WhichOneof("attributes")
    return int(getattr(event, name).scheduled_event_id) if name in _ACTIVITY_CLOSED else None


DEPARTMENT_TASK = "department_task"
# How long a reply waits, in steps, for a just-dispatched task's activity to be scheduled (about 5 s).
SCHEDULING_PAUSES = (0.1, 0.2, 0.4, 0.8, 1.5, 2.0)
_ACTIVITY_CLOSED = (
    "activity_task_completed_event_attributes",
    "activity_task_failed_event_attributes",
    "activity_task_timed_out_event_attributes",
    "activity_task_canceled_event_attributes",
)


async def _own_open_task(session: AsyncSession, principal: Principal, task_id: str) -> Assignment:
    task = await session.get(Assignment, task_id)
    if task is None:
        raise NotFound("task_not_found", f"No task {task_id}.")
    if task.department_code != principal.department:
        raise Forbidden("not_your_task", "This task belongs to another department.")
    if task.status not in (AssignmentStatus.OPEN, AssignmentStatus.SIGNED):
        raise Conflict(
            "task_not_open", f"Task {task_id} is {task.status}, not open.", {"status": task.status}
        )
    return task


async def sign_for(
    *, session: AsyncSession, client: Client, principal: Principal, task_id: str, idempotency_key: str | None
) -> ActionResult:
    """签收: the department accepts its task; the response clock stops."""
    return await _task_update(session, client, principal, task_id, "sign_for", SignFor, idempotency_key)


async def request_extension(
    *,
    session: AsyncSession,
    client: Client,
    principal: Principal,
    task_id: str,
    extension_in: ExtensionCreate,
    idempotency_key: str | None,
) -> ActionResult:
    """延期申请: the department asks for more time; the dispatcher rules."""
    return await _task_update(
        session,
        client,
        principal,
        task_id,
        "request_extension",
        RequestExtension,
        idempotency_key,
        reason=extension_in.reason,
        due_at=extension_in.due_at,
    )


async def request_deferral(
    *,
    session: AsyncSession,
    client: Client,
    principal: Principal,
    task_id: str,
    deferral_in: DeferralCreate,
    idempotency_key: str | None,
) -> ActionResult:
    """挂账申请: the department cannot solve it now; a supervisor rules."""
    return await _task_update(
        session,
        client,
        principal,
        task_id,
        "request_deferral",
        RequestDeferral,
        idempotency_key,
        plan=deferral_in.plan,
        target_date=deferral_in.target_date,
    )


async def _task_update(
    session: AsyncSession,
    client: Client,
    principal: Principal,
    task_id: str,
    update: str,
    kind: type[Action],
    idempotency_key: str | None,
    **fields: Any,
) -> ActionResult:
    """A department's Update on its own open task; the workflow's validator has the last word."""
    principal.require(Role.DEPARTMENT)
    task = await _own_open_task(session, principal, task_id)
    return await actions.act(
        client=client,
        case_number=task.case_number,
        update=update,
        kind=kind,
        principal=principal,
        idempotency_key=idempotency_key,
        task_id=task_id,
        **fields,
    )
