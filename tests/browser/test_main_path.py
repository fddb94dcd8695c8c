"""The seed's burst water pipe from call to citizen, every step in Chromium by the person who does it:
the dispatcher registers and routes it, the water company signs for it and replies, the dispatcher
reviews the reply, the visit operator records the citizen's rating, and the citizen tracks the case.
A second department cannot open the water company's task on the way."""

from __future__ import annotations

import re

from playwright.async_api import Page, expect

from tests.browser.conftest import Contexts, LogIn, screenshot
from tests.browser.test_department import shown_after_reload
from tests.helpers import PIPE_BURST

ACCEPT = "审核通过"
REPLY = "经过一天抢修，当日晚修复完毕，小区恢复正常供水。"


async def _register(page: Page) -> str:
    await page.goto("/console/intake")
    await page.get_by_label("市民姓名").fill(PIPE_BURST["citizen_name"])
    await page.get_by_label("联系电话").fill(PIPE_BURST["citizen_phone"])
    await page.get_by_label("区县").select_option(label="城东区")
    await page.get_by_label("详细地址").fill(PIPE_BURST["address"])
    await page.get_by_label("诉求分类").select_option(PIPE_BURST["category"])
    await expect(page.locator("#proposal")).to_contain_text("西宁供水")
    await page.get_by_label("标题").fill("和盛园小区水管爆裂（全流程）")
    await page.get_by_label("诉求内容").fill(PIPE_BURST["content"])
    await page.get_by_role("button", name="登记诉求").click()
    await page.wait_for_url(re.compile(r"/cases/XB\d{8}-\d{6}\?done=registered$"))
    match = re.search(r"/cases/(XB\d{8}-\d{6})", page.url)
    assert match is not None
    return match.group(1)


async def _field(page: Page, name: str) -> str:
    """A value from the case page's field list."""
    return (await page.locator(f"dl.fields dt:text-is('{name}') + dd").inner_text()).strip()


async def test_a_case_goes_from_call_to_citizen_through_the_pages(
    log_in: LogIn, new_context: Contexts
) -> None:
    dispatcher = await log_in("dispatcher")
    number = await _register(dispatcher)
    await shown_after_reload(dispatcher, dispatcher.locator("main"), "西宁供水（集团）有限责任公司")
    tracking_code = await _field(dispatcher, "查询码")

    water = await log_in("water")
    await water.goto("/inbox")
    await shown_after_reload(water, water.locator("li.task", has_text=number), "待签收")
    await water.locator("li.task", has_text=number).get_by_role("button", name="签收").click()
    await expect(water.get_by_role("status")).to_contain_text("已签收")
    await shown_after_reload(water, water.locator("li.task", has_text=number), "办理中")
    await water.locator("li.task", has_text=number).get_by_role("link", name="答复").click()
    await water.get_by_label("答复内容").fill(REPLY)
    await water.get_by_label("已联系诉求人").check()
    await water.get_by_role("button", name="提交答复").click()
    await expect(water.get_by_role("status")).to_contain_text("答复")

    other = await log_in("realestate")
    response = await other.goto(f"/cases/{number}")
    assert response is not None and response.status == 403
    await expect(other.get_by_role("alert")).to_contain_text("该工单未派给您的单位")
    await other.goto("/inbox")
    await expect(other.locator("li.task", has_text=number)).to_have_count(0)

    await dispatcher.goto(f"/cases/{number}")
    await shown_after_reload(dispatcher, dispatcher.locator("main"), "审核答复")
    await dispatcher.get_by_role("button", name=ACCEPT).click()
    await expect(dispatcher.get_by_role("status")).to_contain_text("审核已记录")

    visitor = await log_in("visitor")
    await visitor.goto("/visits")
    await shown_after_reload(visitor, visitor.locator("li.task", has_text=number), REPLY)
    await visitor.locator("li.task", has_text=number).get_by_role("link", name="登记回访").click()
    await visitor.get_by_role("radio", name="已接通").check()
    await visitor.get_by_role("radio", name="已解决").check()
    await visitor.get_by_role("radio", name="满意", exact=True).check()
    await visitor.get_by_role("button", name="保存").click()
    await expect(visitor.get_by_role("status")).to_contain_text("回访")

    citizen = await (await new_context(phone=True)).new_page()
    await citizen.goto("/public/track")
    await citizen.get_by_label("查询码").fill(tracking_code)
    await citizen.get_by_label("联系电话后四位").fill(PIPE_BURST["citizen_phone"][-4:])
    await citizen.get_by_role("button", name="查询办理进度").click()
    await expect(citizen.locator(".status-line")).to_contain_text("已办结")
    await expect(citizen.get_by_text(REPLY)).to_be_visible()
    await expect(citizen.locator("main")).not_to_contain_text(PIPE_BURST["citizen_phone"])
    await screenshot(citizen, "main-path-citizen-tracks")

    await dispatcher.goto(f"/cases/{number}")
    timeline = dispatcher.get_by_role("region", name="办理过程")
    for step in ("已受理", "已派单", "签收", "已答复", "答复审核通过", "已回访", "已办结"):
        await expect(timeline).to_contain_text(step)
    await screenshot(dispatcher, "main-path-closed-case")
