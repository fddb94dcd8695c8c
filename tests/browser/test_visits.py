"""The return-visit operator in Chromium: the queue, then a satisfied rating that closes the case."""

from __future__ import annotations

from playwright.async_api import expect

from tests.browser.conftest import ApiAs, LogIn, screenshot
from tests.browser.test_department import registered_case
from tests.helpers import eventually

REPLY = "经抢修，当晚恢复供水。"


async def visiting_case(api_as: ApiAs, title: str) -> str:
    number = await registered_case(api_as, title)
    water, dispatcher = await api_as("water"), await api_as("dispatcher")
    tasks = (await water.get("/api/v1/tasks", params={"status": "open"})).json()
    task_id = next(t["task_id"] for t in tasks if t["case_number"] == number)
    (await water.post(f"/api/v1/tasks/{task_id}/reply", json={"text": REPLY})).raise_for_status()

    async def accepted() -> bool:
        response = await dispatcher.post(f"/api/v1/cases/{number}/review", json={"accept": True})
        return response.status_code == 200

    await eventually(accepted)

    async def visiting() -> bool:
        return (await dispatcher.get(f"/api/v1/cases/{number}")).json()["status"] == "visiting"

    await eventually(visiting)
    return number


async def test_the_visit_operator_records_a_satisfied_rating(log_in: LogIn, api_as: ApiAs) -> None:
    number = await visiting_case(api_as, "和盛园小区水管爆裂（回访）")
    page = await log_in("visitor")
    await page.goto("/visits")
    card = page.locator("li.task", has_text=number)
    await expect(card).to_contain_text(REPLY)
    await expect(card.get_by_role("link", name="13800001234")).to_be_visible()
    await screenshot(page, "visit-queue")

    await card.get_by_role("link", name="登记回访").click()
    await page.get_by_role("radio", name="已接通").check()
    await page.get_by_role("radio", name="已解决").check()
    await page.get_by_role("radio", name="满意", exact=True).check()
    await page.get_by_label("回访记录").fill("市民表示水管已修好")
    await screenshot(page, "case-visit-panel")
    await page.get_by_role("button", name="保存").click()
    await expect(page.get_by_role("status")).to_contain_text("回访")

    visitor = await api_as("visitor")

    async def closed() -> bool:
        case = (await visitor.get(f"/api/v1/cases/{number}")).json()
        return case["status"] == "closed" and case["timeline"][-2]["kind"] == "visited"

    await eventually(closed)
