"""POST /api/v1/audit/cases/{n}/replay: auditors and admins replay a case's history against the current
code; an auditor's replay is logged in the case access log; other roles are refused."""

from __future__ import annotations

from typing import Any

import httpx
from sqlmodel import select

from hotline.db import SessionFactory
from hotline.models import CaseAccess
from tests.helpers import open_case_with_task


async def test_an_auditor_replays_a_running_case_and_the_read_is_logged(
    api: httpx.AsyncClient, login: Any, sessions: SessionFactory, case_worker: Any
) -> None:
    number, _ = await open_case_with_task(api, login)
    response = await api.post(f"/api/v1/audit/cases/{number}/replay", headers=await login("auditor"))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["case_number"] == number and body["ok"] is True
    [run] = body["runs"]
    assert run["ok"] is True and run["failure"] is None and run["event_id"] is None
    assert run["workflow_id"] == number and run["events"] == body["events"] > 5
    async with sessions() as session:
        logged = list(
            (
                await session.execute(
                    select(CaseAccess).where(
                        CaseAccess.case_number == number, CaseAccess.kind == "audit_replay"
                    )
                )
            ).scalars()
        )
    assert [(a.username, a.role) for a in logged] == [("auditor", "auditor")]


async def test_replay_is_for_auditors_and_admins_only(
    api: httpx.AsyncClient, login: Any, case_worker: Any
) -> None:
    number, _ = await open_case_with_task(api, login)
    path = f"/api/v1/audit/cases/{number}/replay"
    assert (await api.post(path, headers=await login("admin"))).json()["ok"] is True
    for role in ("dispatcher", "supervisor1", "water"):
        assert (await api.post(path, headers=await login(role))).status_code == 403
    missing = await api.post("/api/v1/audit/cases/XN-NO-SUCH-CASE/replay", headers=await login("auditor"))
    assert missing.status_code == 404
