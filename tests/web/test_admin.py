"""The admin pages: only admins open them; users, API tokens, departments, categories, the dispatch
catalogue and the time limits, each change effective at once and refused changes shown beside the field."""

import re
import uuid
from datetime import date
from typing import Any

import httpx
import pytest
from fastapi.routing import APIRoute

from hotline import time_policy
from hotline.enums import Role
from web.routes.admin import router as admin_router

NON_ADMINS = ("dispatcher", "water", "supervisor1", "visitor", "auditor", "analyst")
SAMPLE = {"user_id": "1", "token_id": "1", "rule_id": "1", "code": "company.water"}
LIST_PAGES = (
    ("/admin", "系统管理"),
    ("/admin/users", "用户"),
    ("/admin/users/new", "新建用户"),
    ("/admin/tokens", "API 令牌"),
    ("/admin/departments", "承办单位"),
    ("/admin/departments/new", "新建承办单位"),
    ("/admin/departments/company.water", "西宁供水（集团）"),
    ("/admin/categories", "诉求分类"),
    ("/admin/categories/new?parent=water", "新建分类"),
    ("/admin/categories/water.outage", "停水"),
    ("/admin/catalogue", "派单目录"),
    ("/admin/catalogue?category=water.outage", "派单目录"),
    ("/admin/time-limits", "办理时限"),
)


def _unique(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:8]}"


def _roles_of(route: APIRoute) -> frozenset[Role] | None:
    pending = list(route.dependant.dependencies)
    while pending:
        dependency = pending.pop()
        if hasattr(dependency.call, "roles"):
            return frozenset(dependency.call.roles)
        pending.extend(dependency.dependencies)
    return None


def _routes(routes: list[Any], prefix: str = "") -> list[tuple[str, APIRoute]]:
    """Every page route, also inside included routers (kept as wrappers by FastAPI)."""
    found = []
    for route in routes:
        if isinstance(route, APIRoute):
            found.append((prefix + route.path, route))
        elif hasattr(route, "original_router"):
            found += _routes(route.original_router.routes, prefix + route.include_context.prefix)
    return found


def _admin_routes() -> list[tuple[str, str]]:
    return sorted(
        (method, re.sub(r"{(\w+)}", lambda m: SAMPLE[m.group(1)], path))
        for path, route in _routes(admin_router.routes)
        for method in route.methods
    )


async def _token(api: httpx.AsyncClient, headers: dict[str, str], path: str = "/admin/users/new") -> str:
    """The page's CSRF token (the client keeps the matching cookie)."""
    page = await api.get(path, headers=headers)
    match = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert match is not None, page.text[:500]
    return match.group(1)


async def _post(
    api: httpx.AsyncClient, headers: dict[str, str], path: str, data: dict[str, Any]
) -> httpx.Response:
    return await api.post(path, data={**data, "csrf_token": await _token(api, headers)}, headers=headers)


def test_every_admin_page_is_for_the_admin_only() -> None:
    routes = _routes(admin_router.routes)
    assert len(routes) >= 20
    assert {path: _roles_of(route) for path, route in routes} == {
        path: frozenset({Role.ADMIN}) for path, route in routes
    }


async def test_non_admins_get_403_on_every_admin_page(api: httpx.AsyncClient, login: Any) -> None:
    anonymous = await api.get("/admin/users")
    assert anonymous.status_code == 303 and anonymous.headers["location"] == "/login"
    for username in NON_ADMINS:
        headers = await login(username)
        token = await _token(api, headers, "/cases")
        for method, path in _admin_routes():
            data = {"csrf_token": token} if method == "POST" else None
            response = await api.request(method, path, data=data, headers=headers)
            assert response.status_code == 403 and "role_not_allowed" in response.text, (
                username,
                method,
                path,
            )


async def test_the_admin_opens_every_admin_page(api: httpx.AsyncClient, login: Any) -> None:
    admin = await login("admin")
    for path, heading in LIST_PAGES:
        response = await api.get(path, headers=admin)
        assert response.status_code == 200, (path, response.text[:300])
        assert heading in response.text, path
        assert "Traceback" not in response.text


async def test_a_bad_username_is_shown_next_to_the_field_and_nothing_is_created(
    api: httpx.AsyncClient, login: Any
) -> None:
    admin = await login("admin")
    before = (await api.get("/api/v1/admin/users", headers=admin)).json()
    response = await _post(
        api,
        admin,
        "/admin/users",
        {
            "username": "no spaces!",
            "display_name": "坏名字",
            "password": "a-long-password",
            "role": "dispatcher",
        },
    )
    after = (await api.get("/api/v1/admin/users", headers=admin)).json()
    assert response.status_code == 422
    assert re.search(r'id="username"[^>]*aria-invalid="true"', response.text)
    assert re.search(r'id="username-error" class="field-error">格式不正确', response.text)
    assert 'value="坏名字"' in response.text  # the other answers are kept
    assert len(after) == len(before)


async def test_a_department_user_without_a_department_is_refused_beside_the_field(
    api: httpx.AsyncClient, login: Any
) -> None:
    admin = await login("admin")
    response = await _post(
        api,
        admin,
        "/admin/users",
        {
            "username": _unique("clerk"),
            "display_name": "承办员",
            "password": "a-long-password",
            "role": "department",
        },
    )
    assert response.status_code == 422
    assert re.search(r'id="department-error" class="field-error">承办单位用户必须', response.text)


async def test_a_created_user_logs_in_and_deactivation_ends_their_sessions(
    api: httpx.AsyncClient, login: Any
) -> None:
    admin, username = await login("admin"), _unique("datong_clerk")
    created = await _post(
        api,
        admin,
        "/admin/users",
        {
            "username": username,
            "display_name": "大通县承办员",
            "password": "a-long-password",
            "role": "department",
            "department": "gov.datong",
        },
    )
    assert created.status_code == 303 and "done=user_created" in created.headers["location"]
    user_path = created.headers["location"].split("?")[0]
    credentials = {"username": username, "password": "a-long-password"}
    session = (await api.post("/api/v1/auth/login", json=credentials)).json()["token"]
    clerk = {"Authorization": f"Bearer {session}"}
    assert (await api.get("/api/v1/auth/me", headers=clerk)).json()["department"] == "gov.datong"

    confirm = await api.get(f"{user_path}/deactivate", headers=admin)
    assert confirm.status_code == 200 and "是否停用" in confirm.text
    deactivated = await _post(api, admin, f"{user_path}/deactivate", {})
    assert deactivated.status_code == 303
    assert (await api.get("/api/v1/auth/me", headers=clerk)).status_code == 401
    assert (await api.post("/api/v1/auth/login", json=credentials)).status_code == 401

    await _post(api, admin, f"{user_path}/reactivate", {})
    assert (await api.get("/api/v1/auth/me", headers=clerk)).status_code == 401  # old sessions stay ended
    assert (await api.post("/api/v1/auth/login", json=credentials)).status_code == 200


async def test_an_admin_changes_a_role_and_resets_a_password(api: httpx.AsyncClient, login: Any) -> None:
    admin, username = await login("admin"), _unique("operator")
    created = await _post(
        api,
        admin,
        "/admin/users",
        {"username": username, "display_name": "话务员", "password": "first-password", "role": "dispatcher"},
    )
    user_path = created.headers["location"].split("?")[0]
    first = {"username": username, "password": "first-password"}
    operator = {
        "Authorization": f"Bearer {(await api.post('/api/v1/auth/login', json=first)).json()['token']}"
    }

    changed = await _post(
        api, admin, user_path, {"display_name": "督办员", "role": "supervisor", "supervision_level": "2"}
    )
    assert changed.status_code == 303
    me = (await api.get("/api/v1/auth/me", headers=operator)).json()
    assert (me["role"], me["supervision_level"], me["display_name"]) == ("supervisor", 2, "督办员")

    short = await _post(api, admin, f"{user_path}/password", {"password": "short"})
    assert short.status_code == 422 and 'id="password-error"' in short.text
    reset = await _post(api, admin, f"{user_path}/password", {"password": "second-password"})
    assert reset.status_code == 303 and "done=password_set" in reset.headers["location"]
    assert (await api.get("/api/v1/auth/me", headers=operator)).status_code == 401
    second = {"username": username, "password": "second-password"}
    assert (await api.post("/api/v1/auth/login", json=first)).status_code == 401
    assert (await api.post("/api/v1/auth/login", json=second)).status_code == 200


async def test_an_admin_cannot_lock_themselves_out(api: httpx.AsyncClient, login: Any) -> None:
    admin = await login("admin")
    me = (await api.get("/api/v1/auth/me", headers=admin)).json()
    refused = await _post(api, admin, f"/admin/users/{me['user_id']}/deactivate", {})
    demoted = await _post(
        api, admin, f"/admin/users/{me['user_id']}", {"display_name": "管理员", "role": "dispatcher"}
    )
    assert refused.status_code == 409 and "own_account" in refused.text
    assert demoted.status_code == 409 and "不能更改自己的" in demoted.text
    assert (await api.get("/admin", headers=admin)).status_code == 200


async def test_a_new_api_token_is_shown_once_and_then_only_its_prefix(
    api: httpx.AsyncClient, login: Any
) -> None:
    admin, name = await login("admin"), _unique("市民通适配器")
    created = await _post(api, admin, "/admin/tokens", {"name": name, "channel": "shimintong"})
    assert created.status_code == 201 and created.headers["cache-control"] == "no-store"
    match = re.search(r'id="new-token-value"[^>]*value="(hlt_[^"]+)"', created.text)
    assert match is not None and "只显示这一次" in created.text
    token = match.group(1)

    listing = await api.get("/admin/tokens", headers=admin)
    assert name in listing.text and token not in listing.text and f"{token[:12]}…" in listing.text
    assert token not in (await api.get("/admin/tokens", headers=admin)).text

    bearer = {"Authorization": f"Bearer {token}"}
    assert (await api.get("/api/v1/categories", headers=bearer)).status_code == 403  # integration role
    token_id = next(
        t["id"] for t in (await api.get("/api/v1/admin/tokens", headers=admin)).json() if t["name"] == name
    )
    confirm = await api.get(f"/admin/tokens/{token_id}/revoke", headers=admin)
    assert confirm.status_code == 200 and "是否吊销" in confirm.text
    revoked = await _post(api, admin, f"/admin/tokens/{token_id}/revoke", {})
    assert revoked.status_code == 303
    assert (await api.get("/api/v1/categories", headers=bearer)).status_code == 401


async def test_a_token_needs_a_name_and_a_channel(api: httpx.AsyncClient, login: Any) -> None:
    admin = await login("admin")
    response = await _post(api, admin, "/admin/tokens", {"name": "", "channel": "telepathy"})
    assert response.status_code == 422
    assert 'id="name-error"' in response.text and 'id="channel-error"' in response.text


async def test_a_rule_is_added_used_at_once_and_deleted_after_confirmation(
    api: httpx.AsyncClient, login: Any
) -> None:
    admin, dispatcher = await login("admin"), await login("dispatcher")
    rule = {
        "category": "water.quality",
        "district": "datong",
        "mode": "parallel",
        "lead": "@district",
        "assisting": ["company.water", "city.health"],
    }
    query = {"category": "water.quality", "district": "datong"}
    added = await _post(api, admin, "/admin/catalogue", rule)
    assert added.status_code == 303 and "category=water.quality" in added.headers["location"]
    proposal = (await api.get("/api/v1/routes/proposal", params=query, headers=dispatcher)).json()
    assert proposal["mode"] == "parallel" and proposal["lead"] == "gov.datong"
    assert set(proposal["assisting"]) == {"company.water", "city.health"}

    again = await _post(api, admin, "/admin/catalogue", rule)
    assert again.status_code == 409 and "请先删除" in again.text

    listing = await api.get("/admin/catalogue", params={"category": "water.quality"}, headers=admin)
    rule_id = re.findall(r'href="/admin/catalogue/(\d+)/delete"', listing.text)
    rules = (
        await api.get("/api/v1/admin/catalogue", params={"category": "water.quality"}, headers=admin)
    ).json()
    ours = next(r["id"] for r in rules if r["district"] == "datong")
    assert str(ours) in rule_id
    confirm = await api.get(f"/admin/catalogue/{ours}/delete", headers=admin)
    assert confirm.status_code == 200 and "是否删除" in confirm.text
    deleted = await _post(api, admin, f"/admin/catalogue/{ours}/delete", {})
    assert deleted.status_code == 303
    proposal = (await api.get("/api/v1/routes/proposal", params=query, headers=dispatcher)).json()
    assert proposal["mode"] == "direct" and proposal["lead"] == "company.water"


async def test_a_rule_with_an_unknown_department_is_refused_beside_the_lead(
    api: httpx.AsyncClient, login: Any
) -> None:
    admin = await login("admin")
    response = await _post(
        api, admin, "/admin/catalogue", {"category": "water.quality", "mode": "direct", "lead": "no.such"}
    )
    assert response.status_code == 422 and 'id="lead-error"' in response.text


async def test_a_category_is_created_renamed_and_offered_to_intake(
    api: httpx.AsyncClient, login: Any
) -> None:
    admin, dispatcher = await login("admin"), await login("dispatcher")
    code = f"water.{_unique('hydrant')}"
    incomplete = await _post(
        api, admin, "/admin/categories", {"code": code, "name": "消防栓", "parent": "water"}
    )
    assert incomplete.status_code == 422 and 'id="parent-error"' in incomplete.text
    leaf = {
        "code": code,
        "name": "消防栓漏水",
        "parent": "water",
        "sector_department": "company.water",
        "default_tier": "3",
    }
    assert (await _post(api, admin, "/admin/categories", leaf)).status_code == 303
    taken = await _post(api, admin, "/admin/categories", leaf)
    assert taken.status_code == 409 and 'id="code-error"' in taken.text
    renamed = await _post(
        api, admin, "/admin/categories", {**leaf, "code": "ignored", "editing": code, "name": "消防栓损坏"}
    )
    assert renamed.status_code == 303
    categories = (await api.get("/api/v1/categories", headers=dispatcher)).json()
    assert {
        "code": code,
        "name": "消防栓损坏",
        "parent": "water",
        "sector_department": "company.water",
        "default_tier": 3,
    } in categories
    assert "消防栓损坏" in (await api.get("/admin/categories", headers=admin)).text


async def test_a_department_is_created_and_retired(api: httpx.AsyncClient, login: Any) -> None:
    admin, code = await login("admin"), f"city.{_unique('sports')}"
    department = {"code": code, "name": "市体育局", "kind": "sector", "level": "city", "active": "on"}
    assert (await _post(api, admin, "/admin/departments", department)).status_code == 303
    taken = await _post(api, admin, "/admin/departments", department)
    assert taken.status_code == 409 and 'id="code-error"' in taken.text
    ticked_off = {k: v for k, v in department.items() if k != "active"}  # browsers omit unticked boxes
    retired = await _post(
        api, admin, "/admin/departments", {**ticked_off, "editing": code, "name": "市体育总局"}
    )
    assert retired.status_code == 303  # the unticked "active" box retires it
    saved = next(d for d in (await api.get("/api/v1/departments", headers=admin)).json() if d["code"] == code)
    assert (saved["name"], saved["active"]) == ("市体育总局", False)
    page = await api.get(f"/admin/departments/{code}", headers=admin)
    assert page.status_code == 200 and "市体育总局" in page.text


async def test_the_time_limits_page_shows_the_policy_and_where_it_is_set(
    api: httpx.AsyncClient, login: Any
) -> None:
    page = await api.get("/admin/time-limits", headers=await login("admin"))
    assert page.status_code == 200
    for text in ("自然日", "工作日", "HOTLINE_", "HOTLINE_TIER_CALENDARS", "75.0%"):
        assert text in page.text, text
    assert page.text.count('class="day ') >= 60


@pytest.mark.parametrize(
    ("day", "kind", "holiday"),
    [
        (date(2026, 10, 1), time_policy.DayKind.HOLIDAY, "national_day"),
        (date(2026, 10, 10), time_policy.DayKind.MAKEUP, "national_day"),
        (date(2026, 10, 11), time_policy.DayKind.REST, None),
        (date(2026, 10, 12), time_policy.DayKind.WORKING, None),
    ],
)
def test_the_calendar_tells_holidays_from_make_up_working_days(
    day: date, kind: time_policy.DayKind, holiday: str | None
) -> None:
    assert time_policy.classify(day) == time_policy.CalendarDay(day, kind, holiday)


def test_a_year_without_a_holiday_table_counts_weekdays() -> None:
    far = time_policy.days_ahead(date(2099, 1, 5), 7)
    assert {d.kind for d in far} == {time_policy.DayKind.UNKNOWN}
    assert [d.counts for d in far] == [True] * 5 + [False] * 2
