"""督办 The supervisor's board: what is late, by how much, and what waits for a supervisor's word.

Escalated cases at or above the supervisor's level (grouped by level), overdue cases, deferral requests
(挂账) waiting for a ruling, and decisions due after the reopen limit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from hotline import cases
from hotline.auth import Principal
from hotline.case_filters import CaseFilter, Queue, SortKey
from hotline.enums import CaseStatus, EventKind, Role
from hotline.models import Case, CaseEvent
from hotline.schemas import CasePublic, CasesPublic

_DEFERRAL_EVENTS = (
    EventKind.DEFERRAL_REQUESTED.value,
    EventKind.DEFERRAL_RULED.value,
    EventKind.DEFERRAL_ENDED.value,
)
BOARD_SIZE = 50  # cases per list; the search page has the rest


@dataclass(frozen=True)
class LateCase:
    case: CasePublic
    late_by: timedelta | None  # None: not past its due time (escalated for a task's own clock)


@dataclass(frozen=True)
class LevelGroup:
    level: int
    cases: list[LateCase]


@dataclass(frozen=True)
class DeferralRequest:
    case_number: str
    title: str
    status: str
    department: str | None
    plan: str
    target_date: datetime | None
    requested_at: datetime


@dataclass
class Board:
    escalated: list[LevelGroup] = field(default_factory=list)
    escalated_total: int = 0
    overdue: list[LateCase] = field(default_factory=list)
    overdue_total: int = 0
    deferrals: list[DeferralRequest] = field(default_factory=list)
    decisions: CasesPublic | None = None


def late(case: CasePublic, now: datetime) -> LateCase:
    due = case.due_at
    if due is not None and due.tzinfo is None:
        due = due.replace(tzinfo=UTC)
    return LateCase(case=case, late_by=now - due if due is not None and due < now else None)


async def for_supervisor(*, session: AsyncSession, principal: Principal) -> Board:
    principal.require(Role.SUPERVISOR)
    now = datetime.now(UTC)
    escalated = await cases.queue(
        session=session, principal=principal, name=Queue.ESCALATED, page_size=BOARD_SIZE
    )
    overdue = await cases.list_cases(
        session=session,
        principal=principal,
        case_filter=CaseFilter(overdue=True, sort=SortKey.DUE_AT, descending=False, page_size=BOARD_SIZE),
    )
    levels = sorted({c.escalation_level for c in escalated.items}, reverse=True)
    return Board(
        escalated=[
            LevelGroup(level, [late(c, now) for c in escalated.items if c.escalation_level == level])
            for level in levels
        ],
        escalated_total=escalated.total,
        overdue=[late(c, now) for c in overdue.items],
        overdue_total=overdue.total,
        deferrals=await deferrals_waiting(session=session, principal=principal),
        decisions=await cases.queue(
            session=session, principal=principal, name=Queue.DECISIONS, page_size=BOARD_SIZE
        ),
    )


async def deferrals_waiting(*, session: AsyncSession, principal: Principal) -> list[DeferralRequest]:
    """Cases whose latest deferral event is a request: no supervisor has ruled on it yet."""
    principal.require(Role.SUPERVISOR)
    latest = (
        select(CaseEvent.case_number, func.max(CaseEvent.seq).label("seq"))
        .where(col(CaseEvent.kind).in_(_DEFERRAL_EVENTS))
        .group_by(col(CaseEvent.case_number))
        .subquery()
    )
    rows = (
        await session.execute(
            select(CaseEvent, Case)
            .join(
                latest,
                (col(CaseEvent.case_number) == latest.c.case_number) & (col(CaseEvent.seq) == latest.c.seq),
            )
            .join(Case, col(Case.case_number) == col(CaseEvent.case_number))
            .where(CaseEvent.kind == EventKind.DEFERRAL_REQUESTED, col(Case.status) != CaseStatus.CLOSED)
            .order_by(col(CaseEvent.occurred_at))
        )
    ).all()
    return [
        DeferralRequest(
            case_number=case.case_number,
            title=case.title,
            status=case.status,
            department=event.data.get("department"),
            plan=str(event.data.get("plan", "")),
            target_date=_parse(event.data.get("target_date")),
            requested_at=event.occurred_at,
        )
        for event, case in rows
    ]


def _parse(value: object) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) else None
