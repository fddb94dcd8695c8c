"""The admin in a real browser: creates a department user who then logs in and sees their inbox, and
every admin page is saved as a screenshot."""

import re
import uuid

from playwright.async_api import expect

from tests.browser.conftest import Contexts, LogIn, screenshot

PAGES = (
    ("/admin", "admin-index", "系统管理"),
    ("/admin/users", "admin-users", "用户"),
    ("/admin/tokens", "admin-tokens", "API 令牌"),
    ("/admin/departments", "admin-departments", "承办单位"),
    ("/admin/departments/company.water", "admin-department-form", "编辑承办单位"),
    ("/admin/categories", "admin-categories", "诉求分类"),
    ("/admin/categories/water.outage", "admin-category-form", "编辑 停水"),
    ("/admin/catalogue?category=water.pipe_burst", "admin-catalogue", "派单目录"),
    ("/admin/time-limits", "admin-time-limits", "时限设置"),
)


async def test_the_admin_creates_a_department_user_who_can_then_log_in(
    log_in: LogIn, new_context: Contexts
) -> None:
    username = f"datong_{uuid.uuid4().hex[:6]}"
    admin = await log_in("admin")
    await admin.goto("/admin/users")
    await admin.get_by_role("link", name="新建用户").click()
    await expect(admin.locator("h1")).to_have_text("新建用户")

    await admin.get_by_label("用户名").fill("no spaces")
    await admin.get_by_label("名称").fill("大通县政府承办员")
    await admin.get_by_label("密码").fill("datong-password")
    await admin.get_by_label("角色").select_option("department")
    await admin.get_by_role("button", name="创建用户").click()
    await expect(admin.locator("#username-error")).to_have_text("格式不正确。")
    await expect(admin.locator("#username")).to_have_attribute("aria-invalid", "true")
    await screenshot(admin, "admin-user-form-errors")

    await admin.get_by_label("用户名").fill(username)
    await admin.get_by_label("密码").fill("datong-password")
    await admin.get_by_role("button", name="创建用户").click()
    await expect(admin.locator("#department-error")).to_contain_text("承办单位用户必须")
    await admin.get_by_label("承办单位").select_option("gov.datong")
    await admin.get_by_label("密码").fill("datong-password")
    await admin.get_by_role("button", name="创建用户").click()
    await expect(admin.get_by_role("status")).to_have_text("用户已创建，现在即可登录。")
    await expect(admin.locator("h1")).to_contain_text(username)
    await screenshot(admin, "admin-user-edit")

    clerk = await (await new_context()).new_page()
    await clerk.goto("/login")
    await clerk.locator("#username").fill(username)
    await clerk.locator("#password").fill("datong-password")
    await clerk.locator("form[action='/login'] button[type=submit]").click()
    await clerk.wait_for_url(re.compile(r"/inbox$"))
    await expect(clerk.locator("header .who")).to_contain_text("大通县政府承办员")

    await admin.get_by_role("link", name="停用此用户").click()
    await expect(admin.locator("h1")).to_have_text(f"是否停用 {username}？")
    await screenshot(admin, "admin-user-deactivate")
    await admin.get_by_role("button", name="确认停用").click()
    await expect(admin.get_by_role("status")).to_have_text("用户已停用，所有登录已失效。")
    await clerk.reload()
    await clerk.wait_for_url(re.compile(r"/login$"))  # the open session ended at once


async def test_a_new_token_is_shown_once(log_in: LogIn) -> None:
    admin = await log_in("admin")
    await admin.goto("/admin/tokens")
    await admin.get_by_label("名称").fill(f"市民通适配程序 {uuid.uuid4().hex[:4]}")
    await admin.get_by_label("来源渠道").select_option("shimintong")
    await admin.get_by_role("button", name="创建令牌").click()
    value = await admin.locator("#new-token-value").input_value()
    assert value.startswith("hlt_")
    await expect(admin.get_by_role("alert")).to_contain_text("只显示这一次")
    await screenshot(admin, "admin-token-created")
    await admin.get_by_role("link", name="我已妥善保存，返回令牌列表").click()
    await expect(admin.get_by_text(f"{value[:12]}…")).to_be_visible()
    assert value not in await admin.content()


async def test_every_admin_page_renders(log_in: LogIn) -> None:
    admin = await log_in("admin")
    for path, name, heading in PAGES:
        response = await admin.goto(path)
        assert response is not None and response.status == 200, path
        await expect(admin.locator("h1")).to_contain_text(heading)
        await screenshot(admin, name)
    english = await log_in("admin", locale="en-US")
    await english.goto("/admin/time-limits")
    await expect(english.locator("h1")).to_have_text("Time limits")
    await expect(english.get_by_role("cell", name="Natural days")).to_be_visible()
    await screenshot(english, "admin-time-limits-en")
