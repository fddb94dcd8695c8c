"""审计导出 An auditor's downloads from the audit pages: the case's history as JSON in Temporal's format
(every run), and the readable HTML report. Auditors and admins; an auditor's every download is logged."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse

from api.deps import SessionDep, SettingsDep, TemporalDep
from api.routes.audit_archive import sessions_of
from hotline import audit_export
from hotline.auth import Principal
from hotline.enums import Role
from web.render import page_allow

router = APIRouter(include_in_schema=False)
AuditUser = Annotated[Principal, page_allow(Role.AUDITOR, Role.ADMIN)]


@router.get("/audit/cases/{case_number}/export.json")
async def export_json(
    request: Request, case_number: str, user: AuditUser, session: SessionDep, client: TemporalDep
) -> JSONResponse:
    doc = await audit_export.history_document(
        client=client, sessions=sessions_of(request), session=session, principal=user, case_number=case_number
    )
    return JSONResponse(doc, headers=_attachment(f"{case_number}-history.json"))


@router.get("/audit/cases/{case_number}/report.html", response_class=HTMLResponse)
async def report_html(
    request: Request,
    case_number: str,
    user: AuditUser,
    session: SessionDep,
    client: TemporalDep,
    settings: SettingsDep,
) -> HTMLResponse:
    html = await audit_export.report(
        client=client,
        sessions=sessions_of(request),
        session=session,
        principal=user,
        case_number=case_number,
        timezone=settings.timezone,
    )
    return HTMLResponse(html, headers=_attachment(f"{case_number}-report.html", inline=True))


def _attachment(filename: str, inline: bool = False) -> dict[str, str]:
    return {"Content-Disposition": f'{"inline" if inline else "attachment"}; filename="{filename}"'}
