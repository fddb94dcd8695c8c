"""The reports area in Chromium: each section's chart is drawn (a canvas) beside its table."""

from playwright.async_api import expect

from tests.browser.conftest import LogIn, screenshot


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
