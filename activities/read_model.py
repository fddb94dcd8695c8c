"""The read-model projection: each step of a case writes its timeline event and its changes, once.

Idempotent by (case_number, seq): a retried projection inserts nothing twice, and a case row only moves
forward (a patch applies only when its event is not older than the last one applied).

A step written again under the same key overwrites the first write. A worker that dies (or whose workflow
task times out) after its projection ran but before the workflow task completed leaves a write that never
made it into the history; the next attempt runs the step again with its own clock and activity results
(another time, another due time), and it is that attempt that the history keeps. The last write wins.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from temporalio import activity

from hotline.contracts import (
    AssignmentPatch,
    CaseEventRecord,
    CaseIntake,
    CasePatch,
    Projection,
    TaskAssignment,
)
from hotline.db import SessionFactory, WriteTurns, upsert
from hotline.enums import AssignmentStatus, CaseStatus
from hotline.models import Assignment, Case, CaseEvent, OutboxMessage


class ReadModelActivities:
    def __init__(self, sessions: SessionFactory) -> None:
        self._sessions = sessions
        self._writes = WriteTurns(sessions)

    @activity.defn(name="project_case")
    async def project(self, projection: Projection) -> Projection:
        """Writes the step and returns it: the local activity's marker then carries the step in the
        case's Temporal history, so the timeline and the read model can be rebuilt from history alone."""
        await self.apply(projection)
        return projection

    @activity.defn(name="project_steps")
    async def project_steps(self, steps: list[Projection]) -> list[Projection]:
        """The steps one workflow task took, written in order in one transaction, and returned (as
        `project`) so the history carries them."""
        async with self._writes.session() as session:
            for step in steps:
                await _write(session, step)
            await session.commit()
        return steps

    async def apply(self, projection: Projection) -> None:
        """The write itself, also used by the rebuild from history."""
        async with self._writes.session() as session:
            await _write(session, projection)
            await session.commit()


async def _write(session: AsyncSession, projection: Projection) -> None:
    if projection.intake is not None:
        await _insert_case(session, projection.intake)
    await _insert_event(session, projection.event)
    await _patch_case(session, projection.event, projection.case)
    for task in projection.opened_tasks:
        await _open_task(session, task)
    for patch in projection.assignments:
        await _patch_assignment(session, projection.event.case_number, patch)
    await _queue_notifications(session, projection)


async def _insert_case(session: AsyncSession, intake: CaseIntake) -> None:
    row = {
        "case_number": intake.case_number,
        "tracking_code": intake.tracking_code,
        "channel": intake.channel.value,
        "appeal_type": intake.appeal_type.value,
        "status": CaseStatus.REGISTERED.value,
        "citizen_name": intake.citizen.name,
        "citizen_phone": intake.citizen.phone,
        "anonymous": intake.citizen.anonymous,
        "district_code": intake.place.district,
        "street_code": intake.place.street,
        "address": intake.place.address,
        "latitude": intake.place.latitude,
        "longitude": intake.place.longitude,
        "category_code": intake.category,
        "tier": intake.tier,
        "title": intake.title,
        "content": intake.content,
        "escalation_level": 0,
        "received_at": intake.received_at,
        "updated_at": intake.received_at,
        "last_event_seq": 0,
    }
    await session.execute(upsert(session, Case, row, keys=["case_number"], update=[]))


async def _insert_event(session: AsyncSession, event: CaseEventRecord) -> None:
    row = {
        "case_number": event.case_number,
        "seq": event.seq,
        "kind": event.kind.value,
        "occurred_at": event.occurred_at,
        "actor_user": event.actor.user,
        "actor_role": event.actor.role.value,
        "actor_department": event.actor.department,
        "summary": event.summary,
        "data": event.data,
    }
    await session.execute(upsert(session, CaseEvent, row, keys=["case_number", "seq"], update=_EVENT_CONTENT))


_EVENT_CONTENT = ["kind", "occurred_at", "actor_user", "actor_role", "actor_department", "summary", "data"]


async def _patch_case(session: AsyncSession, event: CaseEventRecord, patch: CasePatch | None) -> None:
    values: dict[str, Any] = {"last_event_seq": event.seq, "updated_at": event.occurred_at}
    if patch is not None:
        for field, value in patch.model_dump(exclude_none=True, exclude={"deferral_ended"}).items():
            values[_CASE_COLUMNS.get(field, field)] = getattr(value, "value", value)
        if patch.deferral_ended:
            values["deferred_until"] = None
    await session.execute(
        update(Case)
        .where(col(Case.case_number) == event.case_number, col(Case.last_event_seq) <= event.seq)
        .values(**values)
    )


_CASE_COLUMNS = {"lead_department": "lead_department_code"}


async def _open_task(session: AsyncSession, task: TaskAssignment) -> None:
    row = {
        "task_id": task.task_id,
        "case_number": task.case_number,
        "department_code": task.department,
        "role": task.role.value,
        "status": AssignmentStatus.OPEN.value,
        "assigned_at": task.assigned_at,
        "due_at": task.due_at,
    }
    # Not the status or the token: those belong to later steps and to the department's task activity.
    await session.execute(upsert(session, Assignment, row, keys=["task_id"], update=_OPENED_TASK))


_OPENED_TASK = ["department_code", "role", "assigned_at", "due_at"]


async def _queue_notifications(session: AsyncSession, projection: Projection) -> None:
    event = projection.event
    for position, notification in enumerate(projection.notifications):
        row = {
            "case_number": event.case_number,
            "seq": event.seq,
            "position": position,
            "recipient_kind": notification.recipient_kind,
            "recipient": notification.recipient,
            "template": notification.template,
            "data": notification.data,
            "created_at": event.occurred_at,
        }
        await session.execute(
            upsert(session, OutboxMessage, row, keys=["case_number", "seq", "position"], update=_MESSAGE)
        )


_MESSAGE = ["recipient_kind", "recipient", "template", "data", "created_at"]


async def _patch_assignment(session: AsyncSession, case_number: str, patch: AssignmentPatch) -> None:
    dumped = patch.model_dump(exclude_none=True, exclude={"task_id", "extension_ruled"})
    values = {k: getattr(v, "value", v) for k, v in dumped.items()}
    if patch.extension_ruled:
        values["extension_requested_until"] = None
    if not values:
        return
    await session.execute(
        update(Assignment)
        .where(col(Assignment.task_id) == patch.task_id, col(Assignment.case_number) == case_number)
        .values(**values)
    )
