"""The generator's side of the HTTP API: one shared client, the people it acts as, and every call checked.

Every call names the statuses it expects; anything else is an `UnexpectedResponse`, so a run that
finishes has had every action accepted. Department staff are the demo users where they exist; for the
other departments the demo admin makes one handler each (through the admin API, once), so cases can go
to every department the catalogue names.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from hotline.bootstrap import DEMO_PASSWORD, DEMO_USERS
from hotline.enums import Role

API = "/api/v1"
HANDLER_PREFIX = "handler."
# The admin API asks for at least ten characters; the demo password has nine.
HANDLER_PASSWORD = f"{DEMO_PASSWORD}-handler"
POLL_SECONDS = 0.25
WAIT_SECONDS = 60.0


class UnexpectedResponse(RuntimeError):
    def __init__(self, user: str, method: str, path: str, response: httpx.Response) -> None:
        super().__init__(f"{user}: {method} {path} → {response.status_code} {response.text[:300]}")
        self.status_code = response.status_code
        try:
            self.code = str(response.json().get("code", ""))
        except ValueError:
            self.code = ""


class StillWaiting(RuntimeError):
    """A case did not reach the expected state in time (a stopped worker, say)."""


@dataclass
class Portal:
    """Logged-in people over one `httpx.AsyncClient`; counts every action by name and status."""

    client: httpx.AsyncClient
    actions: Counter[str] = field(default_factory=Counter)
    department_names: dict[str, str] = field(default_factory=dict)  # for the handlers' display names
    _tokens: dict[str, str] = field(default_factory=dict)
    _handlers: dict[str, str] = field(default_factory=dict)
    _locks: dict[str, asyncio.Lock] = field(default_factory=dict)

    async def call(
        self,
        user: str,
        method: str,
        path: str,
        *,
        expect: tuple[int, ...] = (200,),
        action: str | None = None,
        json: Any = None,
        params: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        token = await self._token(user)
        response = await self.client.request(
            method,
            f"{API}{path}",
            json=json,
            params=params,
            headers={"Authorization": f"Bearer {token}", **(headers or {})},
        )
        if response.status_code not in expect:
            raise UnexpectedResponse(user, method, path, response)
        if action:
            self.actions[f"{action} {response.status_code}"] += 1
        return response

    async def case(self, number: str) -> dict[str, Any]:
        """The case as the dispatcher sees it: status, assignments, timeline."""
        found = await self.find_case(number)
        if found is None:
            raise StillWaiting(f"{number} is not in the read model")
        return found

    async def find_case(self, number: str) -> dict[str, Any] | None:
        """The case, or None while its registration has not reached the read model yet."""
        response = await self.call("dispatcher", "GET", f"/cases/{number}", expect=(200, 404))
        return dict(response.json()) if response.status_code == 200 else None

    async def wait_case(
        self, number: str, ready: Callable[[dict[str, Any]], bool], within: float = WAIT_SECONDS
    ) -> dict[str, Any]:
        """Poll until the case satisfies `ready`: projections land asynchronously after each action."""
        try:
            async with asyncio.timeout(within):
                while True:
                    case = await self.find_case(number)
                    if case is not None and ready(case):
                        return case
                    await asyncio.sleep(POLL_SECONDS)
        except TimeoutError:
            raise StillWaiting(f"{number} did not reach the expected state within {within:.0f} s") from None

    async def department_user(self, department: str) -> str:
        """Who acts for a department: its demo user, or a handler the admin makes on first need."""
        demo = next((u.username for u in DEMO_USERS if u.department == department), None)
        if demo:
            return demo
        lock = self._locks.setdefault(department, asyncio.Lock())
        async with lock:
            if department not in self._handlers:
                self._handlers[department] = await self._ensure_handler(department)
        return self._handlers[department]

    async def _ensure_handler(self, department: str) -> str:
        username = f"{HANDLER_PREFIX}{department}"
        await self.call(
            "admin",
            "POST",
            "/admin/users",
            expect=(201, 409),  # 409: made by an earlier run
            json={
                "username": username,
                "display_name": f"{self.department_names.get(department, department)}承办员",
                "password": HANDLER_PASSWORD,
                "role": Role.DEPARTMENT.value,
                "department": department,
            },
        )
        return username

    async def _token(self, user: str) -> str:
        if user not in self._tokens:
            lock = self._locks.setdefault(f"login:{user}", asyncio.Lock())
            async with lock:
                if user not in self._tokens:
                    self._tokens[user] = await self._login(user)
        return self._tokens[user]

    async def _login(self, user: str) -> str:
        password = HANDLER_PASSWORD if user.startswith(HANDLER_PREFIX) else DEMO_PASSWORD
        response = await self.client.post(f"{API}/auth/login", json={"username": user, "password": password})
        if response.status_code != 200:
            raise UnexpectedResponse(user, "POST", "/auth/login", response)
        return str(response.json()["token"])
