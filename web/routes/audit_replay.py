"""审计 · 重放: an auditor replays a case's stored history against the current workflow code and reads the
outcome in words — each run clean, or the event where the code and the history part, and why."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from api.deps import SessionsDep, TemporalDep
from hotline import replay
from hotline.auth import Principal
from hotline.enums import Role
from web import csrf
from web.render import page_allow, render

router = APIRouter(include_in_schema=False)
AuditUser = Annotated[Principal, page_allow(Role.AUDITOR, Role.ADMIN)]
PAGE = "/audit/cases/{case_number}/replay"


@router.get(PAGE, response_class=HTMLResponse)
async def replay_page(request: Request, case_number: str, user: AuditUser) -> HTMLResponse:
    """The replay button; nothing is read from the history until the auditor presses it."""
    return render(request, "audit/replay.html", case_number=case_number, outcome=None)


@router.post(PAGE, response_class=HTMLResponse, dependencies=[Depends(csrf.check)])
async def replay_now(
    request: Request, case_number: str, user: AuditUser, sessions: SessionsDep, client: TemporalDep
) -> HTMLResponse:
    outcome = await replay.replay_for(
        client=client, sessions=sessions, principal=user, case_number=case_number
    )
    return render(request, "audit/replay.html", case_number=case_number, outcome=outcome)
