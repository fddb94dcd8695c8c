"""The supervisor in Chromium: the board, and an urge sent from the case page."""

from __future__ import annotations

import re

from playwright.async_api import expect

from tests.browser.conftest import ApiAs, LogIn, screenshot
from tests.browser.test_department import registered_case
from tests.helpers import new_key


async def test_the_supervisor_urges_a_case(log_in: LogIn, api_as: ApiAs) -> None:
    number = await registered_case(api_as, "和盛园小区水管爆裂（催办）")
    page = await log_in("supervisor1")
    await expect(page.get_by_role("heading", level=1)).to_contain_text("督办")
    await expect(page.locator("#escalated")).to_be_visible()
    await screenshot(page, "supervisor-board")

    await page.goto(f"/cases/{number}")
    await page.get_by_label("催办对象").select_option("company.water")
    await page.get_by_label("催办内容").fill("请今日内答复处理进展")
    await screenshot(page, "case-supervisor-panel")
    await page.get_by_role("button", name="发送催办").click()
    await expect(page.get_by_role("status")).to_contain_text("催办")
    await expect(page.locator(".timeline")).to_contain_text("请今日内答复处理进展")


async def test_the_supervisor_approves_a_deferral_from_the_board(log_in: LogIn, api_as: ApiAs) -> None:
    number = await registered_case(api_as, "老旧小区供水管网改造（挂账）")
    water = await api_as("water")
    tasks = (await water.get("/api/v1/tasks", params={"status": "open"})).json()
    task_id = next(t["task_id"] for t in tasks if t["case_number"] == number)
    asked = await water.post(
        f"/api/v1/tasks/{task_id}/deferral",
        json={"plan": "纳入明年管网改造计划", "target_date": "2031-04-01T00:00:00+08:00"},
        headers={"Idempotency-Key": new_key()},
    )
    asked.raise_for_status()
    page = await log_in("supervisor2")
    await expect(page.locator("#deferrals")).to_contain_text("纳入明年管网改造计划")
    await screenshot(page, "supervisor-board-with-a-deferral")
    await page.locator("#deferrals").get_by_role("link", name=re.compile("挂账")).click()
    await page.get_by_role("radio", name="同意挂账").check()
    await page.get_by_label("理由").fill("客观原因属实")
    await screenshot(page, "case-supervisor-deferral-ruling")
    await page.get_by_role("button", name="提交审批意见").click()
    await expect(page.get_by_role("status")).to_be_visible()
    await expect(page.locator(".timeline")).to_contain_text("客观原因属实")


async def test_the_board_in_english(log_in: LogIn) -> None:
    page = await log_in("supervisor3", locale="en-US")
    await page.goto("/board")
    await expect(page.get_by_role("heading", level=1)).to_contain_text("Supervision board")
    await expect(page.get_by_role("heading", name="Overdue cases")).to_be_visible()
    await expect(page.locator("h1 .level")).to_have_text(re.compile("Level 3"))
