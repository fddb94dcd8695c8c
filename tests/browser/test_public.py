"""The citizens' pages in Chromium: the front page with its rates, tracking a case by code and digits
(on a phone), rating a visited case, and a wrong guess answered plainly."""

from __future__ import annotations

from typing import Any

import httpx
from playwright.async_api import Page, expect

from tests.browser.conftest import ApiAs, Contexts, screenshot
from tests.helpers import PIPE_BURST, appeal, eventually, new_key

LAST4 = PIPE_BURST["citizen_phone"][-4:]


async def _register(dispatcher: httpx.AsyncClient) -> dict[str, Any]:
    created = await dispatcher.post("/api/v1/cases", json=appeal(), headers={"Idempotency-Key": new_key()})
    created.raise_for_status()
    return dict(created.json())


async def _wait_for(client: httpx.AsyncClient, number: str, status: str) -> None:
    async def reached() -> bool:
        case = await client.get(f"/api/v1/cases/{number}")
        return case.status_code == 200 and case.json()["status"] == status

    await eventually(reached, within=30)


async def _track(page: Page, tracking_code: str, last4: str = LAST4) -> None:
    await page.goto("/public/track")
    await page.get_by_label("查询码").fill(tracking_code)
    await page.get_by_label("联系电话后四位").fill(last4)
    await page.get_by_role("button", name="查询办理进度").click()


async def test_the_public_page_shows_the_headline_rates(new_context: Contexts) -> None:
    page = await (await new_context()).new_page()
    await page.goto("/public")
    await expect(page.get_by_role("heading", name="办理成效")).to_be_visible()
    rates = page.locator(".rate")
    await expect(rates).to_have_count(3)
    for name in ("响应率", "解决率", "满意率"):
        await expect(rates.filter(has_text=name)).to_have_count(1)
    await expect(page.get_by_role("link", name="拨打 12345")).to_have_attribute("href", "tel:12345")
    await screenshot(page, "public")
    phone = await (await new_context(phone=True)).new_page()
    await phone.goto("/public")
    await screenshot(phone, "public-phone")


async def test_the_citizen_tracks_a_case_on_a_phone(new_context: Contexts, api_as: ApiAs) -> None:
    dispatcher = await api_as("dispatcher")
    receipt = await _register(dispatcher)
    await _wait_for(dispatcher, receipt["case_number"], "handling")

    page = await (await new_context(phone=True)).new_page()
    await _track(page, receipt["tracking_code"].lower())
    await expect(page.get_by_role("heading", name="我的诉求")).to_be_visible()
    await expect(page.locator(".status-line")).to_contain_text("办理中")
    await expect(page.get_by_text(receipt["case_number"])).to_be_visible()
    await expect(page.get_by_role("heading", name="办理进度")).to_be_visible()
    assert receipt["tracking_code"] not in page.url and LAST4 not in page.url
    content = await page.content()
    assert PIPE_BURST["citizen_name"] not in content and PIPE_BURST["citizen_phone"] not in content
    await screenshot(page, "public-track-result")


async def test_wrong_digits_are_answered_plainly(new_context: Contexts, api_as: ApiAs) -> None:
    receipt = await _register(await api_as("dispatcher"))
    page = await (await new_context()).new_page()
    await _track(page, receipt["tracking_code"], "0000")
    await expect(page.get_by_role("alert")).to_contain_text("查询码与电话后四位不匹配")
    await expect(page.get_by_label("查询码")).to_have_value(receipt["tracking_code"])
    await expect(page.get_by_label("联系电话后四位")).to_have_value("")


async def test_the_citizen_rates_a_visited_case(new_context: Contexts, api_as: ApiAs) -> None:
    dispatcher, water = await api_as("dispatcher"), await api_as("water")
    receipt = await _register(dispatcher)
    number = receipt["case_number"]

    async def task_id() -> str | None:
        tasks = (await water.get("/api/v1/tasks", params={"status": "open"})).json()
        return next((t["task_id"] for t in tasks if t["case_number"] == number), None)

    task = await eventually(task_id, within=30)
    reply = await water.post(f"/api/v1/tasks/{task}/reply", json={"text": "已抢修完毕，恢复供水。"})
    reply.raise_for_status()
    await _wait_for(dispatcher, number, "replied")
    (await dispatcher.post(f"/api/v1/cases/{number}/review", json={"accept": True})).raise_for_status()
    await _wait_for(dispatcher, number, "visiting")

    page = await (await new_context(phone=True)).new_page()
    await _track(page, receipt["tracking_code"])
    await expect(page.get_by_text("已抢修完毕，恢复供水。")).to_be_visible()
    await page.get_by_role("button", name="提交评价").click()  # nothing chosen: the page says what is missing
    await expect(page.locator("#rating-error")).to_be_visible()
    await page.get_by_label("已经解决").check()
    await page.get_by_label("满意", exact=True).check()
    await page.get_by_label("其他意见或建议（选填）").fill("抢修很及时")
    await page.get_by_role("button", name="提交评价").click()
    await expect(page.get_by_role("status")).to_contain_text("谢谢，您的评价已记录")
    await expect(page.get_by_role("button", name="提交评价")).to_have_count(0)
    await _wait_for(dispatcher, number, "closed")
    case = (await dispatcher.get(f"/api/v1/cases/{number}")).json()
    visited = next(e for e in case["timeline"] if e["kind"] == "visited")
    assert visited["actor_role"] == "citizen" and visited["data"]["rating"] == "satisfied"
