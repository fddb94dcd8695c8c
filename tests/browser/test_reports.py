"""The reports area in Chromium: each section's chart is drawn (a canvas) beside its table; a leader
opens the monthly bulletin from the overview."""

from datetime import datetime
from zoneinfo import ZoneInfo

from playwright.async_api import expect

from tests.browser.conftest import ApiAs, LogIn, screenshot
from tests.helpers import appeal, new_key


async def test_the_reports_page_draws_its_charts(log_in: LogIn) -> None:
    page = await log_in("analyst")
    await page.goto("/reports")
    await expect(page.get_by_role("heading", name="统计报表", exact=True)).to_be_visible()
    for title in ("工单状态分布", "各区县受理量", "各渠道受理量", "每日受理量"):
        await expect(page.get_by_role("heading", name=title)).to_be_visible()
    charts = page.locator(".chart")
    await expect(charts).to_have_count(4)
    for index in range(4):
        await expect(charts.nth(index)).to_be_visible()
        await expect(charts.nth(index).locator("canvas")).to_have_count(1)
    await expect(page.get_by_role("table").first).to_be_visible()
    await screenshot(page, "reports")


async def test_without_javascript_the_tables_carry_the_numbers(log_in: LogIn) -> None:
    page = await log_in("supervisor1")
    await page.context.route("**/*.js", lambda route: route.abort())
    await page.goto("/reports")
    await expect(page.locator(".chart").first).to_be_hidden()
    await page.get_by_text("查看数据表").nth(1).click()
    await expect(page.get_by_role("table").nth(1)).to_contain_text("城东区")


async def test_a_leader_opens_the_monthly_bulletin(log_in: LogIn, api_as: ApiAs) -> None:
    month = datetime.now(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m")
    dispatcher = await api_as("dispatcher")
    received = await dispatcher.post("/api/v1/cases", json=appeal(), headers={"Idempotency-Key": new_key()})
    assert received.status_code in (200, 201), received.text
    analyst = await api_as("analyst")
    made = await analyst.post("/api/v1/reports/monthly", json={"period": month})
    assert made.status_code == 201, made.text

    page = await log_in("supervisor1")
    await page.goto("/reports")
    await page.get_by_role("link", name=month).first.click()
    await expect(page.get_by_role("heading", name=f"月通报 · {month}")).to_be_visible()
    for title in ("排名", "“十差”候选", "分承办单位", "诉求激增", "解决一类事"):
        await expect(page.get_by_role("heading", name=title, exact=True)).to_be_visible()
    await expect(page.locator("#chart-district canvas")).to_have_count(1)
    await expect(page.get_by_role("link", name="下载 Excel")).to_be_visible()
    await screenshot(page, "reports-monthly-bulletin")
