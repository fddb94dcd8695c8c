"""Delivering the outbox: notifications written with the events that cause them, sent afterwards.

A sender is pluggable (SMS gateway, government messaging platform, e-mail); the default only records
that a message would have gone out, so the embedded system needs no outside service.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Protocol

from sqlmodel import col, select

from hotline.db import SessionFactory
from hotline.models import OutboxMessage

log = logging.getLogger(__name__)


class NotificationSender(Protocol):
    async def send(self, message: OutboxMessage) -> None: ...


class RecordingSender:
    """Records each message in the log (no personal data: case, recipient and template only)."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str, str, str]] = []

    async def send(self, message: OutboxMessage) -> None:
        entry = (message.case_number, message.recipient_kind, message.recipient, message.template)
        self.sent.append(entry)
        log.info("notification case=%s to=%s:%s template=%s", *entry)


SENDERS: dict[str, type[RecordingSender]] = {"record": RecordingSender}


async def deliver_pending(sessions: SessionFactory, sender: NotificationSender, batch_size: int = 200) -> int:
    """Send up to `batch_size` unsent messages in order and mark them sent; returns how many went out.

    A message is marked sent only after its sender returned, so a crash resends rather than loses it.
    """
    async with sessions() as session:
        query = (
            select(OutboxMessage).where(col(OutboxMessage.sent_at).is_(None)).order_by(col(OutboxMessage.id))
        )
        if session.bind is not None and session.bind.dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)  # several workers may deliver at once
        messages = list((await session.execute(query.limit(batch_size))).scalars())
        for message in messages:
            await sender.send(message)
            message.sent_at = datetime.now(UTC)
        await session.commit()
    return len(messages)
