"""The early-warning page: in Chinese for the reading roles; a supervisor's form on a cluster starts a
proactive case (CSRF-checked, errors beside the fields) and lands on its page; its members show the link."""

from __future__ import annotations

import re
import uuid

import httpx

from hotline.db import SessionFactory
from tests.api.test_warnings import food_cases


async def log_in(api: httpx.AsyncClient, username: str) -> None:
    page = await api.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token is not None
    response = await api.post(
        "/login", data={"username": username, "password": "demo12345", "csrf_token": token.group(1)}
    )
    assert response.status_code == 303


def csrf_of(page: str) -> str:
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token is not None
    return token.group(1)


async def test_the_page_lists_the_warnings_in_chinese(
    api: httpx.AsyncClient, sessions: SessionFactory
) -> None:
    members = await food_cases(sessions)
    await log_in(api, "analyst")
    page = await api.get("/reports/warnings")
    assert page.status_code == 200
    for heading in ("预警预报", "诉求激增", "重复诉求地点", "同类诉求聚类"):
        assert heading in page.text
    assert all(f'href="/cases/{m}"' in page.text for m in members)  # the food stories form a cluster
    assert "发起未诉先办" not in page.text  # an analyst reads, a supervisor acts
    reports = await api.get("/reports")
    assert 'href="/reports/warnings"' in reports.text


async def test_other_roles_cannot_open_the_page(api: httpx.AsyncClient) -> None:
    assert (await api.get("/reports/warnings")).status_code == 303  # to the login page
    await log_in(api, "water")
    assert (await api.get("/reports/warnings")).status_code == 403


async def test_a_supervisor_starts_a_proactive_case_from_a_cluster(
    api: httpx.AsyncClient, sessions: SessionFactory
) -> None:
    members = await food_cases(sessions)
    await log_in(api, "supervisor1")
    page = await api.get("/reports/warnings")
    assert "发起未诉先办" in page.text
    form = {
        "csrf_token": csrf_of(page.text),
        "cluster": members[0],
        "members": members,
        "title": "",
        "content": "多巴镇批发部多次被反映销售过期食品，开展专项检查。",
        "category": "food.expired",
        "district": "huangzhong",
        "idempotency_key": f"web-{uuid.uuid4().hex}",
    }

    blank = await api.post("/reports/warnings/proactive", data=form)
    assert blank.status_code == 422
    assert re.search(r'id="title-error" class="field-error">[^<]+<', blank.text)

    forged = await api.post("/reports/warnings/proactive", data={**form, "csrf_token": "x", "title": "t"})
    assert forged.status_code == 403

    started = await api.post("/reports/warnings/proactive", data={**form, "title": "多巴镇过期食品专项整治"})
    assert started.status_code == 303
    location = started.headers["location"]
    number = re.match(r"/cases/([^?]+)", location)
    assert number is not None
    again = await api.post("/reports/warnings/proactive", data={**form, "title": "多巴镇过期食品专项整治"})
    assert again.headers["location"] == location  # the same form sent twice: one case

    member_page = await api.get(f"/cases/{members[1]}")
    assert member_page.status_code == 200
    assert "一类事" in member_page.text and f'href="/cases/{number.group(1)}"' in member_page.text


async def test_the_form_is_for_supervisors_only(api: httpx.AsyncClient, sessions: SessionFactory) -> None:
    members = await food_cases(sessions)
    await log_in(api, "analyst")
    page = await api.get("/reports/warnings")
    refused = await api.post(
        "/reports/warnings/proactive",
        data={
            "csrf_token": csrf_of(page.text),
            "members": members,
            "title": "t",
            "content": "c",
            "category": "food.expired",
            "district": "huangzhong",
        },
    )
    assert refused.status_code == 403
