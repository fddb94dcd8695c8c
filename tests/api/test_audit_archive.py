"""The audit history download (Temporal or archive) and the archive's metadata, for auditors and admins."""

from typing import Any

import httpx
from sqlmodel import select
from temporalio.client import Client

from hotline import archive
from hotline.db import SessionFactory
from hotline.models import CaseAccess
from hotline.settings import Settings
from tests.audit.test_archive import closed_case


async def auditor_reads(sessions: SessionFactory, number: str) -> list[str]:
    async with sessions() as session:
        rows = await session.execute(
            select(CaseAccess.kind).where(CaseAccess.case_number == number, CaseAccess.username == "auditor")
        )
        return list(rows.scalars())


async def test_an_auditor_downloads_the_history_and_it_hashes_as_archived(
    api: httpx.AsyncClient,
    login: Any,
    temporal: Client,
    sessions: SessionFactory,
    settings: Settings,
    case_worker: Any,
) -> None:
    number = await closed_case(temporal, sessions, settings)
    auditor = await login("auditor")
    not_yet = await api.get(f"/api/v1/audit/cases/{number}/archive", headers=auditor)
    assert not_yet.status_code == 404 and not_yet.json()["code"] == "case_not_archived"

    await archive.archive(client=temporal, sessions=sessions, case_number=number)
    meta = (await api.get(f"/api/v1/audit/cases/{number}/archive", headers=auditor)).json()
    whole = await api.get(f"/api/v1/audit/cases/{number}/history", headers=auditor)
    assert whole.status_code == 200
    body = whole.json()
    assert body["case_number"] == number and [r["run_id"] for r in body["runs"]] == meta["run_ids"]
    assert archive.sha256(archive.canonical(body)) == meta["content_sha256"]
    events = body["runs"][0]["history"]["events"]
    assert len(events) == meta["event_count"]
    assert events[0]["eventType"] == "EVENT_TYPE_WORKFLOW_EXECUTION_STARTED"

    run_id = meta["run_ids"][0]
    one = await api.get(f"/api/v1/audit/cases/{number}/history", params={"run": run_id}, headers=auditor)
    assert one.json() == body
    other = await api.get(f"/api/v1/audit/cases/{number}/history", params={"run": "nope"}, headers=auditor)
    assert other.status_code == 404 and other.json()["code"] == "run_not_found"
    assert (await auditor_reads(sessions, number)).count("audit_export") == 2

    admin = await login("admin")
    assert (await api.get(f"/api/v1/audit/cases/{number}/history", headers=admin)).status_code == 200
    for user in ("dispatcher", "supervisor1", "water"):
        refused = await api.get(f"/api/v1/audit/cases/{number}/history", headers=await login(user))
        assert refused.status_code == 403, user
    unknown = await api.get("/api/v1/audit/cases/XN00000000-424242/history", headers=auditor)
    assert unknown.status_code == 404 and unknown.json()["code"] == "case_not_found"
