"""督办单 Supervision orders as the timeline tells them: which orders still wait for a department's answer.

The orders live in the case's history (events `order_issued` and `order_answered`). Only the order events
of cases the department has held are read: an order can only be addressed to such a department.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from hotline.auth import Principal
from hotline.enums import CaseStatus, EventKind, Role
from hotline.models import Assignment, Case, CaseEvent

_ORDER_EVENTS = (EventKind.ORDER_ISSUED.value, EventKind.ORDER_ANSWERED.value)


@dataclass(frozen=True)
class OpenOrder:
    """A supervision order the department has not answered yet."""

    order_id: str
    case_number: str
    title: str
    level: int
    instructions: str
    reply_by: datetime
    issued_by: str
    issued_at: datetime


async def unanswered(*, session: AsyncSession, principal: Principal) -> list[OpenOrder]:
    """The department's unanswered supervision orders, the earliest reply-by time first."""
    principal.require(Role.DEPARTMENT)
    held = select(Assignment.case_number).where(Assignment.department_code == principal.department)
    rows = (
        await session.execute(
            select(CaseEvent, Case.title)
            .join(Case, col(Case.case_number) == col(CaseEvent.case_number))
            .where(
                col(CaseEvent.kind).in_(_ORDER_EVENTS),
                col(CaseEvent.case_number).in_(held),
                col(Case.status) != CaseStatus.CLOSED,  # a closed case takes no answer
            )
            .order_by(col(CaseEvent.case_number), col(CaseEvent.seq))
        )
    ).all()
    answered = {e.data.get("order_id") for e, _ in rows if e.kind == EventKind.ORDER_ANSWERED}
    orders = [
        OpenOrder(
            order_id=str(e.data["order_id"]),
            case_number=e.case_number,
            title=title,
            level=int(e.data.get("level", 0)),
            instructions=str(e.data.get("instructions", "")),
            reply_by=datetime.fromisoformat(str(e.data["reply_by"])),
            issued_by=str(e.data.get("issued_by", e.actor_user)),
            issued_at=datetime.fromisoformat(str(e.data.get("issued_at", e.occurred_at.isoformat()))),
        )
        for e, title in rows
        if e.kind == EventKind.ORDER_ISSUED
        and e.data.get("department") == principal.department
        and e.data.get("order_id") not in answered
    ]
    return sorted(orders, key=lambda o: o.reply_by)
