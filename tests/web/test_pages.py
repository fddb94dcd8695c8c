"""The minimal pages: login, redirect when logged out, the case list."""

import httpx


async def test_pages_redirect_to_login_when_logged_out(api: httpx.AsyncClient) -> None:
    response = await api.get("/cases")
    assert response.status_code == 303 and response.headers["location"] == "/login"


async def test_login_sets_an_httponly_cookie_and_opens_the_case_list(api: httpx.AsyncClient) -> None:
    response = await api.post("/login", data={"username": "dispatcher", "password": "demo12345"})
    assert response.status_code == 303 and response.headers["location"] == "/cases"
    cookie = response.headers["set-cookie"]
    assert "hotline_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    page = await api.get("/cases")
    assert page.status_code == 200 and "工单列表" in page.text


async def test_a_wrong_password_shows_the_form_again_with_an_error(api: httpx.AsyncClient) -> None:
    response = await api.post("/login", data={"username": "dispatcher", "password": "nope"})
    assert response.status_code == 401 and "用户名或密码错误" in response.text


async def test_an_unknown_case_shows_an_error_page_not_a_traceback(api: httpx.AsyncClient) -> None:
    await api.post("/login", data={"username": "dispatcher", "password": "demo12345"})
    response = await api.get("/cases/XN00000000-000000")
    assert (
        response.status_code == 404 and "case_not_found" in response.text and "Traceback" not in response.text
    )
