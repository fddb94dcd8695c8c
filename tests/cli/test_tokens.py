"""`hotline tokens …`: a token made on the command line works once, and not after it is revoked."""

from __future__ import annotations

import uuid

import httpx

from tests.cli.conftest import Invoke


async def test_a_token_is_shown_once_works_and_is_refused_once_revoked(
    hotline: Invoke, api: httpx.AsyncClient
) -> None:
    name = f"gateway {uuid.uuid4().hex[:6]}"
    made = await hotline("tokens", "create", name, "--channel", "shimintong")
    assert made.exit_code == 0, made.output
    token = made.stdout.strip()
    assert token.startswith("hlt_") and "shown once" in made.stderr

    headers = {"Authorization": f"Bearer {token}"}
    me = await api.get("/api/v1/auth/me", headers=headers)
    assert me.status_code == 200 and me.json()["role"] == "integration"

    listed = (await hotline("tokens", "list")).stdout
    (line,) = [row for row in listed.splitlines() if row.endswith(name)]
    assert token not in listed and token[:12] in line and "active" in line
    token_id = line.split()[0]

    revoked = await hotline("tokens", "revoke", token_id)
    assert revoked.exit_code == 0, revoked.output
    assert (await api.get("/api/v1/auth/me", headers=headers)).status_code == 401
    listed = (await hotline("tokens", "list")).stdout
    assert "revoked" in next(row for row in listed.splitlines() if row.endswith(name))
    assert (await hotline("tokens", "revoke", "999999")).exit_code == 1
