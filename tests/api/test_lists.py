"""Case lists: filters, sorting and paging from the read model; work queues per role."""

from collections.abc import Callable
from typing import Any

import httpx
from fastapi import FastAPI

from tests.clock import at_intake, fast_clock
from tests.helpers import PROPERTY_CERTIFICATE, appeal, eventually, new_key


async def _register(api: httpx.AsyncClient, headers: dict[str, str], body: dict[str, Any]) -> str:
    response = await api.post("/api/v1/cases", json=body, headers={**headers, "Idempotency-Key": new_key()})
    assert response.status_code == 201, response.text
    return str(response.json()["case_number"])


async def _numbers(api: httpx.AsyncClient, headers: dict[str, str], **params: Any) -> list[str]:
    response = await api.get("/api/v1/cases", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return [c["case_number"] for c in response.json()["items"]]


async def test_filters_combine_and_sort(api: httpx.AsyncClient, login: Any, case_worker: Any) -> None:
    dispatcher = await login("dispatcher")
    marker = new_key()[-8:]
    pipe = await _register(api, dispatcher, appeal(title=f"水管爆裂 {marker}"))
    certificate = await _register(api, dispatcher, appeal(PROPERTY_CERTIFICATE, title=f"房产证 {marker}"))

    async def both_dispatched() -> bool:
        listed = await _numbers(api, dispatcher, text=marker, status=["handling"])
        return set(listed) == {pipe, certificate}

    await eventually(both_dispatched)
    assert await _numbers(api, dispatcher, text=marker, category="housing.certificate") == [certificate]
    assert await _numbers(api, dispatcher, text=marker, district="chengdong") == [pipe]
    assert await _numbers(api, dispatcher, text=marker, department="city.registry") == [
        certificate
    ]  # assisting
    assert await _numbers(api, dispatcher, text=marker, tier=11) == [certificate]
    assert await _numbers(api, dispatcher, text=marker, sort="due_at", descending=False) == [
        pipe,
        certificate,
    ]
    assert await _numbers(
        api, dispatcher, text=marker, page_size=1, page=2, sort="received_at", descending=True
    ) == [pipe]
    assert await _numbers(api, dispatcher, text=marker, overdue=True) == []
    bad = await api.get("/api/v1/cases", params={"status": "nonsense"}, headers=dispatcher)
    assert bad.status_code == 422 and bad.json()["details"]["fields"][0]["field"].endswith("status.0")


async def test_a_department_lists_only_cases_it_holds(
    api: httpx.AsyncClient, login: Any, case_worker: Any
) -> None:
    dispatcher, forestry = await login("dispatcher"), await login("forestry")
    marker = new_key()[-8:]
    await _register(api, dispatcher, appeal(title=f"爆管 {marker}"))
    park = await _register(api, dispatcher, appeal(category="park.opening_hours", title=f"公园 {marker}"))

    async def only_park() -> bool:
        return await _numbers(api, forestry, text=marker) == [park]

    await eventually(only_park)


async def test_the_review_and_visit_queues(api: httpx.AsyncClient, login: Any, case_worker: Any) -> None:
    dispatcher, water, visitor = await login("dispatcher"), await login("water"), await login("visitor")
    number = await _register(api, dispatcher, appeal())

    async def task() -> str | None:
        tasks = (await api.get("/api/v1/tasks", params={"status": "open"}, headers=water)).json()
        return next((t["task_id"] for t in tasks if t["case_number"] == number), None)

    await api.post(f"/api/v1/tasks/{await eventually(task)}/reply", json={"text": "已修复"}, headers=water)

    async def in_queue(name: str, headers: dict[str, str]) -> bool:
        response = await api.get(f"/api/v1/queues/{name}", params={"page_size": 200}, headers=headers)
        return number in [c["case_number"] for c in response.json()["items"]]

    await eventually(lambda: in_queue("review", dispatcher))
    await api.post(f"/api/v1/cases/{number}/review", json={"accept": True}, headers=dispatcher)
    await eventually(lambda: in_queue("visits", visitor))
    assert not await in_queue("review", dispatcher)
    wrong = await api.get("/api/v1/queues/review", headers=visitor)
    assert wrong.status_code == 403


async def test_supervisors_see_escalations_from_their_own_level_up(
    app: FastAPI, api: httpx.AsyncClient, login: Any, worker_factory: Callable[..., Any]
) -> None:
    dispatcher, level1, level3 = (
        await login("dispatcher"),
        await login("supervisor1"),
        await login("supervisor3"),
    )
    clock = fast_clock(due_seconds=1, sign_for_seconds=30, escalation_seconds=(60, 60))
    at_intake(app, clock)
    async with worker_factory(replace_activities=clock):
        number = await _register(api, dispatcher, appeal())

        async def escalated(headers: dict[str, str]) -> bool:
            response = await api.get("/api/v1/queues/escalated", params={"page_size": 200}, headers=headers)
            return number in [c["case_number"] for c in response.json()["items"]]

        await eventually(lambda: escalated(level1))
        assert not await escalated(level3)
        overdue = await api.get("/api/v1/queues/overdue", params={"page_size": 200}, headers=dispatcher)
        assert number in [c["case_number"] for c in overdue.json()["items"]]
