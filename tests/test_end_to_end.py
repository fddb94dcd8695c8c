"""The first path end to end through the real stack: API → workflow → department → closed,
seen in the read model, on the HTML pages and in Temporal's visibility with its search attributes."""

from typing import Any

import httpx
from temporalio.client import Client

from tests.helpers import appeal, eventually, new_key


async def test_burst_pipe_from_intake_to_close(
    api: httpx.AsyncClient, login: Any, temporal: Client, case_worker: Any
) -> None:
    dispatcher, water = await login("dispatcher"), await login("water")

    created = await api.post(
        "/api/v1/cases", json=appeal(), headers={**dispatcher, "Idempotency-Key": new_key()}
    )
    assert created.status_code == 201
    number = created.json()["case_number"]

    async def open_task() -> dict[str, Any] | None:
        tasks = (await api.get("/api/v1/tasks", params={"status": "open"}, headers=water)).json()
        return next((t for t in tasks if t["case_number"] == number), None)

    task = await eventually(open_task)
    assert task["role"] == "lead"
    handling = (await api.get(f"/api/v1/cases/{number}", headers=dispatcher)).json()
    assert handling["status"] == "handling" and handling["lead_department"] == "company.water"

    signed = await api.post(f"/api/v1/tasks/{task['task_id']}/sign-for", headers=water)
    assert signed.status_code == 200 and signed.json()["status"] == "handling"
    reply = await api.post(
        f"/api/v1/tasks/{task['task_id']}/reply",
        json={"text": "经过一天抢修，当日晚修复完毕，小区恢复正常供水。", "contacted_citizen": True},
        headers=water,
    )
    assert reply.status_code == 202

    async def replied() -> dict[str, Any] | None:
        case = (await api.get(f"/api/v1/cases/{number}", headers=dispatcher)).json()
        return case if case["status"] == "replied" else None

    await eventually(replied)
    reviewed = await api.post(f"/api/v1/cases/{number}/review", json={"accept": True}, headers=dispatcher)
    assert reviewed.status_code == 200 and reviewed.json()["status"] == "visiting"
    visited = await api.post(
        f"/api/v1/cases/{number}/visits",
        json={"reached": True, "resolved": True, "rating": "satisfied", "comment": "修得很快"},
        headers=await login("visitor"),
    )
    assert visited.status_code == 200

    async def closed() -> dict[str, Any] | None:
        case = (await api.get(f"/api/v1/cases/{number}", headers=dispatcher)).json()
        return case if case["status"] == "closed" else None

    case = await eventually(closed)
    assert [(e["kind"], e["actor_user"]) for e in case["timeline"]] == [
        ("registered", "dispatcher"),
        ("dispatched", "system"),
        ("signed_for", "water"),
        ("replied", "water"),
        ("awaiting_review", "system"),
        ("review_accepted", "dispatcher"),
        ("visited", "visitor"),
        ("closed", "system"),
    ]
    assert case["assignments"][0]["reply_text"].startswith("经过一天抢修")
    assert case["closed_at"] is not None

    listing = (await api.get("/api/v1/cases", params={"status": "closed"}, headers=dispatcher)).json()
    assert number in {c["case_number"] for c in listing["items"]}

    async def visible() -> list[Any] | None:
        found = [
            w
            async for w in temporal.list_workflows(
                f"CaseStatus = 'closed' AND CaseDistrict = 'chengdong' AND CaseCategory = 'water.pipe_burst' "
                f"AND CaseTier = 1 AND CaseDepartments = 'company.water' AND WorkflowId = '{number}'"
            )
        ]
        return found or None

    [execution] = await eventually(visible)
    assert execution.workflow_type == "CaseWorkflow"

    api.cookies.set("hotline_session", dispatcher["Authorization"].removeprefix("Bearer "))
    list_page = await api.get("/cases")
    case_page = await api.get(f"/cases/{number}")
    assert list_page.status_code == 200 and number in list_page.text
    assert case_page.status_code == 200 and "已办结" in case_page.text and "当日晚修复完毕" in case_page.text
