"""The auditor's API: a real case's timeline (who did what and when, from the Temporal history), the
clock as it stood at a chosen moment, unknown cases, and the access log of auditors' reads."""

from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlmodel import select

from hotline.db import SessionFactory
from hotline.models import CaseAccess
from tests.helpers import PIPE_BURST, eventually, open_case_with_task


async def _replied_case(api: httpx.AsyncClient, login: Any) -> tuple[str, str]:
    """The dispatcher registers the burst pipe; the water company signs for it and replies."""
    number, task_id = await open_case_with_task(api, login)
    water = await login("water")
    signed = await api.post(
        f"/api/v1/tasks/{task_id}/sign-for", headers={**water, "Idempotency-Key": "s-" + number}
    )
    assert signed.status_code == 200, signed.text
    replied = await api.post(
        f"/api/v1/tasks/{task_id}/reply", json={"text": "已抢修完毕，恢复供水"}, headers=water
    )
    assert replied.status_code == 202, replied.text
    return number, task_id


async def _timeline(api: httpx.AsyncClient, number: str, headers: dict[str, str]) -> dict[str, Any]:
    async def replied() -> dict[str, Any] | None:
        response = await api.get(f"/api/v1/audit/cases/{number}/timeline", headers=headers)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return (
            body
            if any(e["kind"] == "step" and e["name"] == "awaiting_review" for e in body["entries"])
            else None
        )

    return await eventually(replied)


async def _log(sessions: SessionFactory, number: str) -> list[tuple[str, str]]:
    async with sessions() as session:
        rows = (await session.execute(select(CaseAccess).where(CaseAccess.case_number == number))).scalars()
        return [(row.username, row.kind) for row in rows]


async def test_the_timeline_shows_who_did_what_and_when(
    api: httpx.AsyncClient, login: Any, sessions: SessionFactory, case_worker: Any
) -> None:
    number, task_id = await _replied_case(api, login)
    body = await _timeline(api, number, await login("auditor"))
    entries = body["entries"]
    assert body["case_number"] == number and len(body["runs"]) == 1
    assert [e["event_id"] for e in entries] == sorted(e["event_id"] for e in entries)
    started = entries[0]
    assert (started["kind"], started["actor"]["user"], started["actor"]["role"]) == (
        "run_started",
        "dispatcher",
        "dispatcher",
    )
    registered = next(e for e in entries if e["name"] == "registered")
    assert registered["actor"]["user"] == "dispatcher" and registered["seq"] == 1
    sign_for = next(e for e in entries if e["kind"] == "action")
    assert sign_for["name"] == "sign_for" and sign_for["task_id"] == task_id
    assert sign_for["actor"] == {
        "user": "water",
        "role": "department",
        "department": "company.water",
        "supervision_level": None,
    }
    reply = next(e for e in entries if e["kind"] == "task_replied")
    assert reply["task_id"] == task_id and reply["actor"]["user"] == "water"
    assert reply["summary"] == "已抢修完毕，恢复供水" and reply["occurred_at"] is not None
    scheduled = next(e for e in entries if e["kind"] == "task_scheduled")
    assert scheduled["details"]["department"] == "company.water"
    timers = {e["name"]: e for e in entries if e["kind"] == "timer_started"}
    assert set(timers) == {"sign_for", "warning"}  # the due time's timer waits for the warning
    due_at = datetime.fromisoformat(scheduled["details"]["due_at"])
    assert datetime.fromisoformat(timers["warning"]["fires_at"]) < due_at
    cancelled = {e["name"] for e in entries if e["kind"] == "timer_cancelled"}
    assert cancelled == {"sign_for", "warning"}  # signed for, then replied: both waits end
    assert all(e["time"] for e in entries)
    assert not any(e["kind"].startswith("workflow_task") for e in entries)
    assert PIPE_BURST["citizen_phone"] not in str(body)
    assert ("auditor", "audit_timeline") in await _log(sessions, number)


async def test_the_clock_shows_the_case_as_it_stood(
    api: httpx.AsyncClient, login: Any, sessions: SessionFactory, case_worker: Any
) -> None:
    number, task_id = await _replied_case(api, login)
    auditor = await login("auditor")
    entries = (await _timeline(api, number, auditor))["entries"]
    signed_at = datetime.fromisoformat(next(e for e in entries if e["name"] == "signed_for")["occurred_at"])

    now = (await api.get(f"/api/v1/audit/cases/{number}/clock", headers=auditor)).json()
    [task] = now["tasks"]
    assert task["task_id"] == task_id and task["status"] == "replied"
    assert task["signed_at"] is not None and task["sign_for_late"] is False and task["levels"] == []
    assert task["segments"][0]["reason"] == "dispatched" and task["segments"][0]["due_at"] is not None
    assert now["case"]["status"] == "replied" and now["case"]["last_event"]["kind"] == "awaiting_review"

    before = signed_at - timedelta(milliseconds=1)
    then = await api.get(
        f"/api/v1/audit/cases/{number}/clock", params={"at": before.isoformat()}, headers=auditor
    )
    assert then.status_code == 200
    stood = then.json()["case"]
    assert stood["status"] == "handling" and [t["status"] for t in stood["tasks"]] == ["open"]
    assert stood["tasks"][0]["due_at"] == task["segments"][0]["due_at"]
    assert ("auditor", "audit_clock") in await _log(sessions, number)


async def test_supervisors_read_the_timeline_unlogged_but_not_the_clock(
    api: httpx.AsyncClient, login: Any, sessions: SessionFactory, case_worker: Any
) -> None:
    number, _task = await open_case_with_task(api, login)
    supervisor = await login("supervisor1")
    assert (await api.get(f"/api/v1/audit/cases/{number}/timeline", headers=supervisor)).status_code == 200
    clock = await api.get(f"/api/v1/audit/cases/{number}/clock", headers=supervisor)
    assert clock.status_code == 403 and clock.json()["code"] == "role_not_allowed"
    admin = await login("admin")
    assert (await api.get(f"/api/v1/audit/cases/{number}/clock", headers=admin)).status_code == 200
    assert not [row for row in await _log(sessions, number) if row[1].startswith("audit_")]


async def test_a_case_temporal_never_saw_is_not_found(
    api: httpx.AsyncClient, login: Any, sessions: SessionFactory
) -> None:
    auditor = await login("auditor")
    for what in ("timeline", "clock"):
        response = await api.get(f"/api/v1/audit/cases/XN00000000-424242/{what}", headers=auditor)
        assert response.status_code == 404
        assert response.json()["code"] == "case_not_found" and response.json()["message"]
    assert await _log(sessions, "XN00000000-424242") == []
