"""Logins: sessions, and failed attempts limited per username and per address."""

import asyncio
import threading

import httpx
import pytest

from hotline import auth
from hotline.bootstrap import DEMO_PASSWORD
from tests.helpers import appeal, new_key


async def _login(api: httpx.AsyncClient, username: str, password: str) -> httpx.Response:
    return await api.post("/api/v1/auth/login", json={"username": username, "password": password})


async def test_repeated_failures_lock_the_username_for_a_while_even_with_the_right_password(
    api: httpx.AsyncClient,
) -> None:
    failures = [await _login(api, "dispatcher", "wrong") for _ in range(5)]
    locked = await _login(api, "dispatcher", DEMO_PASSWORD)
    assert {r.status_code for r in failures} == {401}
    assert locked.status_code == 429 and locked.json()["code"] == "rate_limited"


async def test_a_password_check_does_not_hold_up_other_requests(
    api: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A check takes about a tenth of a second by design; it runs beside the event loop, not on it."""
    checking, may_finish = threading.Event(), threading.Event()
    released_by_the_test = []
    check = auth._password_matches

    def held_check(stored_hash: str, password: str) -> bool:
        checking.set()
        released_by_the_test.append(may_finish.wait(timeout=5))  # False: the event loop waited on it
        return check(stored_hash, password)

    monkeypatch.setattr(auth, "_password_matches", held_check)
    login = asyncio.create_task(_login(api, "auditor", DEMO_PASSWORD))
    assert await asyncio.to_thread(checking.wait, 5)
    assert (await api.get("/livez")).status_code == 200
    assert not login.done()
    may_finish.set()
    assert (await login).status_code == 200
    assert released_by_the_test == [True]


async def test_successful_logins_are_not_counted(api: httpx.AsyncClient) -> None:
    responses = [await _login(api, "water", DEMO_PASSWORD) for _ in range(8)]
    assert {r.status_code for r in responses} == {200}


async def test_logout_ends_the_session(api: httpx.AsyncClient) -> None:
    token = (await _login(api, "auditor", DEMO_PASSWORD)).json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert (await api.get("/api/v1/auth/me", headers=headers)).json()["role"] == "auditor"
    assert (await api.post("/api/v1/auth/logout", headers=headers)).status_code == 204
    assert (await api.get("/api/v1/auth/me", headers=headers)).status_code == 401


async def test_a_revoked_api_token_is_refused_at_once(api: httpx.AsyncClient) -> None:
    admin = {"Authorization": f"Bearer {(await _login(api, 'admin', DEMO_PASSWORD)).json()['token']}"}
    created = await api.post(
        "/api/v1/admin/tokens", json={"name": "市民通", "channel": "shimintong"}, headers=admin
    )
    assert created.status_code == 201
    token = created.json()["token"]
    assert (await api.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})).json()[
        "channel"
    ] == "shimintong"
    listed = (await api.get("/api/v1/admin/tokens", headers=admin)).json()
    assert all("token" not in t for t in listed) and any(t["prefix"] == token[:12] for t in listed)
    assert (
        await api.delete(f"/api/v1/admin/tokens/{created.json()['id']}", headers=admin)
    ).status_code == 200
    assert (await api.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})).status_code == 401


async def test_a_channel_token_registers_appeals_on_its_own_channel_only(api: httpx.AsyncClient) -> None:
    admin = {"Authorization": f"Bearer {(await _login(api, 'admin', DEMO_PASSWORD)).json()['token']}"}
    token = (
        await api.post("/api/v1/admin/tokens", json={"name": "运管服", "channel": "yunguanfu"}, headers=admin)
    ).json()["token"]
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": new_key()}
    own = await api.post("/api/v1/cases", json=appeal(channel="yunguanfu"), headers=headers)
    other = await api.post(
        "/api/v1/cases", json=appeal(channel="hotline"), headers={**headers, "Idempotency-Key": new_key()}
    )
    assert own.status_code == 201
    assert other.status_code == 403 and other.json()["code"] == "channel_not_allowed"
