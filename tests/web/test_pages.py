"""The pages: login with CSRF protection, redirect when logged out, the case list, error pages."""

import re

import httpx


async def _csrf(api: httpx.AsyncClient) -> str:
    page = await api.get("/login")
    match = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert match is not None
    return match.group(1)


async def _log_in(api: httpx.AsyncClient, password: str = "demo12345") -> httpx.Response:
    token = await _csrf(api)
    return await api.post(
        "/login", data={"username": "dispatcher", "password": password, "csrf_token": token}
    )


async def test_pages_redirect_to_login_when_logged_out(api: httpx.AsyncClient) -> None:
    response = await api.get("/cases")
    assert response.status_code == 303 and response.headers["location"] == "/login"


async def test_login_sets_an_httponly_cookie_and_opens_the_roles_home(api: httpx.AsyncClient) -> None:
    response = await _log_in(api)
    assert response.status_code == 303 and response.headers["location"] == "/console"
    cookie = response.headers["set-cookie"]
    assert "hotline_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    page = await api.get("/cases")
    assert page.status_code == 200 and "工单查询" in page.text


async def test_a_post_without_the_forms_token_is_refused(api: httpx.AsyncClient) -> None:
    await _csrf(api)  # the cookie is set, but the form does not carry the token
    response = await api.post("/login", data={"username": "dispatcher", "password": "demo12345"})
    forged = await api.post(
        "/login", data={"username": "dispatcher", "password": "demo12345", "csrf_token": "x"}
    )
    assert response.status_code == 403 and "csrf_failed" in response.text
    assert forged.status_code == 403 and "hotline_session" not in forged.headers.get("set-cookie", "")


async def test_a_wrong_password_shows_the_form_again_with_an_error(api: httpx.AsyncClient) -> None:
    response = await _log_in(api, password="nope")
    assert response.status_code == 401 and "用户名或密码错误" in response.text


async def test_logout_needs_the_forms_token_too(api: httpx.AsyncClient) -> None:
    await _log_in(api)
    refused = await api.post("/logout", data={})
    page = await api.get("/cases")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert refused.status_code == 403 and token is not None
    out = await api.post("/logout", data={"csrf_token": token.group(1)})
    assert out.status_code == 303 and (await api.get("/cases")).status_code == 303


async def test_an_unknown_case_shows_an_error_page_not_a_traceback(api: httpx.AsyncClient) -> None:
    await _log_in(api)
    response = await api.get("/cases/XN00000000-000000")
    assert (
        response.status_code == 404 and "case_not_found" in response.text and "Traceback" not in response.text
    )


async def test_the_language_switch_remembers_the_choice_and_only_goes_back_to_this_site(
    api: httpx.AsyncClient,
) -> None:
    back = await api.get("/lang/en", params={"next": "/cases?status=closed"})
    assert back.status_code == 303 and back.headers["location"] == "/cases?status=closed"
    assert "hotline_lang=en" in back.headers["set-cookie"]
    for elsewhere in ("//evil.example/x", "/\\evil.example/x", "https://evil.example/", "evil.example"):
        response = await api.get("/lang/zh_CN", params={"next": elsewhere})
        assert response.headers["location"] == "/", elsewhere
