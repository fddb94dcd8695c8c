"""The department's pages: its inbox, and signing for, replying, returning, asking for more time or a
deferral, and answering a supervision order from the case page, against a real case worker."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from tests.helpers import eventually, new_key, open_case_with_task

Headers = dict[str, str]


async def page_token(api: httpx.AsyncClient, path: str, headers: Headers) -> str:
    """Opens a page (which sets the CSRF cookie) and returns its forms' token."""
    page = await api.get(path, headers=headers)
    match = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert match is not None, page.text[:500]
    return match.group(1)


async def post_form(
    api: httpx.AsyncClient, path: str, headers: Headers, data: dict[str, str], page: str
) -> httpx.Response:
    token = await page_token(api, page, headers)
    return await api.post(path, data={**data, "csrf_token": token}, headers=headers)


async def task_status(api: httpx.AsyncClient, headers: Headers, task_id: str) -> str | None:
    tasks = (await api.get("/api/v1/tasks", headers=headers)).json()
    return next((t["status"] for t in tasks if t["task_id"] == task_id), None)


async def timeline_kinds(api: httpx.AsyncClient, headers: Headers, number: str) -> list[str]:
    case = (await api.get(f"/api/v1/cases/{number}", headers=headers)).json()
    return [e["kind"] for e in case["timeline"]]


async def test_the_inbox_is_the_departments_own(api: httpx.AsyncClient, login: Any) -> None:
    anonymous = await api.get("/inbox")
    by_dispatcher = await api.get("/inbox", headers=await login("dispatcher"))
    by_department = await api.get("/inbox", headers=await login("water"))
    assert anonymous.status_code == 303 and anonymous.headers["location"] == "/login"
    assert by_dispatcher.status_code == 403 and "role_not_allowed" in by_dispatcher.text
    assert by_department.status_code == 200 and "我的工单" in by_department.text


async def test_sign_for_from_the_inbox_then_reply_from_the_case_page(
    api: httpx.AsyncClient, login: Any, case_worker: Any
) -> None:
    number, task_id = await open_case_with_task(api, login)
    water = await login("water")
    inbox = await api.get("/inbox", headers=water)
    card = inbox.text[inbox.text.index(f'id="task-{task_id}"') :]
    assert number in card and "clock-on_time" in card and "待签收" in card
    sign_path = f"/cases/{number}/tasks/{task_id}/sign-for"
    signed = await post_form(api, sign_path, water, {"back": "inbox", "idempotency_key": new_key()}, "/inbox")
    assert signed.status_code == 303 and signed.headers["location"] == "/inbox?done=signed"
    await eventually(lambda: _has_status(api, water, task_id, "signed"))
    assert "已签收" in (await api.get("/inbox?done=signed", headers=water)).text

    reply_path = f"/cases/{number}/tasks/{task_id}/reply"
    blank = await post_form(api, reply_path, water, {"text": "  ", "outcome": "resolved"}, f"/cases/{number}")
    assert blank.status_code == 422
    assert re.search(r'<small id="text-error" class="field-error">此项为必填项。</small>', blank.text)
    contacted = (datetime.now(UTC) - timedelta(hours=1)).astimezone().strftime("%Y-%m-%dT%H:%M")
    sent = await post_form(
        api,
        reply_path,
        water,
        {
            "text": "已抢修完毕，恢复供水。",
            "outcome": "resolved",
            "contacted_citizen": "on",
            "contacted_at": contacted,
        },
        f"/cases/{number}",
    )
    assert sent.status_code == 303 and sent.headers["location"] == "/inbox?done=replied"
    await eventually(lambda: _has_status(api, water, task_id, "replied"))
    history = await api.get("/inbox?show=history", headers=water)
    assert number in history.text and number not in (await api.get("/inbox", headers=water)).text


async def _has_status(api: httpx.AsyncClient, headers: Headers, task_id: str, status: str) -> bool:
    return await task_status(api, headers, task_id) == status


async def test_another_department_can_neither_open_nor_act_on_the_task(
    api: httpx.AsyncClient, login: Any, case_worker: Any
) -> None:
    number, task_id = await open_case_with_task(api, login)
    realestate = await login("realestate")
    case_page = await api.get(f"/cases/{number}", headers=realestate)
    assert case_page.status_code == 403 and "not_your_case" in case_page.text
    for action, data in (
        ("sign-for", {}),
        ("reply", {"text": "代为答复"}),
        ("return", {"reason": "不是我的"}),
    ):
        response = await post_form(
            api, f"/cases/{number}/tasks/{task_id}/{action}", realestate, data, "/inbox"
        )
        assert response.status_code == 403 and "not_your_task" in response.text, action
    assert await task_status(api, await login("water"), task_id) == "open"


async def test_return_needs_a_reason_and_then_goes_to_the_dispatcher(
    api: httpx.AsyncClient, login: Any, case_worker: Any
) -> None:
    number, task_id = await open_case_with_task(api, login)
    water = await login("water")
    path = f"/cases/{number}/tasks/{task_id}/return"
    empty = await post_form(api, path, water, {"reason": ""}, f"/cases/{number}")
    assert empty.status_code == 422 and 'id="reason-error"' in empty.text
    returned = await post_form(api, path, water, {"reason": "属于小区内部管网"}, f"/cases/{number}")
    assert returned.status_code == 303
    await eventually(lambda: _has_status(api, water, task_id, "returned"))


async def test_extension_in_the_past_is_refused_next_to_the_field_then_sent(
    api: httpx.AsyncClient, login: Any, case_worker: Any
) -> None:
    number, task_id = await open_case_with_task(api, login)
    water = await login("water")
    path = f"/cases/{number}/tasks/{task_id}/extension"
    past = await post_form(
        api, path, water, {"due_at": "2020-01-01T09:00", "reason": "材料未到"}, f"/cases/{number}"
    )
    assert past.status_code == 422 and "日期必须晚于当前时间" in past.text
    later = (datetime.now(UTC) + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M")
    asked = await post_form(api, path, water, {"due_at": later, "reason": "需更换主管道"}, f"/cases/{number}")
    assert (
        asked.status_code == 303 and asked.headers["location"] == f"/cases/{number}?done=extension_requested"
    )
    page = await api.get(f"/cases/{number}", headers=water)
    assert "延期申请已提交" in page.text or "extension_requested" in await timeline_kinds(api, water, number)


async def test_deferral_request_from_the_case_page(
    api: httpx.AsyncClient, login: Any, case_worker: Any
) -> None:
    number, task_id = await open_case_with_task(api, login)
    water = await login("water")
    path = f"/cases/{number}/tasks/{task_id}/deferral"
    no_date = await post_form(
        api, path, water, {"plan": "明年春季改造", "target_date": ""}, f"/cases/{number}"
    )
    assert no_date.status_code == 422 and 'id="target_date-error"' in no_date.text
    target = (datetime.now(UTC) + timedelta(days=60)).strftime("%Y-%m-%d")
    asked = await post_form(
        api, path, water, {"plan": "明年春季改造", "target_date": target}, f"/cases/{number}"
    )
    assert asked.status_code == 303
    assert "deferral_requested" in await timeline_kinds(api, water, number)


async def test_a_supervision_order_waits_in_the_inbox_until_answered(
    api: httpx.AsyncClient, login: Any, case_worker: Any
) -> None:
    number, _ = await open_case_with_task(api, login)
    water, forestry = await login("water"), await login("forestry")
    reply_by = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    issued = await api.post(
        f"/api/v1/cases/{number}/orders",
        json={"department": "company.water", "instructions": "请于明日前修复并报告", "reply_by": reply_by},
        headers={**await login("supervisor2"), "Idempotency-Key": new_key()},
    )
    assert issued.status_code == 200, issued.text

    async def listed() -> str | None:
        page = (await api.get("/inbox", headers=water)).text
        found = re.search(rf'href="/cases/{number}#answer-([^"]+)"', page)
        return found.group(1) if found else None

    order_id = await eventually(listed)
    assert "请于明日前修复并报告" not in (await api.get("/inbox", headers=forestry)).text
    path = f"/cases/{number}/orders/{order_id}/answer"
    blank = await post_form(api, path, water, {"text": ""}, f"/cases/{number}")
    assert blank.status_code == 422 and 'id="text-error"' in blank.text
    answered = await post_form(api, path, water, {"text": "已修复，附现场照片"}, f"/cases/{number}")
    assert (
        answered.status_code == 303 and answered.headers["location"] == f"/cases/{number}?done=order_answered"
    )

    async def gone() -> bool:
        return f"#answer-{order_id}" not in (await api.get("/inbox", headers=water)).text

    await eventually(gone)
