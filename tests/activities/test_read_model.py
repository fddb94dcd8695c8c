"""The projection writes each event once and never moves a case backwards."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from activities.read_model import ReadModelActivities
from hotline.contracts import SYSTEM_ACTOR, CaseEventRecord, CasePatch, Projection, TaskAssignment
from hotline.db import SessionFactory
from hotline.enums import AssignmentRole, CaseStatus, EventKind
from hotline.models import Assignment, Case, CaseEvent
from tests.helpers import case_intake


def _event(case_number: str, seq: int, kind: EventKind, at: datetime) -> CaseEventRecord:
    return CaseEventRecord(
        case_number=case_number, seq=seq, kind=kind, occurred_at=at, actor=SYSTEM_ACTOR, summary=kind.value
    )


async def test_a_retried_projection_writes_one_event(sessions: SessionFactory) -> None:
    intake = case_intake()
    projection = Projection(
        event=_event(intake.case_number, 1, EventKind.REGISTERED, intake.received_at), intake=intake
    )
    activities = ReadModelActivities(sessions)
    await activities.project(projection)
    await activities.project(projection)
    async with sessions() as session:
        count = (
            await session.execute(
                select(func.count()).select_from(CaseEvent).where(CaseEvent.case_number == intake.case_number)
            )
        ).scalar_one()
        case = await session.get(Case, intake.case_number)
    assert count == 1
    assert case is not None and case.status == CaseStatus.REGISTERED and case.last_event_seq == 1


async def test_an_older_patch_arriving_late_does_not_undo_a_newer_one(sessions: SessionFactory) -> None:
    intake = case_intake()
    start = intake.received_at
    activities = ReadModelActivities(sessions)
    await activities.project(
        Projection(event=_event(intake.case_number, 1, EventKind.REGISTERED, start), intake=intake)
    )
    closed = Projection(
        event=_event(intake.case_number, 3, EventKind.CLOSED, start + timedelta(minutes=2)),
        case=CasePatch(status=CaseStatus.CLOSED, closed_at=start + timedelta(minutes=2)),
    )
    handling = Projection(
        event=_event(intake.case_number, 2, EventKind.DISPATCHED, start + timedelta(minutes=1)),
        case=CasePatch(status=CaseStatus.HANDLING, lead_department="company.water"),
    )
    await activities.project(closed)
    await activities.project(handling)
    async with sessions() as session:
        case = await session.get(Case, intake.case_number)
        seqs = list(
            (
                await session.execute(
                    select(CaseEvent.seq)
                    .where(CaseEvent.case_number == intake.case_number)
                    .order_by(CaseEvent.seq)
                )
            ).scalars()
        )
    assert case is not None
    assert case.status == CaseStatus.CLOSED and case.lead_department_code is None
    assert case.closed_at == (start + timedelta(minutes=2)).astimezone(UTC)
    assert seqs == [1, 2, 3]  # the timeline keeps every event, whatever order they landed in


def _dispatched(case_number: str, at: datetime) -> Projection:
    due = at + timedelta(days=1)
    event = _event(case_number, 2, EventKind.DISPATCHED, at)
    return Projection(
        event=event.model_copy(update={"data": {"due_at": due.isoformat()}}),
        case=CasePatch(status=CaseStatus.HANDLING, lead_department="company.water", due_at=due),
        opened_tasks=[
            TaskAssignment(
                case_number=case_number,
                task_id=f"{case_number}-T1",
                department="company.water",
                role=AssignmentRole.LEAD,
                assigned_at=at,
                due_at=due,
            )
        ],
    )


async def test_a_step_run_again_after_a_lost_workflow_task_keeps_the_second_write(
    sessions: SessionFactory,
) -> None:
    """A worker killed after projecting a step, before its workflow task completed: the step runs again
    on another worker with another clock, and only that attempt is in the history. The read model must
    end with that attempt, or it disagrees with the history for good."""
    intake = case_intake()
    start = intake.received_at
    activities = ReadModelActivities(sessions)
    await activities.project(
        Projection(event=_event(intake.case_number, 1, EventKind.REGISTERED, start), intake=intake)
    )
    lost, kept = (
        _dispatched(intake.case_number, start),
        _dispatched(intake.case_number, start + timedelta(seconds=7)),
    )
    await activities.project(lost)
    await activities.project(kept)
    async with sessions() as session:
        case = await session.get(Case, intake.case_number)
        task = await session.get(Assignment, f"{intake.case_number}-T1")
        event = await session.get(CaseEvent, (intake.case_number, 2))
    assert kept.case is not None and kept.case.due_at is not None
    assert case is not None and case.due_at == kept.case.due_at and case.last_event_seq == 2
    assert task is not None and task.assigned_at == kept.opened_tasks[0].assigned_at
    assert task.due_at == kept.opened_tasks[0].due_at
    assert event is not None and event.occurred_at == kept.event.occurred_at
    assert event.data == kept.event.data
