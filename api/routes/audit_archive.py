"""Auditors' downloads of a case's history (from Temporal, or the archive after retention) and the
archive's metadata. Auditors and admins only; an auditor's every call is logged."""

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from api.access import allow
from api.deps import SessionDep, TemporalDep
from hotline import audit_export
from hotline.audit_export import ArchiveInfo
from hotline.auth import Principal
from hotline.db import SessionFactory
from hotline.enums import Role

router = APIRouter(prefix="/api/v1/audit", tags=["audit"])
Auditor = Annotated[Principal, allow(Role.AUDITOR, Role.ADMIN)]


def sessions_of(request: Request) -> SessionFactory:
    """The history's archive fallback opens sessions of its own."""
    sessions: SessionFactory = request.app.state.sessions
    return sessions


@router.get("/cases/{case_number}/history")
async def case_history(
    case_number: str,
    user: Auditor,
    session: SessionDep,
    client: TemporalDep,
    request: Request,
    run: Annotated[str | None, Query(description="One run's id; every run if left out")] = None,
) -> dict[str, Any]:
    """`{case_number, runs: [{run_id, history}]}`, each history in Temporal's JSON format (the SDK
    Replayer and the `temporal` CLI read it)."""
    return await audit_export.history_document(
        client=client,
        sessions=sessions_of(request),
        session=session,
        principal=user,
        case_number=case_number,
        run_id=run,
    )


@router.get("/cases/{case_number}/archive", response_model=ArchiveInfo)
async def case_archive(case_number: str, user: Auditor, session: SessionDep) -> ArchiveInfo:
    """The archived history's SHA-256, event count, runs and times; 404 while not archived."""
    return await audit_export.archive_info(session=session, principal=user, case_number=case_number)
