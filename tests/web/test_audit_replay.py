"""The replay page: an auditor presses the button (a POST with the form's CSRF token) and reads the
outcome in words, in English or Chinese; other roles cannot open it."""

from __future__ import annotations

import re
from typing import Any

import httpx

from tests.helpers import open_case_with_task


async def _replay(api: httpx.AsyncClient, headers: dict[str, str], number: str) -> httpx.Response:
    page = await api.get(f"/audit/cases/{number}/replay", headers=headers)
    assert page.status_code == 200, page.text[:300]
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token is not None
    return await api.post(
        f"/audit/cases/{number}/replay", data={"csrf_token": token.group(1)}, headers=headers
    )


async def test_an_auditor_replays_a_case_and_reads_the_outcome(
    api: httpx.AsyncClient, login: Any, case_worker: Any
) -> None:
    number, _ = await open_case_with_task(api, login)
    auditor = {**await login("auditor"), "Accept-Language": "en"}
    before = await api.get(f"/audit/cases/{number}/replay", headers=auditor)
    assert "Replay now" in before.text and 'id="replay-outcome"' not in before.text

    done = await _replay(api, auditor, number)
    assert done.status_code == 200
    outcome = done.text[done.text.index('id="replay-outcome"') :]
    run_id = (await api.post(f"/api/v1/audit/cases/{number}/replay", headers=auditor)).json()["runs"][0]
    assert "Replays cleanly" in outcome and run_id["run_id"] in outcome
    assert "Replay again" in done.text

    chinese = await _replay(api, {**auditor, "Accept-Language": "zh-CN"}, number)
    assert "重放通过" in chinese.text and "再次重放" in chinese.text


async def test_the_replay_needs_the_forms_token_and_an_auditor(
    api: httpx.AsyncClient, login: Any, case_worker: Any
) -> None:
    number, _ = await open_case_with_task(api, login)
    auditor = await login("auditor")
    forged = await api.post(f"/audit/cases/{number}/replay", data={"csrf_token": "forged"}, headers=auditor)
    assert forged.status_code == 403 and 'id="replay-outcome"' not in forged.text
    dispatcher = await login("dispatcher")
    assert (await api.get(f"/audit/cases/{number}/replay", headers=dispatcher)).status_code == 403
