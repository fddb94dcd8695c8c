"""The supervisor's pages: the board (escalated, overdue, deferral requests, decisions) and the actions
on a case: urge, supervision order, deferral ruling, decision after the reopen limit."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from fastapi import FastAPI

from tests.clock import at_intake, fast_clock
from tests.helpers import eventually, new_key, open_case_with_task

Headers = dict[str, str]
CITY = ZoneInfo("Asia/Shanghai")


async def post_form(
    api: httpx.AsyncClient, path: str, headers: Headers, data: dict[str, str], page: str
) -> httpx.Response:
    opened = await api.get(page, headers=headers)
    token = re.search(r'name="csrf_token" value="([^"]+)"', opened.text)
    assert token is not None, opened.text[:300]
    return await api.post(path, data={**data, "csrf_token": token.group(1)}, headers=headers)


async def case_json(api: httpx.AsyncClient, headers: Headers, number: str) -> dict[str, Any]:
    return dict((await api.get(f"/api/v1/cases/{number}", headers=headers)).json())


async def _status_is(api: httpx.AsyncClient, headers: Headers, number: str, status: str) -> bool:
    return (await case_json(api, headers, number))["status"] == status


async def test_the_board_is_for_supervisors(api: httpx.AsyncClient, login: Any) -> None:
    by_department = await api.get("/board", headers=await login("water"))
    by_supervisor = await api.get("/board", headers=await login("supervisor2"))
    assert by_department.status_code == 403 and "role_not_allowed" in by_department.text
    assert by_supervisor.status_code == 200 and "督查" in by_supervisor.text


async def test_urge_from_the_case_page(api: httpx.AsyncClient, login: Any, case_worker: Any) -> None:
    number, _ = await open_case_with_task(api, login)
    supervisor = await login("supervisor1")
    path, page = f"/cases/{number}/urge", f"/cases/{number}"
    empty = await post_form(api, path, supervisor, {"message": "", "department": ""}, page)
    assert empty.status_code == 422 and 'id="message-error"' in empty.text
    key = new_key()  # the page's form key, sent twice
    urged = await post_form(
        api,
        path,
        supervisor,
        {"message": "请今日内答复进展", "department": "company.water", "idempotency_key": key},
        page,
    )
    assert urged.status_code == 303 and urged.headers["location"] == f"/cases/{number}?done=urged"
    again = await post_form(
        api,
        path,
        supervisor,
        {"message": "请今日内答复进展", "department": "company.water", "idempotency_key": key},
        page,
    )
    assert again.status_code == 303
    urges = [e for e in (await case_json(api, supervisor, number))["timeline"] if e["kind"] == "urged"]
    assert len(urges) == 1 and urges[0]["data"]["departments"] == ["company.water"]  # a double click


async def test_a_supervision_order_has_its_reply_by_time_in_the_citys_zone(
    api: httpx.AsyncClient, login: Any, case_worker: Any
) -> None:
    number, _ = await open_case_with_task(api, login)
    supervisor = await login("supervisor2")
    path, page = f"/cases/{number}/orders", f"/cases/{number}"
    order = {"department": "company.water", "instructions": "请说明延误原因"}
    past = await post_form(api, path, supervisor, {**order, "reply_by": "2020-01-01T09:00"}, page)
    assert past.status_code == 422 and "日期必须晚于当前时间" in past.text
    when = (datetime.now(CITY) + timedelta(days=2)).replace(second=0, microsecond=0)
    issued = await post_form(
        api, path, supervisor, {**order, "reply_by": when.strftime("%Y-%m-%dT%H:%M")}, page
    )
    assert issued.status_code == 303
    event = (await case_json(api, supervisor, number))["timeline"][-1]
    assert event["kind"] == "order_issued" and event["data"]["level"] == 2
    assert datetime.fromisoformat(event["data"]["reply_by"]) == when


async def test_a_deferral_request_waits_on_the_board_until_ruled(
    api: httpx.AsyncClient, login: Any, case_worker: Any
) -> None:
    number, task_id = await open_case_with_task(api, login)
    water, supervisor = await login("water"), await login("supervisor1")
    target = (datetime.now(UTC) + timedelta(days=90)).isoformat()
    asked = await api.post(
        f"/api/v1/tasks/{task_id}/deferral",
        json={"plan": "待明年管网改造工程实施", "target_date": target},
        headers={**water, "Idempotency-Key": new_key()},
    )
    assert asked.status_code == 200, asked.text
    board = await api.get("/board", headers=supervisor)
    assert f'href="/cases/{number}#deferral-ruling"' in board.text and "待明年管网改造工程实施" in board.text

    path, page = f"/cases/{number}/deferral/ruling", f"/cases/{number}"
    unruled = await post_form(api, path, supervisor, {"reason": "同意"}, page)
    assert unruled.status_code == 422 and 'id="approve-error"' in unruled.text
    ruled = await post_form(api, path, supervisor, {"approve": "true", "reason": "客观原因属实"}, page)
    assert ruled.status_code == 303
    await eventually(lambda: _status_is(api, supervisor, number, "deferred"))
    assert f"/cases/{number}#deferral-ruling" not in (await api.get("/board", headers=supervisor)).text


async def test_late_cases_show_on_the_board_by_level_with_how_late(
    app: FastAPI, api: httpx.AsyncClient, login: Any, worker_factory: Callable[..., Any]
) -> None:
    clock = fast_clock(due_seconds=1, sign_for_seconds=30, escalation_seconds=(600, 600))
    at_intake(app, clock)
    async with worker_factory(replace_activities=clock):
        number, _ = await open_case_with_task(api, login)
        supervisor = await login("supervisor1")

        async def on_the_board() -> str | None:
            page = (await api.get("/board", headers=supervisor)).text
            escalated = page[page.index('id="escalated"') : page.index('id="overdue"')]
            return page if f"/cases/{number}" in escalated else None

        page = await eventually(on_the_board)
    overdue = page[page.index('id="overdue"') : page.index('id="deferrals"')]
    row = overdue[overdue.index(f"/cases/{number}") - 300 :]
    assert "城市运行指挥中心" in page and "clock-overdue" in row and "超时" in row
    assert (
        f"/cases/{number}"
        not in (await api.get("/board", headers=await login("supervisor3"))).text.split('id="overdue"')[0]
    )


async def test_a_decision_after_the_reopen_limit(
    app: FastAPI, api: httpx.AsyncClient, login: Any, worker_factory: Callable[..., Any]
) -> None:
    clock = fast_clock(reopen_limit=0, due_seconds=3600)
    at_intake(app, clock)
    async with worker_factory(replace_activities=clock):
        number, task_id = await open_case_with_task(api, login)
        water, dispatcher = await login("water"), await login("dispatcher")
        visitor, supervisor = await login("visitor"), await login("supervisor3")
        await api.post(f"/api/v1/tasks/{task_id}/reply", json={"text": "已处理"}, headers=water)

        async def accepted() -> bool:
            response = await api.post(
                f"/api/v1/cases/{number}/review", json={"accept": True}, headers=dispatcher
            )
            return response.status_code == 200

        await eventually(accepted)
        visit = {"reached": True, "resolved": False, "rating": "dissatisfied"}
        visited = await api.post(f"/api/v1/cases/{number}/visits", json=visit, headers=visitor)
        assert visited.status_code == 200, visited.text
        await eventually(lambda: _status_is(api, supervisor, number, "awaiting_decision"))
        board = await api.get("/board", headers=supervisor)
        assert f'href="/cases/{number}"' in board.text.split('id="decisions"')[1]

        path, page = f"/cases/{number}/decision", f"/cases/{number}"
        no_date = await post_form(api, path, supervisor, {"choice": "defer", "reason": "待改造"}, page)
        assert no_date.status_code == 422 and 'id="defer_until-error"' in no_date.text
        no_choice = await post_form(api, path, supervisor, {"reason": "待改造"}, page)
        assert no_choice.status_code == 422 and 'id="choice-error"' in no_choice.text
        closed = await post_form(
            api, path, supervisor, {"choice": "close", "reason": "已尽力，按现状办结"}, page
        )
        assert closed.status_code == 303 and closed.headers["location"] == f"/cases/{number}?done=decided"
        await eventually(lambda: _status_is(api, supervisor, number, "closed"))
