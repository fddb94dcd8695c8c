"""The outbox: messages go out in order, are marked sent only once sent, and nothing is lost."""

import uuid
from datetime import UTC, datetime

import pytest
from sqlmodel import col, select

from activities.read_model import ReadModelActivities
from hotline.contracts import SYSTEM_ACTOR, CaseEventRecord, Notification, Projection
from hotline.db import SessionFactory
from hotline.enums import EventKind
from hotline.models import OutboxMessage
from hotline.notify import RecordingSender, deliver_pending
from tests.helpers import case_intake


async def _queue(sessions: SessionFactory, templates: list[str]) -> str:
    intake = case_intake()
    event = CaseEventRecord(
        case_number=intake.case_number,
        seq=1,
        kind=EventKind.REGISTERED,
        occurred_at=datetime.now(UTC),
        actor=SYSTEM_ACTOR,
        summary="受理",
    )
    notes = [
        Notification(recipient_kind="department", recipient="company.water", template=t) for t in templates
    ]
    await ReadModelActivities(sessions).project(Projection(event=event, intake=intake, notifications=notes))
    return intake.case_number


async def _unsent(sessions: SessionFactory, case_number: str) -> list[str]:
    async with sessions() as session:
        rows = await session.execute(
            select(OutboxMessage.template).where(
                OutboxMessage.case_number == case_number, col(OutboxMessage.sent_at).is_(None)
            )
        )
        return list(rows.scalars())


async def test_pending_messages_are_sent_in_order_and_marked(sessions: SessionFactory) -> None:
    await deliver_pending(sessions, RecordingSender(), batch_size=10_000)  # earlier tests' messages
    case_number = await _queue(sessions, ["warning", "overdue", "escalated"])
    sender = RecordingSender()
    assert await deliver_pending(sessions, sender) == 3
    assert [entry[3] for entry in sender.sent] == ["warning", "overdue", "escalated"]
    assert await _unsent(sessions, case_number) == []
    assert await deliver_pending(sessions, RecordingSender()) == 0


async def test_a_failing_sender_leaves_the_messages_for_the_next_run(sessions: SessionFactory) -> None:
    await deliver_pending(sessions, RecordingSender(), batch_size=10_000)
    case_number = await _queue(sessions, ["urged"])

    class Down:
        async def send(self, message: OutboxMessage) -> None:
            raise ConnectionError(f"gateway down ({uuid.uuid4().hex[:4]})")

    with pytest.raises(ConnectionError):
        await deliver_pending(sessions, Down())
    assert await _unsent(sessions, case_number) == ["urged"]
