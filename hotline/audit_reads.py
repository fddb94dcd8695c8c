"""An auditor's reads of a case's history — the timeline and the clock as it stood — each from Temporal
(or the archive once Temporal no longer has the case) and, when the reader is an auditor, logged in
`case_access_log` (who, which case, when, what)."""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession
from temporalio.client import Client

from hotline import audit, audit_clock, history
from hotline.auth import Principal
from hotline.db import SessionFactory
from hotline.enums import Role
from hotline.models import CaseAccess

TIMELINE = "audit_timeline"
CLOCK = "audit_clock"


class CaseClock(BaseModel):
    """Every task's clock over the whole history, and the case as it stood at `at`."""

    case_number: str
    at: datetime
    tasks: list[audit_clock.TaskClock]
    case: audit_clock.CaseAsItStood


async def log_read(*, session: AsyncSession, principal: Principal, case_number: str, kind: str) -> None:
    """An auditor's read of a case is logged; other roles' reads of the history are not."""
    if principal.role != Role.AUDITOR:
        return
    session.add(
        CaseAccess(
            case_number=case_number,
            username=principal.username,
            role=principal.role.value,
            kind=kind,
            at=datetime.now(UTC),
        )
    )
    await session.commit()


async def timeline(
    *, client: Client, sessions: SessionFactory, principal: Principal, case_number: str
) -> audit.CaseTimeline:
    case_history = await history.load(client=client, sessions=sessions, case_number=case_number)
    await _log(sessions, principal, case_number, TIMELINE)
    return audit.timeline(case_history)


async def _log(sessions: SessionFactory, principal: Principal, case_number: str, kind: str) -> None:
    async with sessions() as session:
        await log_read(session=session, principal=principal, case_number=case_number, kind=kind)


def clock_of(case_history: history.CaseHistory, at: datetime) -> CaseClock:
    recorded = audit_clock.read(case_history)
    return CaseClock(
        case_number=case_history.case_number,
        at=at,
        tasks=audit_clock.task_clocks(recorded),
        case=audit_clock.as_it_stood(recorded, at),
    )


async def clock(
    *, client: Client, sessions: SessionFactory, principal: Principal, case_number: str, at: datetime | None
) -> CaseClock:
    case_history = await history.load(client=client, sessions=sessions, case_number=case_number)
    await _log(sessions, principal, case_number, CLOCK)
    return clock_of(case_history, _aware(at) if at is not None else datetime.now(UTC))


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


async def case_audit(
    *, client: Client, sessions: SessionFactory, principal: Principal, case_number: str, at: datetime | None
) -> tuple[audit.CaseTimeline, CaseClock]:
    """The auditor's page: the timeline and the clock from one read of the history, both logged."""
    case_history = await history.load(client=client, sessions=sessions, case_number=case_number)
    for kind in (TIMELINE, CLOCK):
        await _log(sessions, principal, case_number, kind)
    moment = _aware(at) if at is not None else datetime.now(UTC)
    return audit.timeline(case_history), clock_of(case_history, moment)
