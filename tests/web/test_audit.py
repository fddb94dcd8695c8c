"""The auditor's page: a real case's history, each task's clock, the case at a picked moment (city
time), links to replay and export; for auditors and admins only, reached from the case page."""

from __future__ import annotations

import asyncio
import re
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from sqlmodel import select

from hotline.db import SessionFactory
from hotline.models import CaseAccess
from tests.helpers import PIPE_BURST, eventually, open_case_with_task

CITY = ZoneInfo("Asia/Shanghai")
ENGLISH = {"Accept-Language": "en"}


async def _signed_and_replied(api: httpx.AsyncClient, login: Any) -> tuple[str, datetime]:
    """The burst pipe, signed for and replied by the water company; the sign-for's time."""
    number, task_id = await open_case_with_task(api, login)
    water = await login("water")
    await asyncio.sleep(1.6)  # the moment picker has whole seconds: one between dispatch and sign-for
    assert (await api.post(f"/api/v1/tasks/{task_id}/sign-for", headers=water)).status_code == 200
    assert (
        await api.post(f"/api/v1/tasks/{task_id}/reply", json={"text": "已修复"}, headers=water)
    ).status_code == 202
    auditor = await login("auditor")

    async def signed_at() -> datetime | None:
        body = (await api.get(f"/api/v1/audit/cases/{number}/timeline", headers=auditor)).json()
        steps = {e["name"]: e for e in body["entries"] if e["kind"] == "step"}
        if "awaiting_review" not in steps:
            return None
        return datetime.fromisoformat(steps["signed_for"]["occurred_at"])

    return number, await eventually(signed_at)


def _table(html: str, table_id: str) -> str:
    found = re.search(rf'<table[^>]*id="{table_id}".*?</table>', html, re.S)
    assert found is not None, table_id
    return " ".join(found.group(0).split())


async def test_an_auditor_reads_who_did_what_and_when(
    api: httpx.AsyncClient, login: Any, sessions: SessionFactory, case_worker: Any
) -> None:
    number, _signed = await _signed_and_replied(api, login)
    auditor = await login("auditor")
    page = await api.get(f"/audit/cases/{number}", headers=auditor)
    assert page.status_code == 200
    history = _table(page.text, "history")
    assert "操作 · 签收" in history and "water" in history and "西宁供水（集团）有限责任公司" in history
    assert "已修复" in history and "dispatcher" in history and "计时器" in history
    assert PIPE_BURST["citizen_phone"] not in page.text
    assert "派单时的时限" in page.text  # the task's clock segment
    for link in ("replay", "export.json", "report.html"):
        assert f'href="/audit/cases/{number}/{link}"' in page.text
    async with sessions() as session:
        kinds = [
            row.kind
            for row in (
                await session.execute(select(CaseAccess).where(CaseAccess.case_number == number))
            ).scalars()
            if row.username == "auditor"
        ]
    assert "audit_timeline" in kinds and "audit_clock" in kinds

    case_page = await api.get(f"/cases/{number}", headers=auditor)
    assert f'href="/audit/cases/{number}"' in case_page.text
    dispatcher_page = await api.get(f"/cases/{number}", headers=await login("dispatcher"))
    assert "/audit/cases/" not in dispatcher_page.text


async def test_the_moment_picker_shows_the_case_as_it_stood_in_city_time(
    api: httpx.AsyncClient, login: Any, case_worker: Any
) -> None:
    number, signed = await _signed_and_replied(api, login)
    admin = {**await login("admin"), **ENGLISH}
    # Whole seconds: within 1.2 s before the sign-for, and after the dispatch (1.6 s before it).
    before = (signed - timedelta(seconds=0.2)).astimezone(CITY).strftime("%Y-%m-%dT%H:%M:%S")
    then = await api.get(f"/audit/cases/{number}", params={"at": before}, headers=admin)
    assert then.status_code == 200
    assert "Awaiting sign-for" in _table(then.text, "tasks-then") and f'value="{before}"' in then.text
    now = await api.get(f"/audit/cases/{number}", headers=admin)
    assert "Replied" in _table(now.text, "tasks-then")
    wrong = await api.get(f"/audit/cases/{number}", params={"at": "yesterday"}, headers=admin)
    assert wrong.status_code == 422 and 'id="at-error"' in wrong.text


async def test_the_audit_page_is_for_auditors_and_admins(
    api: httpx.AsyncClient, login: Any, case_worker: Any
) -> None:
    number, _task = await open_case_with_task(api, login)
    for user in ("water", "dispatcher", "supervisor1"):
        refused = await api.get(f"/audit/cases/{number}", headers=await login(user))
        assert refused.status_code == 403 and "role_not_allowed" in refused.text, user
    unknown = await api.get("/audit/cases/XN00000000-424242", headers=await login("auditor"))
    assert unknown.status_code == 404


async def test_the_audit_index_opens_a_case_by_number(api: httpx.AsyncClient, login: Any) -> None:
    auditor = await login("auditor")
    index = await api.get("/audit", headers=auditor)
    assert index.status_code == 200 and 'href="/audit"' in index.text
    opened = await api.get("/audit", params={"case": "XN20260101-000001"}, headers=auditor)
    assert opened.status_code == 303 and opened.headers["location"] == "/audit/cases/XN20260101-000001"
    bad = await api.get("/audit", params={"case": "../admin"}, headers=auditor)
    assert bad.status_code == 422 and 'id="case-error"' in bad.text
