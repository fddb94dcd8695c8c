"""Intake paths through the API: a consultation answered on the spot, and withdrawal (撤单)."""

from typing import Any

import httpx

from tests.helpers import appeal, eventually, new_key


async def _case(api: httpx.AsyncClient, headers: dict[str, str], number: str) -> dict[str, Any] | None:
    response = await api.get(f"/api/v1/cases/{number}", headers=headers)
    return response.json() if response.status_code == 200 else None


async def test_a_consultation_answered_at_intake_closes_without_dispatch(
    api: httpx.AsyncClient, login: Any, case_worker: Any
) -> None:
    dispatcher = await login("dispatcher")
    body = appeal(
        appeal_type="consultation",
        title="办理居住证需要哪些材料",
        answer="携带身份证和租房合同到所在街道办理。",
    )
    created = await api.post("/api/v1/cases", json=body, headers={**dispatcher, "Idempotency-Key": new_key()})
    assert created.status_code == 201
    number = created.json()["case_number"]

    async def closed() -> dict[str, Any] | None:
        case = await _case(api, dispatcher, number)
        return case if case and case["status"] == "closed" else None

    case = await eventually(closed)
    assert case["assignments"] == [] and case["lead_department"] is None
    assert [e["kind"] for e in case["timeline"]] == ["registered", "resolved_at_intake", "closed"]
    assert case["timeline"][-1]["data"]["reason"] == "resolved_at_intake"


async def test_only_a_consultation_can_be_answered_at_intake(api: httpx.AsyncClient, login: Any) -> None:
    response = await api.post(
        "/api/v1/cases",
        json=appeal(appeal_type="complaint", answer="已答复"),
        headers={**await login("dispatcher"), "Idempotency-Key": new_key()},
    )
    assert response.status_code == 422 and "answer" in response.json()["message"] + str(
        response.json()["details"]
    )


async def test_withdrawal_voids_the_open_task_and_closes_the_case(
    api: httpx.AsyncClient, login: Any, case_worker: Any
) -> None:
    dispatcher, water = await login("dispatcher"), await login("water")
    created = await api.post(
        "/api/v1/cases", json=appeal(), headers={**dispatcher, "Idempotency-Key": new_key()}
    )
    number = created.json()["case_number"]

    async def open_task() -> str | None:
        tasks = (await api.get("/api/v1/tasks", params={"status": "open"}, headers=water)).json()
        return next((t["task_id"] for t in tasks if t["case_number"] == number), None)

    task_id = await eventually(open_task)
    withdrawn = await api.post(
        f"/api/v1/cases/{number}/withdraw", json={"reason": "市民已自行解决"}, headers=dispatcher
    )
    assert withdrawn.status_code == 200

    async def closed() -> dict[str, Any] | None:
        case = await _case(api, dispatcher, number)
        return case if case and case["status"] == "closed" else None

    case = await eventually(closed)
    assert case["assignments"][0]["status"] == "void"
    assert case["timeline"][-1]["data"]["reason"] == "withdrawn"
    late = await api.post(f"/api/v1/tasks/{task_id}/reply", json={"text": "已修好"}, headers=water)
    assert late.status_code == 409
    again = await api.post(
        f"/api/v1/cases/{number}/withdraw", json={"reason": "再次撤单"}, headers=dispatcher
    )
    assert again.status_code == 409 and again.json()["code"] == "case_closed"
