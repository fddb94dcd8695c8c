"""A department's inbox (承办单位): its live tasks by due time, its history, and the supervision orders
it still has to answer."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession

from hotline import orders, tasks
from hotline.auth import Principal
from hotline.enums import AssignmentStatus
from hotline.orders import OpenOrder
from hotline.schemas import TaskPublic
from hotline.task_clock import ClockState

_LIVE = {AssignmentStatus.OPEN.value, AssignmentStatus.SIGNED.value}
_HISTORY = {AssignmentStatus.REPLIED.value, AssignmentStatus.RETURNED.value}


@dataclass
class Inbox:
    live: list[TaskPublic] = field(default_factory=list)
    history: list[TaskPublic] = field(default_factory=list)
    orders: list[OpenOrder] = field(default_factory=list)

    @property
    def to_sign(self) -> int:
        return sum(t.status == AssignmentStatus.OPEN for t in self.live)

    @property
    def in_hand(self) -> int:
        return sum(t.status == AssignmentStatus.SIGNED for t in self.live)

    @property
    def late(self) -> int:
        return sum(t.clock == ClockState.OVERDUE for t in self.live)

    @property
    def due_soon(self) -> int:
        return sum(t.clock == ClockState.WARNING for t in self.live)


async def for_department(*, session: AsyncSession, principal: Principal, warning_fraction: float) -> Inbox:
    """Live tasks (待签收, 办理中) soonest due first; replied and returned ones latest first."""
    every = await tasks.inbox(
        session=session, principal=principal, status=None, warning_fraction=warning_fraction
    )
    return Inbox(
        live=[t for t in every if t.status in _LIVE],
        history=sorted((t for t in every if t.status in _HISTORY), key=lambda t: t.assigned_at, reverse=True),
        orders=await orders.unanswered(session=session, principal=principal),
    )
