"""The return-visit pages: the queue with the citizen to call and the reply to read out, and the visit
form (an attempt that did not reach the citizen, or the visit with the rating)."""

from __future__ import annotations

import re
from typing import Any

import httpx
from sqlmodel import select

from hotline.db import SessionFactory
from hotline.models import CaseAccess
from tests.helpers import eventually, visiting_case

Headers = dict[str, str]
REPLY = "经抢修，当晚恢复供水。"


async def post_form(
    api: httpx.AsyncClient, path: str, headers: Headers, data: dict[str, str], page: str
) -> httpx.Response:
    opened = await api.get(page, headers=headers)
    token = re.search(r'name="csrf_token" value="([^"]+)"', opened.text)
    assert token is not None
    return await api.post(path, data={**data, "csrf_token": token.group(1)}, headers=headers)


async def case_status(api: httpx.AsyncClient, headers: Headers, number: str) -> str:
    return str((await api.get(f"/api/v1/cases/{number}", headers=headers)).json()["status"])


async def _is(api: httpx.AsyncClient, headers: Headers, number: str, status: str) -> bool:
    return await case_status(api, headers, number) == status


async def test_the_visit_queue_is_for_visit_operators(api: httpx.AsyncClient, login: Any) -> None:
    by_department = await api.get("/visits", headers=await login("water"))
    by_visitor = await api.get("/visits", headers=await login("visitor"))
    assert by_department.status_code == 403 and "role_not_allowed" in by_department.text
    assert by_visitor.status_code == 200 and "<h1>回访</h1>" in by_visitor.text.replace("\n", "")


async def test_the_queue_shows_the_phone_to_call_and_the_reply_and_logs_the_sight(
    api: httpx.AsyncClient, login: Any, case_worker: Any, sessions: SessionFactory
) -> None:
    number = await visiting_case(api, login, REPLY)
    page = await api.get("/visits", params={"page": 1}, headers=await login("visitor"))
    card = page.text[page.text.index(f'href="/cases/{number}#visit"') :]
    assert 'href="tel:13800001234"' in card and REPLY in card and "王女士" in card
    async with sessions() as session:
        logged = (
            await session.execute(
                select(CaseAccess).where(CaseAccess.case_number == number, CaseAccess.username == "visitor")
            )
        ).scalars()
        assert [a.kind for a in logged] == ["unmasked"]


async def test_an_attempt_then_the_visit_with_the_rating(
    api: httpx.AsyncClient, login: Any, case_worker: Any
) -> None:
    number = await visiting_case(api, login, REPLY)
    visitor = await login("visitor")
    path, page = f"/cases/{number}/visit", f"/cases/{number}"
    no_rating = await post_form(api, path, visitor, {"reached": "true", "resolved": "true"}, page)
    assert no_rating.status_code == 422
    assert '<small id="rating-error" class="field-error">请选择市民评价。</small>' in no_rating.text
    nothing = await post_form(api, path, visitor, {}, page)
    assert nothing.status_code == 422 and 'id="reached-error"' in nothing.text

    attempt = await post_form(
        api, path, visitor, {"reached": "false", "rating": "satisfied", "comment": "无人接听"}, page
    )
    assert attempt.status_code == 303 and attempt.headers["location"] == "/visits?done=visited"
    case = (await api.get(f"/api/v1/cases/{number}", headers=visitor)).json()
    assert case["status"] == "visiting" and case["timeline"][-1]["kind"] == "visit_attempt"

    visited = await post_form(
        api,
        path,
        visitor,
        {"reached": "true", "resolved": "true", "rating": "satisfied", "comment": "很满意"},
        page,
    )
    assert visited.status_code == 303
    await eventually(lambda: _is(api, visitor, number, "closed"))
    queue = await api.get("/visits", headers=visitor)
    assert f"/cases/{number}#visit" not in queue.text


async def test_the_last_unreachable_attempt_says_the_case_is_closed(
    api: httpx.AsyncClient, login: Any, case_worker: Any, settings: Any
) -> None:
    number = await visiting_case(api, login, REPLY)
    visitor = await login("visitor")
    path, page = f"/cases/{number}/visit", f"/cases/{number}"
    locations = [
        (await post_form(api, path, visitor, {"reached": "false", "comment": "无人接听"}, page)).headers[
            "location"
        ]
        for _ in range(settings.visit_attempts)
    ]
    assert locations == ["/visits?done=visited"] * (settings.visit_attempts - 1) + [
        "/visits?done=visit_closed"
    ]
    queue = await api.get(locations[-1], headers=visitor)
    assert "回访已记录，工单已办结。" in queue.text
    await eventually(lambda: _is(api, visitor, number, "closed"))
