"""回访 The return-visit queue: cases whose reply was accepted, the longest waiting first, each with the
citizen to call and the departments' replies to read out.

A visit operator must call the citizen, so the contact details are shown in full; each sight is logged
in the case access log, as on the case page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from hotline import cases
from hotline.auth import Principal
from hotline.case_filters import Queue
from hotline.enums import AssignmentRole, AssignmentStatus, Role
from hotline.models import Assignment, Case, CaseAccess, Department
from hotline.schemas import CasePublic, CasesPublic


@dataclass(frozen=True)
class ReplyToRead:
    department: str
    department_name: str
    role: str
    text: str
    outcome: str | None
    replied_at: datetime | None


@dataclass(frozen=True)
class VisitItem:
    case: CasePublic
    citizen_name: str | None
    citizen_phone: str | None
    anonymous: bool
    replies: list[ReplyToRead] = field(default_factory=list)


@dataclass(frozen=True)
class VisitQueue:
    listing: CasesPublic
    items: list[VisitItem]


async def awaiting(*, session: AsyncSession, principal: Principal, page: int = 1) -> VisitQueue:
    listing = await cases.queue(session=session, principal=principal, name=Queue.VISITS, page=page)
    numbers = [c.case_number for c in listing.items]
    contacts = {
        c.case_number: c
        for c in (await session.execute(select(Case).where(col(Case.case_number).in_(numbers)))).scalars()
    }
    replies = await _replies(session, numbers)
    items = [
        VisitItem(
            case=c,
            citizen_name=contacts[c.case_number].citizen_name,
            citizen_phone=contacts[c.case_number].citizen_phone,
            anonymous=contacts[c.case_number].anonymous,
            replies=replies.get(c.case_number, []),
        )
        for c in listing.items
    ]
    await _log_sights(session, principal, [i for i in items if i.citizen_phone or i.citizen_name])
    return VisitQueue(listing=listing, items=items)


async def _replies(session: AsyncSession, numbers: list[str]) -> dict[str, list[ReplyToRead]]:
    """Each department's latest reply, the lead's first."""
    rows = (
        await session.execute(
            select(Assignment, Department.name)
            .join(Department, col(Department.code) == col(Assignment.department_code))
            .where(
                col(Assignment.case_number).in_(numbers),
                Assignment.status == AssignmentStatus.REPLIED,
                col(Assignment.reply_text).is_not(None),
            )
            .order_by(col(Assignment.replied_at).desc())
        )
    ).all()
    found: dict[str, dict[str, ReplyToRead]] = {}
    for a, name in rows:
        latest = found.setdefault(a.case_number, {})
        latest.setdefault(
            a.department_code,
            ReplyToRead(a.department_code, name, a.role, a.reply_text or "", a.outcome, a.replied_at),
        )
    return {
        number: sorted(by_department.values(), key=lambda r: r.role != AssignmentRole.LEAD)
        for number, by_department in found.items()
    }


async def _log_sights(session: AsyncSession, principal: Principal, items: list[VisitItem]) -> None:
    if not items:
        return
    principal.require(Role.VISIT_OPERATOR)
    now = datetime.now(UTC)
    session.add_all(
        CaseAccess(
            case_number=i.case.case_number,
            username=principal.username,
            role=principal.role.value,
            kind="unmasked",
            at=now,
        )
        for i in items
    )
    await session.commit()
