"""An auditor's downloads of a case's history — the JSON in Temporal's format, the HTML report — and the
archive's metadata. The history comes from Temporal, or from the archive once Temporal no longer has it;
an auditor's every download is logged in `case_access_log` (kind `audit_export`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession
from temporalio.client import Client

from hotline import archive, archive_report, history
from hotline.audit_reads import log_read
from hotline.auth import Principal
from hotline.db import SessionFactory
from hotline.errors import NotFound
from hotline.models import CaseArchive

EXPORT = "audit_export"
ARCHIVE_READ = "audit_archive"


class ArchiveInfo(BaseModel):
    case_number: str
    content_sha256: str
    event_count: int
    run_ids: list[str]
    closed_at: datetime
    archived_at: datetime


async def history_document(
    *,
    client: Client,
    sessions: SessionFactory,
    session: AsyncSession,
    principal: Principal,
    case_number: str,
    run_id: str | None = None,
) -> dict[str, Any]:
    """`{case_number, runs: [{run_id, history}]}`: every run, or only `run_id`'s."""
    doc = archive.document(await history.load(client=client, sessions=sessions, case_number=case_number))
    if run_id is not None:
        doc["runs"] = [run for run in doc["runs"] if run["run_id"] == run_id]
        if not doc["runs"]:
            raise NotFound("run_not_found", f"Case {case_number} has no run {run_id}.")
    await log_read(session=session, principal=principal, case_number=case_number, kind=EXPORT)
    return doc


async def archive_info(*, session: AsyncSession, principal: Principal, case_number: str) -> ArchiveInfo:
    row = await archive.info(session=session, case_number=case_number)
    info = ArchiveInfo.model_validate(row, from_attributes=True)
    await log_read(session=session, principal=principal, case_number=case_number, kind=ARCHIVE_READ)
    return info


async def report(
    *,
    client: Client,
    sessions: SessionFactory,
    session: AsyncSession,
    principal: Principal,
    case_number: str,
    timezone: str,
) -> str:
    case_history = await history.load(client=client, sessions=sessions, case_number=case_number)
    archived = await session.get(CaseArchive, case_number)
    html = await archive_report.render(case_history=case_history, archived=archived, timezone=timezone)
    await log_read(session=session, principal=principal, case_number=case_number, kind=EXPORT)
    return html
