"""The department in Chromium: its inbox on a phone, signing for and replying to a case; another
department cannot open that task or case."""

from __future__ import annotations

import re

from playwright.async_api import Locator, Page, expect

from tests.browser.conftest import ApiAs, LogIn, screenshot
from tests.helpers import PIPE_BURST, appeal, eventually, new_key


async def registered_case(api_as: ApiAs, title: str) -> str:
    """A burst-pipe appeal registered by the dispatcher; the water company gets the task."""
    dispatcher = await api_as("dispatcher")
    created = await dispatcher.post(
        "/api/v1/cases", json=appeal(PIPE_BURST, title=title), headers={"Idempotency-Key": new_key()}
    )
    created.raise_for_status()
    number = str(created.json()["case_number"])
    water = await api_as("water")

    async def task_open() -> bool:
        tasks = (await water.get("/api/v1/tasks", params={"status": "open"})).json()
        return any(t["case_number"] == number for t in tasks)

    await eventually(task_open)
    return number


async def shown_after_reload(page: Page, where: Locator, text: str) -> None:
    """The read model catches up a moment after the action: reload until the page says so."""

    async def shown() -> bool:
        if await where.count() and text in await where.inner_text():
            return True
        await page.reload()
        return False

    await eventually(shown)


async def no_sideways_scroll(page: Page) -> None:
    overflow = await page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px"


async def test_the_department_signs_for_and_replies_on_a_phone(log_in: LogIn, api_as: ApiAs) -> None:
    number = await registered_case(api_as, "和盛园小区水管爆裂（手机）")
    page = await log_in("water", phone=True)
    await page.goto("/inbox")
    card = page.locator("li.task", has_text=number)
    await expect(card).to_contain_text("待签收")
    await expect(card.locator(".clock")).to_have_class(re.compile("clock-on_time"))
    await no_sideways_scroll(page)
    sign = card.get_by_role("button", name="签收")
    box = await sign.bounding_box()
    assert box is not None and box["height"] >= 44 and box["width"] >= 300  # a thumb-sized target
    await screenshot(page, "department-inbox-phone")

    await sign.click()
    await expect(page.get_by_role("status")).to_contain_text("已签收")
    await shown_after_reload(page, page.locator("li.task", has_text=number), "办理中")
    await page.locator("li.task", has_text=number).get_by_role("link", name="答复").click()
    await expect(page.get_by_role("heading", name=re.compile("本单位任务"))).to_be_visible()
    await no_sideways_scroll(page)
    await page.get_by_label("答复内容").fill("经抢修，当晚恢复供水。")
    await page.get_by_label("办理结果").select_option("resolved")
    await page.get_by_label("已联系诉求人").check()
    await screenshot(page, "case-department-panel-phone")
    await page.get_by_role("button", name="提交答复").click()
    await expect(page.get_by_role("status")).to_contain_text("答复")
    await page.get_by_role("link", name=re.compile("已答复和已退单")).click()
    await shown_after_reload(page, page.locator("li.task", has_text=number), "已答复")


async def test_the_inbox_on_a_desktop(log_in: LogIn, api_as: ApiAs) -> None:
    number = await registered_case(api_as, "和盛园小区水管爆裂（电脑）")
    page = await log_in("water")
    await page.goto("/inbox")
    await expect(page.locator("li.task", has_text=number)).to_be_visible()
    await screenshot(page, "department-inbox")
    await page.locator("li.task", has_text=number).get_by_role("link", name=re.compile("和盛园")).click()
    await expect(page.get_by_role("button", name="签收")).to_be_visible()
    await screenshot(page, "case-department-panel")


async def test_another_department_cannot_open_the_task(log_in: LogIn, api_as: ApiAs) -> None:
    number = await registered_case(api_as, "和盛园小区水管爆裂（他单位）")
    page = await log_in("realestate")
    await page.goto("/inbox")
    await expect(page.locator("li.task", has_text=number)).to_have_count(0)
    response = await page.goto(f"/cases/{number}")
    assert response is not None and response.status == 403
    await expect(page.get_by_role("alert")).to_contain_text("该工单未派给您的单位")
