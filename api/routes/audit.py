"""Auditors' reads of a case's Temporal history: the timeline (supervisors may read it too) and the
clock as it stood at a chosen moment. An auditor's every call is logged in the case access log."""

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query

from api.access import allow
from api.deps import SessionsDep, TemporalDep
from hotline import audit_reads
from hotline.audit_reads import CaseClock
from hotline.audit_schemas import CaseTimeline
from hotline.auth import Principal
from hotline.enums import Role

router = APIRouter(prefix="/api/v1/audit", tags=["audit"])
Auditor = Annotated[Principal, allow(Role.AUDITOR, Role.ADMIN)]
TimelineReader = Annotated[Principal, allow(Role.AUDITOR, Role.ADMIN, Role.SUPERVISOR)]


@router.get("/cases/{case_number}/timeline", response_model=CaseTimeline)
async def timeline(
    case_number: str, user: TimelineReader, sessions: SessionsDep, client: TemporalDep
) -> CaseTimeline:
    """Every meaningful event of the case's history, all runs in order, with actor and time."""
    return await audit_reads.timeline(
        client=client, sessions=sessions, principal=user, case_number=case_number
    )


@router.get("/cases/{case_number}/clock", response_model=CaseClock)
async def clock(
    case_number: str,
    user: Auditor,
    sessions: SessionsDep,
    client: TemporalDep,
    at: Annotated[
        datetime | None, Query(description="The moment to see the case at; now if left out")
    ] = None,
) -> CaseClock:
    """Each task's clock (due-time segments, sign-for, overdue, escalation levels) and the case at `at`."""
    return await audit_reads.clock(
        client=client, sessions=sessions, principal=user, case_number=case_number, at=at
    )
