"""Citizens without a login: track by tracking code and the phone's last four digits, rate, withdraw."""

from typing import Any

import httpx

from tests.helpers import PIPE_BURST, appeal, eventually, new_key


async def _registered(api: httpx.AsyncClient, login: Any) -> dict[str, Any]:
    created = await api.post(
        "/api/v1/cases", json=appeal(), headers={**await login("dispatcher"), "Idempotency-Key": new_key()}
    )
    return dict(created.json())


def _key(receipt: dict[str, Any], last4: str = PIPE_BURST["citizen_phone"][-4:]) -> dict[str, str]:
    return {"tracking_code": receipt["tracking_code"].lower(), "phone_last4": last4}


async def test_tracking_shows_progress_and_no_personal_data(
    api: httpx.AsyncClient, login: Any, case_worker: Any
) -> None:
    receipt = await _registered(api, login)

    async def tracked() -> dict[str, Any] | None:
        response = await api.post("/api/v1/public/track", json=_key(receipt))
        return response.json() if response.status_code == 200 and response.json()["events"] else None

    view = await eventually(tracked)
    assert view["case_number"] == receipt["case_number"] and view["category"] == "水管爆裂"
    assert view["reply"] is None and view["can_rate"] is False
    text = str(view)
    assert PIPE_BURST["citizen_phone"] not in text and PIPE_BURST["citizen_name"] not in text


async def test_wrong_digits_look_like_no_case_and_guessing_is_stopped(
    api: httpx.AsyncClient, login: Any
) -> None:
    receipt = await _registered(api, login)
    misses = [await api.post("/api/v1/public/track", json=_key(receipt, f"{n:04d}")) for n in range(10)]
    unknown = await api.post(
        "/api/v1/public/track", json={"tracking_code": "ZZZZZZZZZZ", "phone_last4": "1234"}
    )
    blocked = await api.post("/api/v1/public/track", json=_key(receipt))
    assert {m.status_code for m in misses} == {404}
    assert misses[0].json()["code"] == unknown.json()["code"] == "case_not_found"
    assert blocked.status_code == 429


async def test_the_citizen_rates_the_reply_and_the_case_closes(
    api: httpx.AsyncClient, login: Any, case_worker: Any
) -> None:
    receipt = await _registered(api, login)
    number, water, dispatcher = receipt["case_number"], await login("water"), await login("dispatcher")

    async def task_id() -> str | None:
        tasks = (await api.get("/api/v1/tasks", params={"status": "open"}, headers=water)).json()
        return next((t["task_id"] for t in tasks if t["case_number"] == number), None)

    task = await eventually(task_id)
    await api.post(f"/api/v1/tasks/{task}/reply", json={"text": "已修复，恢复供水"}, headers=water)

    async def status(wanted: str) -> bool:
        return (await api.get(f"/api/v1/cases/{number}", headers=dispatcher)).json()["status"] == wanted

    await eventually(lambda: status("replied"))
    await api.post(f"/api/v1/cases/{number}/review", json={"accept": True}, headers=dispatcher)
    view = (await api.post("/api/v1/public/track", json=_key(receipt))).json()
    assert view["can_rate"] and view["reply"] == "已修复，恢复供水"
    rated = await api.post(
        "/api/v1/public/rate",
        json={**_key(receipt), "resolved": True, "rating": "satisfied", "comment": "很及时"},
    )
    assert rated.status_code == 200
    await eventually(lambda: status("closed"))
    case = (await api.get(f"/api/v1/cases/{number}", headers=dispatcher)).json()
    visited = next(e for e in case["timeline"] if e["kind"] == "visited")
    assert visited["actor_role"] == "citizen" and visited["data"]["rating"] == "satisfied"


async def test_the_citizen_withdraws_the_appeal(api: httpx.AsyncClient, login: Any, case_worker: Any) -> None:
    receipt = await _registered(api, login)

    async def withdrawable() -> bool:
        response = await api.post("/api/v1/public/track", json=_key(receipt))
        return response.status_code == 200 and response.json()["can_withdraw"]

    await eventually(withdrawable)
    withdrawn = await api.post("/api/v1/public/withdraw", json={**_key(receipt), "reason": "问题已自行解决"})
    assert withdrawn.status_code == 200

    async def closed() -> bool:
        return (await api.post("/api/v1/public/track", json=_key(receipt))).json()["status"] == "closed"

    await eventually(closed)


async def test_public_endpoints_are_rate_limited_per_address(api: httpx.AsyncClient) -> None:
    body = {"tracking_code": "ABCDEFGHJK", "phone_last4": "0000"}
    codes = [(await api.post("/api/v1/public/track", json=body)).status_code for _ in range(31)]
    assert codes.count(429) >= 1 and codes[0] == 404
