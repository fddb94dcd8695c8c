"""The auditor in Chromium: from the case page to the case's audit, its history, each task's clock,
and the case as it stood at a picked moment."""

from __future__ import annotations

import re

from playwright.async_api import expect

from tests.browser.conftest import ApiAs, LogIn, screenshot
from tests.browser.test_department import registered_case
from tests.helpers import eventually


async def test_the_auditor_reads_a_case_and_picks_a_moment(log_in: LogIn, api_as: ApiAs) -> None:
    number = await registered_case(api_as, "和盛园小区水管爆裂（审计）")
    water = await api_as("water")
    tasks = (await water.get("/api/v1/tasks", params={"status": "open"})).json()
    task_id = next(t["task_id"] for t in tasks if t["case_number"] == number)
    (await water.post(f"/api/v1/tasks/{task_id}/sign-for")).raise_for_status()
    (
        await water.post(f"/api/v1/tasks/{task_id}/reply", json={"text": "已抢修完毕，恢复供水"})
    ).raise_for_status()
    auditor_api = await api_as("auditor")

    async def replied() -> bool:
        return (await auditor_api.get(f"/api/v1/cases/{number}")).json()["status"] == "replied"

    await eventually(replied)

    page = await log_in("auditor")
    await page.goto(f"/cases/{number}")
    await page.get_by_role("link", name="审计此工单").click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text(number)
    history = page.locator("#history")
    await expect(history).to_contain_text("操作 · 签收")
    await expect(history).to_contain_text("已抢修完毕，恢复供水")
    await expect(page.locator(f"#clock-{task_id}")).to_contain_text("派单时的时限")
    await expect(page.locator("#tasks-then")).to_contain_text("已答复")
    await expect(page.get_by_role("link", name="用当前代码重放")).to_have_attribute(
        "href", f"/audit/cases/{number}/replay"
    )
    await screenshot(page, "audit-case")

    moment = page.get_by_label("时刻（本地时间）")
    await moment.fill("2020-01-01T08:00:00")
    await page.get_by_role("button", name="显示").click()
    await expect(page).to_have_url(re.compile(r"at=2020-01-01T08"))
    await expect(page.locator("#moment-title + form + p")).to_contain_text("尚未受理")
    await screenshot(page, "audit-case-before-it-existed")
