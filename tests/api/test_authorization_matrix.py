"""Every endpoint × every role: each /api/v1 route declares its roles (api/access.py `allow`) or is
explicitly public, anonymous callers are refused, and every role outside the declaration gets 403."""

import re
from typing import Any

import httpx
from fastapi.routing import APIRoute

from api.app import create_app
from hotline.bootstrap import DEMO_OPEN311_TOKEN
from hotline.enums import Role
from hotline.settings import Settings

# Logins that need none: the login itself (rate limited), health, and the citizens' endpoints.
PUBLIC = {("POST", "/api/v1/auth/login")}
# Routes whose allowed roles are refined further by what is asked for (a queue belongs to one role).
REFINED = {("GET", "/api/v1/queues/{name}")}
USERS = {
    Role.DISPATCHER: "dispatcher",
    Role.DEPARTMENT: "water",
    Role.SUPERVISOR: "supervisor1",
    Role.VISIT_OPERATOR: "visitor",
    Role.AUDITOR: "auditor",
    Role.ANALYST: "analyst",
    Role.ADMIN: "admin",
}
SAMPLE_PATH = {
    "case_number": "XN00000000-000000",
    "task_id": "XN00000000-000000-T1",
    "order_id": "XN00000000-000000-O1",
    "token_id": "999999",
    "user_id": "999999",
    "rule_id": "999999",
    "name": "new",
    "year": "2001",
    "month": "13",  # no such month: an allowed caller gets 422, and no evaluation starts
    "kind": "daily",
    "period": "2026-11-25",
}


def _policy(route: APIRoute) -> frozenset[Role] | str | None:
    pending = list(route.dependant.dependencies)
    while pending:
        dependency = pending.pop()
        call = dependency.call
        if hasattr(call, "roles"):
            return frozenset(call.roles)
        if getattr(call, "public", False):
            return "public"
        pending.extend(dependency.dependencies)
    return None


def _api_routes(routes: list[Any], prefix: str = "") -> list[tuple[str, APIRoute]]:
    """Every APIRoute, also inside included routers (kept as wrappers by FastAPI)."""
    found = []
    for route in routes:
        if isinstance(route, APIRoute):
            found.append((prefix + route.path, route))
        elif hasattr(route, "original_router"):
            found += _api_routes(route.original_router.routes, prefix + route.include_context.prefix)
    return found


def _routes(settings: Settings) -> list[tuple[str, str, APIRoute]]:
    return [
        (method, path, route)
        for path, route in _api_routes(create_app(settings).routes)
        if path.startswith("/api/v1")
        for method in route.methods
    ]


def test_every_api_route_declares_who_may_call_it(settings: Settings) -> None:
    assert len(_routes(settings)) > 30
    undeclared = [
        (method, path)
        for method, path, route in _routes(settings)
        if _policy(route) is None and (method, path) not in PUBLIC
    ]
    assert undeclared == []


async def test_the_matrix(api: httpx.AsyncClient, login: Any, settings: Settings) -> None:
    headers = {role: await login(user) for role, user in USERS.items()}
    headers[Role.INTEGRATION] = {"Authorization": f"Bearer {DEMO_OPEN311_TOKEN}"}
    checked = 0
    # Logging out ends the sessions the other routes are checked with: it goes last.
    for method, path, route in sorted(_routes(settings), key=lambda r: r[1] == "/api/v1/auth/logout"):
        policy = _policy(route)
        if policy in (None, "public"):
            continue
        url = re.sub(r"{(\w+)}", lambda m: SAMPLE_PATH[m.group(1)], path)
        anonymous = await api.request(method, url, json={})
        assert anonymous.status_code == 401, (method, path)
        for role, role_headers in headers.items():
            response = await api.request(method, url, json={}, headers=role_headers)
            refused = response.status_code == 403 and response.json()["code"] == "role_not_allowed"
            if role in policy:
                assert refused is False or (method, path) in REFINED, (method, path, role, response.text)
                assert response.status_code != 401, (method, path, role)
            else:
                assert refused, (method, path, role, response.status_code, response.text)
            checked += 1
    assert checked > 100
