"""Moves cases along the standard path through the real API, as people would, and keeps going through faults.

intake → sign for → reply → review (accept) → visit (satisfied) → closed. Every request carries an
Idempotency-Key and is sent again, with the same key, after a dropped connection or a 5xx answer (a
worker, an API or the Temporal server may be down at that moment). What the cases have reached is read
from the read model by one `Watcher` for all of them, not by polling the API per case.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

import httpx
from sqlmodel import select

from hotline import bootstrap
from hotline.db import SessionFactory
from hotline.enums import AssignmentRole
from hotline.models import Assignment, Case
from tests.helpers import appeal

T = TypeVar("T")

STANDARD_PATH = [
    "registered",
    "dispatched",
    "signed_for",
    "replied",
    "awaiting_review",
    "review_accepted",
    "visited",
    "closed",
]
STEPS = ("intake", "sign_for", "reply", "review", "visit", "closed")
RETRY_PAUSE_SECONDS = 0.5


def _code_of(response: httpx.Response) -> str:
    try:
        return str(response.json()["code"])
    except (ValueError, KeyError, TypeError):
        return f"HTTP {response.status_code}"


class Watcher:
    """Every case's status and lead task in the read model, refreshed for all waiters at once."""

    def __init__(self, sessions: SessionFactory, interval: float = 0.3) -> None:
        self._sessions = sessions
        self._interval = interval
        self._changed = asyncio.Condition()
        self.status: dict[str, str] = {}
        self.lead_task: dict[str, str] = {}

    async def run(self) -> None:
        while True:
            async with self._sessions() as session:
                status = {
                    number: status
                    for number, status in await session.execute(select(Case.case_number, Case.status))
                }
                tasks = await session.execute(
                    select(Assignment.case_number, Assignment.task_id).where(
                        Assignment.role == AssignmentRole.LEAD.value
                    )
                )
                lead_task = {number: task_id for number, task_id in tasks}
            async with self._changed:
                self.status, self.lead_task = status, lead_task
                self._changed.notify_all()
            await asyncio.sleep(self._interval)

    async def wait(self, probe: Callable[[], T | None]) -> T:
        async with self._changed:
            await self._changed.wait_for(probe)
            found = probe()
            assert found is not None
            return found

    async def status_is(self, number: str, status: str) -> None:
        await self.wait(lambda: self.status.get(number) == status or None)


class Driver:
    """Drives cases through one or more API processes; step k of case i goes to API (i + k) mod n."""

    def __init__(self, urls: Sequence[str], sessions: SessionFactory) -> None:
        limits = httpx.Limits(max_connections=16)
        self._apis = [httpx.AsyncClient(base_url=url, timeout=30, limits=limits) for url in urls]
        self._headers: dict[str, dict[str, str]] = {}
        self.watcher = Watcher(sessions)
        self._watching: asyncio.Task[None] | None = None
        self.done: Counter[str] = Counter()
        self.retries = 0
        self.server_errors: Counter[str] = Counter()  # the 5xx answers retried, by their error code

    async def __aenter__(self) -> Driver:
        for user in ("dispatcher", "water", "visitor"):
            response = await self._post(
                self._apis[0], "/api/v1/auth/login", {"username": user, "password": bootstrap.DEMO_PASSWORD}
            )
            assert response.status_code == 200, response.text
            self._headers[user] = {"Authorization": f"Bearer {response.json()['token']}"}
        self._watching = asyncio.create_task(self.watcher.run())
        return self

    async def __aexit__(self, *_: object) -> None:
        if self._watching is not None:
            self._watching.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watching
        for api in self._apis:
            await api.aclose()

    def _api(self, index: int, step: str) -> httpx.AsyncClient:
        return self._apis[(index + STEPS.index(step)) % len(self._apis)]

    async def _post(
        self, api: httpx.AsyncClient, path: str, body: Any = None, headers: dict[str, str] | None = None
    ) -> httpx.Response:
        """POST until the answer is not a server error; the same headers (and key) every time."""
        while True:
            try:
                response = await api.post(path, json=body, headers=headers)
                if response.status_code < 500:
                    return response
                self.server_errors[_code_of(response)] += 1
            except httpx.TransportError:
                pass
            self.retries += 1
            await asyncio.sleep(RETRY_PAUSE_SECONDS)

    async def _act(self, index: int, step: str, user: str, path: str, body: Any, key: str) -> httpx.Response:
        """An action with its Idempotency-Key, sent again while the answer is a server error. A workflow
        still catching up with its read model after a worker died answers 503 `case_busy` too."""
        headers = {**self._headers[user], "Idempotency-Key": key}
        return await self._post(self._api(index, step), path, body, headers)

    def intake_body(self, index: int) -> dict[str, Any]:
        return appeal(
            title=f"小区自来水管爆裂（第{index}号楼）",
            content=f"和盛园小区{index}号楼自来水管爆裂，整栋楼停水。",
            citizen_phone=f"1380000{index:04d}",
        )

    async def intake(self, index: int, key: str) -> str:
        response = await self._act(
            index, "intake", "dispatcher", "/api/v1/cases", self.intake_body(index), key
        )
        assert response.status_code in (200, 201), response.text
        self.done["intake"] += 1
        return str(response.json()["case_number"])

    async def intake_once(self, index: int, key: str) -> httpx.Response | None:
        """One attempt only: the answer, or None when the connection broke before one came."""
        headers = {**self._headers["dispatcher"], "Idempotency-Key": key}
        try:
            return await self._api(index, "intake").post(
                "/api/v1/cases", json=self.intake_body(index), headers=headers
            )
        except httpx.TransportError:
            return None

    async def open_task(self, number: str) -> str:
        return await self.watcher.wait(lambda: self.watcher.lead_task.get(number))

    async def sign_for(self, index: int, number: str, task_id: str) -> None:
        path = f"/api/v1/tasks/{task_id}/sign-for"
        response = await self._act(index, "sign_for", "water", path, None, f"{number}-sign-for")
        assert response.status_code == 200, response.text
        self.done["sign_for"] += 1

    async def reply(self, index: int, number: str, task_id: str) -> None:
        body = {"text": f"{number} 当日晚修复完毕，恢复供水。", "contacted_citizen": True}
        headers = self._headers["water"]
        api = self._api(index, "reply")
        while True:
            response = await self._post(api, f"/api/v1/tasks/{task_id}/reply", body, headers)
            if response.status_code == 202:
                break
            # Temporal takes one completion only: after an attempt whose answer was lost, a retry is told
            # the task is no longer open; the case moving on to "replied" is then the proof.
            assert response.status_code == 409 and response.json()["code"] == "task_not_open", response.text
            if self.watcher.status.get(number) not in ("registered", "handling"):
                break
            await asyncio.sleep(RETRY_PAUSE_SECONDS)
        await self.watcher.status_is(number, "replied")
        self.done["reply"] += 1

    async def review(self, index: int, number: str) -> None:
        path = f"/api/v1/cases/{number}/review"
        response = await self._act(index, "review", "dispatcher", path, {"accept": True}, f"{number}-review")
        assert response.status_code == 200, response.text
        self.done["review"] += 1

    async def visit(self, index: int, number: str) -> None:
        body = {"reached": True, "resolved": True, "rating": "satisfied", "comment": "修得很快"}
        path = f"/api/v1/cases/{number}/visits"
        response = await self._act(index, "visit", "visitor", path, body, f"{number}-visit")
        assert response.status_code == 200, response.text
        self.done["visit"] += 1
        await self.watcher.status_is(number, "closed")
        self.done["closed"] += 1

    async def standard_path(
        self, index: int, key: str, *, before_sign_for: Callable[[str], Awaitable[None]] | None = None
    ) -> str:
        """One case from intake to closed; its case number."""
        number = await self.intake(index, key)
        task_id = await self.open_task(number)
        if before_sign_for is not None:
            await before_sign_for(number)
        await self.sign_for(index, number, task_id)
        await self.reply(index, number, task_id)
        await self.review(index, number)
        await self.visit(index, number)
        return number

    async def reached(self, step: str, count: int) -> None:
        while self.done[step] < count:  # noqa: ASYNC110 - counters, not an event per step
            await asyncio.sleep(0.05)
