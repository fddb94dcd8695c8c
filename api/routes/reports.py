"""Reports (日报告 周分析 月通报 年总结): read a stored report's content, or make one now.

Readers: analysts, supervisors, auditors, admins and dispatchers. Making one on demand: analysts,
supervisors and admins; it stores a new version of the period's report (hotline/report_store.py).
"""

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field

from api.access import allow
from api.deps import SessionDep, SettingsDep
from hotline import report_periods, report_store
from hotline.auth import Principal
from hotline.db import SessionFactory
from hotline.enums import Role
from hotline.report_periods import GeneratedBy, ReportKind
from hotline.report_store import ReportVersion

router = APIRouter(prefix="/api/v1/reports", tags=["reports"])

READERS = (Role.ANALYST, Role.SUPERVISOR, Role.AUDITOR, Role.ADMIN, Role.DISPATCHER)
MAKERS = (Role.ANALYST, Role.SUPERVISOR, Role.ADMIN)
Reader = Annotated[Principal, allow(*READERS)]
Maker = Annotated[Principal, allow(*MAKERS)]


class ReportRunIn(BaseModel):
    period: str = Field(
        description="The period's name (2026-11-25, 2026-W48, 2026-11, 2026) or any date inside it",
        examples=["2026-11-25"],
    )


class ReportOut(BaseModel):
    kind: ReportKind
    period: str
    period_start: str
    period_end: str  # exclusive
    version: int
    generated_at: datetime
    generated_by: GeneratedBy
    requested_by: str | None
    versions: list[ReportVersion]  # newest first
    content: dict[str, Any]  # hotline/report_content.py, by kind


@router.post("/{kind}", status_code=201, response_model=ReportVersion)
async def run_report(
    kind: ReportKind, body: ReportRunIn, user: Maker, request: Request, settings: SettingsDep
) -> ReportVersion:
    """Make the period's report now from the read model; stored as its next version."""
    sessions: SessionFactory = request.app.state.sessions
    return await report_store.generate(
        sessions=sessions,
        settings=settings,
        period=report_periods.parse(kind, body.period),
        now=datetime.now(UTC),
        generated_by=GeneratedBy.USER,
        requested_by=user.username,
    )


@router.get("/{kind}/{period}", response_model=ReportOut)
async def read_report(
    kind: ReportKind,
    period: str,
    user: Reader,
    session: SessionDep,
    version: Annotated[int | None, Query(ge=1, description="A version; the latest if left out")] = None,
) -> ReportOut:
    """The period's report (latest version unless asked), with the list of its versions."""
    chosen = report_periods.parse(kind, period)
    row = await report_store.get(session=session, period=chosen, version=version)
    return ReportOut(
        kind=ReportKind(row.kind),
        period=row.period_key,
        period_start=row.period_start.isoformat(),
        period_end=row.period_end.isoformat(),
        version=row.version,
        generated_at=row.generated_at,
        generated_by=GeneratedBy(row.generated_by),
        requested_by=row.requested_by,
        versions=await report_store.versions(session=session, period=chosen),
        content=row.content,
    )
