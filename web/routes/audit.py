"""审计 The auditor's pages: a case's history from Temporal as a timeline, each task's clock, and the case
as it stood at a moment the auditor picks (in the city's time zone); links to replay and export."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import BaseModel, Field

from api.deps import SessionsDep, SettingsDep, TemporalDep
from hotline import audit_reads, directory
from hotline.auth import Principal
from hotline.db import SessionFactory
from hotline.enums import Role
from web import audit_labels, forms, labels
from web.render import gettext_for, page_allow, render

router = APIRouter(include_in_schema=False)
AuditUser = Annotated[Principal, page_allow(Role.AUDITOR, Role.ADMIN)]


class MomentIn(BaseModel):
    at: datetime | None = None


class CaseIn(BaseModel):
    case: str = Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9-]+$")


async def _names(sessions: SessionFactory) -> directory.Names:
    async with sessions() as session:
        return await directory.names(session=session)


@router.get("/audit", response_class=HTMLResponse, response_model=None)
async def index(request: Request, user: AuditUser) -> HTMLResponse | RedirectResponse:
    """Open a case's audit by its number."""
    errors: forms.FormErrors = {}
    if "case" in request.query_params:
        found, errors = forms.parse(CaseIn, dict(request.query_params), gettext_for(request))
        if found is not None:
            return RedirectResponse(f"/audit/cases/{found.case}", status_code=303)
    return render(
        request,
        "audit/index.html",
        status_code=422 if errors else 200,
        errors=errors,
        values=request.query_params,
    )


@router.get("/audit/cases/{case_number}", response_class=HTMLResponse)
async def case_audit(
    request: Request,
    case_number: str,
    user: AuditUser,
    sessions: SessionsDep,
    client: TemporalDep,
    settings: SettingsDep,
) -> HTMLResponse:
    data = forms.local_times(forms.blank_to_none(dict(request.query_params)), ("at",), settings.timezone)
    moment, errors = forms.parse(MomentIn, {"at": data.get("at")}, gettext_for(request))
    at = moment.at if moment is not None and moment.at is not None else datetime.now(UTC)
    timeline, clock = await audit_reads.case_audit(
        client=client, sessions=sessions, principal=user, case_number=case_number, at=at
    )
    picked = request.query_params.get("at") if errors else None
    return render(
        request,
        "audit/case.html",
        status_code=422 if errors else 200,
        case_number=case_number,
        timeline=timeline,
        clock=clock,
        at_value=picked or at.astimezone(ZoneInfo(settings.timezone)).strftime("%Y-%m-%dT%H:%M:%S"),
        errors=errors,
        words=audit_labels.WORDS,
        events=labels.EVENT,
        names=await _names(sessions),
    )
