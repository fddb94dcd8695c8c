"""(b) and (c): full-lifecycle cases through the HTTP API, with simulated people on the standard path.

A dispatcher registers the appeal (POST /api/v1/cases, catalogue route); the department finds the task in
its inbox, signs for it and replies; the dispatcher finds the case in the review queue and accepts the
reply; the visit operator records a satisfied visit; the case closes. Departments and the dispatcher
poll their inbox and queue as people's screens do: one request per poll for all waiting cases, only while
someone waits. The close is seen as the workflow's result (one long poll to Temporal per case).
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
from temporalio.client import Client

from bench.measure import Latencies, Throughput, run_bounded
from hotline import bootstrap

POLL_SECONDS = 0.1

# Categories that the dispatch catalogue sends straight to one department that has a demo login.
DEPARTMENTS = {
    "water": "water.outage",
    "registry": "housing.registration",
    "forestry": "park.tree_hazard",
    "construction": "traffic.road_damage",
}
INTAKE, SIGN_FOR, REPLY, REVIEW, VISIT = "intake", "sign-for", "reply", "review", "visit"


def appeal(category: str, number: int) -> dict[str, Any]:
    return {
        "channel": "hotline",
        "appeal_type": "help",
        "citizen_name": "王女士",
        "citizen_phone": f"138{number:08d}"[-11:],
        "district": "chengdong",
        "address": f"和盛园小区二期东院{number}号楼",
        "category": category,
        "title": f"压测诉求 {number}",
        "content": "基准测试生成的诉求，按标准流程办结。",
    }


def _expect(response: httpx.Response, status: int) -> Any:
    if response.status_code != status:
        raise RuntimeError(
            f"{response.request.method} {response.request.url} → {response.status_code}: "
            f"{response.text[:300]}"
        )
    return response.json() if response.content else None


class Watcher:
    """Someone who refreshes a list and acts on what appears: waiters by key, one fetch serves all."""

    def __init__(self, fetch: Callable[[], Awaitable[dict[str, str]]]) -> None:
        self._fetch = fetch
        self._waiting: dict[str, asyncio.Future[str]] = {}
        self._wake = asyncio.Event()

    async def wait_for(self, key: str) -> str:
        future = asyncio.get_running_loop().create_future()
        self._waiting[key] = future
        self._wake.set()
        return await future

    async def run(self) -> None:
        while True:
            await self._wake.wait()
            try:
                found = await self._fetch()
            except Exception as error:  # the cases waiting on this list fail with the reason, not hang
                for future in self._waiting.values():
                    future.set_exception(error)
                raise
            for key in found.keys() & self._waiting.keys():
                self._waiting.pop(key).set_result(found[key])
            if not self._waiting:
                self._wake.clear()
            await asyncio.sleep(POLL_SECONDS)


@dataclass
class People:
    http: httpx.AsyncClient
    headers: dict[str, dict[str, str]]
    inboxes: dict[str, Watcher]
    review_queue: Watcher


async def log_in(http: httpx.AsyncClient) -> dict[str, dict[str, str]]:
    headers = {}
    for user in ["dispatcher", "visitor", *DEPARTMENTS]:
        body = {"username": user, "password": bootstrap.DEMO_PASSWORD}
        token = _expect(await http.post("/api/v1/auth/login", json=body), 200)["token"]
        headers[user] = {"Authorization": f"Bearer {token}"}
    return headers


def people(http: httpx.AsyncClient, headers: dict[str, dict[str, str]]) -> People:
    def inbox(user: str) -> Callable[[], Awaitable[dict[str, str]]]:
        async def fetch() -> dict[str, str]:
            response = await http.get("/api/v1/tasks", params={"status": "open"}, headers=headers[user])
            return {task["case_number"]: task["task_id"] for task in _expect(response, 200)}

        return fetch

    async def review_queue() -> dict[str, str]:
        response = await http.get(
            "/api/v1/queues/review", params={"page_size": 200}, headers=headers["dispatcher"]
        )
        return {case["case_number"]: case["case_number"] for case in _expect(response, 200)["items"]}

    return People(http, headers, {user: Watcher(inbox(user)) for user in DEPARTMENTS}, Watcher(review_queue))


async def standard_case(people: People, temporal: Client, number: int, latencies: Latencies) -> str:
    """One case from intake to closed; its case number."""
    http, headers = people.http, people.headers
    department, category = list(DEPARTMENTS.items())[number % len(DEPARTMENTS)]
    async with latencies.timed(INTAKE):
        response = await http.post(
            "/api/v1/cases",
            json=appeal(category, number),
            headers={**headers["dispatcher"], "Idempotency-Key": f"bench-{uuid.uuid4().hex}"},
        )
    case_number = str(_expect(response, 201)["case_number"])
    task_id = await people.inboxes[department].wait_for(case_number)
    async with latencies.timed(SIGN_FOR):
        response = await http.post(f"/api/v1/tasks/{task_id}/sign-for", headers=headers[department])
    _expect(response, 200)
    reply = {"text": "已到现场处理完毕，恢复正常。", "contacted_citizen": True}
    async with latencies.timed(REPLY):
        response = await http.post(f"/api/v1/tasks/{task_id}/reply", json=reply, headers=headers[department])
    _expect(response, 202)
    await people.review_queue.wait_for(case_number)
    async with latencies.timed(REVIEW):
        response = await http.post(
            f"/api/v1/cases/{case_number}/review", json={"accept": True}, headers=headers["dispatcher"]
        )
    _expect(response, 200)
    visit = {"reached": True, "resolved": True, "rating": "satisfied", "comment": "满意"}
    async with latencies.timed(VISIT):
        response = await http.post(
            f"/api/v1/cases/{case_number}/visits", json=visit, headers=headers["visitor"]
        )
    _expect(response, 200)
    outcome = await temporal.get_workflow_handle(case_number).result()
    if outcome.get("status") != "closed":
        raise RuntimeError(f"{case_number} ended {outcome}")
    return case_number


async def lifecycle(
    http: httpx.AsyncClient, temporal: Client, *, count: int, concurrency: int, latencies: Latencies
) -> tuple[Throughput, list[str]]:
    """`count` standard cases, `concurrency` in flight; the throughput and the closed case numbers."""
    crowd = people(http, await log_in(http))
    closed: list[str] = []

    async def one(number: int) -> None:
        closed.append(await standard_case(crowd, temporal, number, latencies))

    watchers = [asyncio.create_task(w.run()) for w in [*crowd.inboxes.values(), crowd.review_queue]]
    try:
        throughput = await run_bounded(count, concurrency, one)
    finally:
        for task in watchers:
            task.cancel()
    return throughput, closed
