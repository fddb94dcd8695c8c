"""`hotline users …`: an account made on the command line logs in through the API."""

from __future__ import annotations

import uuid

import httpx

from tests.cli.conftest import Invoke

PASSWORD = "a-long-secret-42"


async def _login(api: httpx.AsyncClient, username: str, password: str) -> httpx.Response:
    return await api.post("/api/v1/auth/login", json={"username": username, "password": password})


async def test_a_created_user_logs_in_and_is_shut_out_when_deactivated(
    hotline: Invoke, api: httpx.AsyncClient
) -> None:
    username = f"cli_{uuid.uuid4().hex[:8]}"
    made = await hotline(
        "users", "create", username, "--name", "李伟", "--role", "department",
        "--department", "company.water", "--password-stdin", stdin=PASSWORD + "\n",
    )  # fmt: skip
    assert made.exit_code == 0, made.output
    assert PASSWORD not in made.output

    login = await _login(api, username, PASSWORD)
    assert login.status_code == 200, login.text
    me = await api.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {login.json()['token']}"})
    assert (me.json()["role"], me.json()["department"]) == ("department", "company.water")

    listed = await hotline("users", "list")
    (line,) = [row for row in listed.stdout.splitlines() if row.startswith(username + " ")]
    assert "department" in line and "company.water" in line and "active" in line

    assert (await hotline("users", "deactivate", username)).exit_code == 0
    assert (await _login(api, username, PASSWORD)).status_code == 401
    assert "inactive" in (await hotline("users", "list")).stdout


async def test_a_new_password_replaces_the_old_one(hotline: Invoke, api: httpx.AsyncClient) -> None:
    username = f"cli_{uuid.uuid4().hex[:8]}"
    args = ["create", username, "--name", "回访", "--role", "visit_operator", "--password-stdin"]
    assert (await hotline("users", *args, stdin=PASSWORD)).exit_code == 0
    # Without --password-stdin the password is asked for twice, without echo.
    changed = await hotline("users", "password", username, stdin="another-secret-7\nanother-secret-7\n")
    assert changed.exit_code == 0, changed.output
    assert (await _login(api, username, PASSWORD)).status_code == 401
    assert (await _login(api, username, "another-secret-7")).status_code == 200


async def test_a_department_user_needs_a_department_and_a_short_password_is_refused(hotline: Invoke) -> None:
    username = f"cli_{uuid.uuid4().hex[:8]}"
    no_department = await hotline(
        "users", "create", username, "--name", "x", "--role", "department", "--password-stdin", stdin=PASSWORD
    )
    assert no_department.exit_code == 1
    assert "needs an existing department" in no_department.stderr
    short = await hotline("users", "create", username, "--name", "x", "--role", "analyst", "--password-stdin",
                          stdin="short")  # fmt: skip
    assert short.exit_code == 1 and "password" in short.stderr
    assert username not in (await hotline("users", "list")).stdout
    missing = await hotline("users", "deactivate", f"{username}_nobody")
    assert missing.exit_code == 1 and "No user" in missing.stderr
