"""The dispatcher in Chromium: the console, registering the seed's burst water pipe through the intake
form (streets of the district, the suggested time limit, a likely duplicate, the routing proposal and a
change of route), and the case page that shows where it went; the intake form once in English."""

from __future__ import annotations

import re

from playwright.async_api import Page, expect

from tests.browser.conftest import ApiAs, LogIn, screenshot
from tests.helpers import PIPE_BURST, appeal, eventually, new_key

WATER = "西宁供水（集团）有限责任公司"


async def _registered_earlier(api_as: ApiAs) -> str:
    """An earlier call about the same burst, so that the form shows it as a likely duplicate."""
    api = await api_as("dispatcher")
    created = await api.post("/api/v1/cases", json=appeal(), headers={"Idempotency-Key": new_key()})
    number = str(created.json()["case_number"])

    async def projected() -> bool:
        return (await api.get(f"/api/v1/cases/{number}")).status_code == 200

    await eventually(projected)
    return number


async def _reload_until(page: Page, text: str, tries: int = 30) -> None:
    """The read model catches up with the workflow within moments; reload until it shows `text`."""
    for _ in range(tries):
        if text in await page.locator("main").inner_text():
            return
        await page.wait_for_timeout(300)
        await page.reload()
    await expect(page.locator("main")).to_contain_text(text)


async def test_the_dispatcher_registers_and_routes_the_burst_water_pipe(log_in: LogIn, api_as: ApiAs) -> None:
    earlier = await _registered_earlier(api_as)
    page = await log_in("dispatcher")
    await expect(page.get_by_role("heading", name="话务工作台")).to_be_visible()
    await expect(page.get_by_role("navigation", name="待办队列").get_by_role("link")).to_have_count(6)
    await screenshot(page, "dispatcher-console")

    await page.locator("main").get_by_role("link", name="新建诉求").click()
    await expect(page.get_by_role("heading", name="新建诉求")).to_be_visible()
    await expect(page.get_by_label("市民姓名")).to_be_focused()  # the call starts with the caller
    await page.get_by_label("市民姓名").fill(PIPE_BURST["citizen_name"])
    await page.get_by_label("联系电话").fill(PIPE_BURST["citizen_phone"])

    await expect(page.locator("#street optgroup")).to_have_count(7)  # every district's streets at first
    await page.get_by_label("区县").select_option(label="城东区")
    await expect(page.locator("#street optgroup")).to_have_count(0)  # now only 城东区's
    await page.get_by_label("街道/乡镇").select_option(label="东关大街街道")
    await page.get_by_label("详细地址").fill(PIPE_BURST["address"])
    await page.get_by_label("诉求分类").select_option(PIPE_BURST["category"])
    await expect(page.get_by_label("办理时限")).to_have_value("1")  # the category's default, suggested
    await expect(page.locator("#proposal")).to_contain_text(WATER)

    await page.get_by_label("标题").fill(PIPE_BURST["title"])
    await page.get_by_label("诉求内容").fill(PIPE_BURST["content"])
    duplicates = page.get_by_role("region", name=re.compile("疑似重复诉求"))
    await expect(duplicates.get_by_role("link", name=earlier)).to_be_visible()
    await screenshot(page, "dispatcher-intake")

    # The burst floods a whole building: the district government assists the water company.
    await page.get_by_label("修改派单方案").check()
    await page.get_by_role("radio", name=re.compile("并派")).check()
    await expect(page.locator("#intake-lead")).to_have_value("company.water")
    await page.locator("#intake-assisting").select_option("gov.chengdong")
    await page.get_by_role("button", name="登记诉求").click()

    await page.wait_for_url(re.compile(r"/cases/XB\d{8}-\d{6}\?done=registered$"))
    await expect(page.get_by_role("status")).to_have_text("诉求已受理。")
    await _reload_until(page, "城东区人民政府")
    departments = page.get_by_role("region", name="承办单位及办理时限")
    await expect(departments.get_by_role("row", name=re.compile(f"{re.escape(WATER)}.*主办"))).to_be_visible()
    await expect(departments.get_by_role("row", name=re.compile("城东区人民政府.*协办"))).to_be_visible()
    await screenshot(page, "dispatcher-case")


async def test_the_intake_form_in_english(log_in: LogIn) -> None:
    page = await log_in("dispatcher", locale="en-US")
    await page.goto("/console/intake")
    await expect(page.get_by_role("heading", name="New appeal")).to_be_visible()
    await page.get_by_label("District or county").select_option(label="城东区")
    await page.get_by_label("Category").select_option("water.pipe_burst")
    await expect(page.locator("#proposal")).to_contain_text(f"Proposed route: Direct → {WATER}")
    await expect(page.get_by_label("Time limit")).to_have_value("1")
    await page.get_by_label("Title").fill(PIPE_BURST["title"])
    await page.get_by_label("Content").fill(PIPE_BURST["content"])
    await page.get_by_role("button", name="Register the appeal").click()
    await expect(page.locator("#citizen_phone-error")).to_have_text(
        "A phone number is required unless the appeal is anonymous."
    )
    await expect(page.get_by_label("Phone")).to_be_focused()  # the cursor waits at the first problem
    await expect(page.get_by_label("District or county")).to_have_value("chengdong")  # kept
    await expect(page.get_by_label("Time limit")).to_contain_text("1 day")
    await screenshot(page, "dispatcher-intake-en")
