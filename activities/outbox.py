"""The outbox delivery activity, run by the outbox schedule."""

from temporalio import activity

from hotline import notify
from hotline.db import SessionFactory


class OutboxActivities:
    def __init__(self, sessions: SessionFactory, sender: notify.NotificationSender) -> None:
        self._sessions = sessions
        self._sender = sender

    @activity.defn(name="deliver_outbox")
    async def deliver_outbox(self, batch_size: int) -> int:
        return await notify.deliver_pending(self._sessions, self._sender, batch_size)
