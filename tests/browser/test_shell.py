"""The pages' frame in a real browser: login lands on the role's home, the language switches, errors
are pages (never tracebacks), and keyboard users can skip to the content."""

from playwright.async_api import expect

from tests.browser.conftest import Contexts, LogIn, screenshot


async def test_login_page_renders_chinese_and_switches_to_english(new_context: Contexts) -> None:
    page = await (await new_context()).new_page()
    await page.goto("/login")
    await expect(page.locator("h1")).to_have_text("工作人员登录")
    await screenshot(page, "login-zh")
    await page.get_by_role("link", name="English").click()
    await expect(page.locator("h1")).to_have_text("Staff login")
    await expect(page.locator("html")).to_have_attribute("lang", "en")
    await page.goto("/login")
    await expect(page.locator("h1")).to_have_text("Staff login")  # the choice is remembered


async def test_a_wrong_password_is_reported_next_to_the_form(new_context: Contexts) -> None:
    page = await (await new_context()).new_page()
    await page.goto("/login")
    await page.locator("#username").fill("dispatcher")
    await page.locator("#password").fill("not-the-password")
    await page.locator("form[action='/login'] button[type=submit]").click()
    await expect(page.get_by_role("alert")).to_contain_text("用户名或密码错误")


async def test_each_role_lands_on_its_own_home(log_in: LogIn) -> None:
    for username, path in (("dispatcher", "/console"), ("water", "/inbox"), ("supervisor1", "/board")):
        page = await log_in(username)
        assert page.url.endswith(path), (username, page.url)


async def test_an_unknown_case_is_an_error_page_in_the_users_language(log_in: LogIn) -> None:
    page = await log_in("dispatcher", locale="en-US")
    response = await page.goto("/cases/XB00000000-000000")
    assert response is not None and response.status == 404
    await expect(page.get_by_role("alert")).to_contain_text("No case")
    assert "Traceback" not in await page.content()


async def test_keyboard_users_can_skip_to_the_content(log_in: LogIn) -> None:
    page = await log_in("auditor")
    await page.goto("/cases")
    await page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="跳到正文")
    await expect(skip).to_be_focused()
    await expect(skip).to_be_visible()
