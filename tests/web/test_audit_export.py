"""The audit page's downloads: the history as JSON in Temporal's format, and the readable report."""

from typing import Any

import httpx
from temporalio.client import Client, WorkflowHistory

from hotline import archive, history
from hotline.db import SessionFactory
from hotline.settings import Settings
from tests.api.test_audit_archive import auditor_reads
from tests.audit.test_archive import closed_case


async def test_an_auditor_downloads_the_history_and_a_readable_report(
    api: httpx.AsyncClient,
    login: Any,
    temporal: Client,
    sessions: SessionFactory,
    settings: Settings,
    case_worker: Any,
) -> None:
    number = await closed_case(temporal, sessions, settings)
    auditor = await login("auditor")
    exported = await api.get(f"/audit/cases/{number}/export.json", headers=auditor)
    assert exported.status_code == 200
    assert exported.headers["content-disposition"] == f'attachment; filename="{number}-history.json"'
    (run,) = exported.json()["runs"]
    live = await history.fetch(client=temporal, case_number=number)
    assert list(WorkflowHistory.from_json(number, run["history"]).events) == list(live.runs[0].history.events)

    report = await api.get(f"/audit/cases/{number}/report.html", headers=auditor)
    assert report.status_code == 200 and report.headers["content-type"].startswith("text/html")
    page = report.text
    assert archive.sha256(archive.canonical(exported.json())) in page
    assert f"<dd>{live.event_count}</dd>" in page and "未归档 not archived" in page
    steps = history.projections(live)
    for step in steps:
        assert step.event.summary in page
    assert "visitor" in page and "visit_operator" in page and "company.water" in page
    assert "13800001234" not in page  # the citizen's phone stays masked

    assert await auditor_reads(sessions, number) == ["audit_export", "audit_export"]
    for user in ("dispatcher", "supervisor1"):
        refused = await api.get(f"/audit/cases/{number}/report.html", headers=await login(user))
        assert refused.status_code == 403, user
