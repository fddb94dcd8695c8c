"""A leader's pages in Chromium: the monthly evaluation and the early warnings, reached from the reports
area; each saved as a screenshot."""

from playwright.async_api import expect

from tests.browser.conftest import LogIn, screenshot


async def test_a_leader_opens_the_evaluation_and_the_warnings_from_the_reports_area(log_in: LogIn) -> None:
    page = await log_in("analyst")
    await page.goto("/reports")
    await page.get_by_role("link", name="预警预报").first.click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("预警预报")
    await screenshot(page, "reports-warnings")

    await page.goto("/reports/evaluation?month=2026-10")
    await expect(page.get_by_role("heading", level=1)).to_contain_text("2026-10")
    await screenshot(page, "reports-evaluation")


async def test_the_evaluation_in_english(log_in: LogIn) -> None:
    page = await log_in("analyst", locale="en-US")
    await page.goto("/reports/evaluation?month=2026-10")
    await expect(page.get_by_role("heading", level=1)).to_contain_text("Monthly evaluation of departments")
