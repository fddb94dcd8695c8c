"""The dispatcher's pages: the console and its queues, the intake form with its pickers, duplicates and
routing proposal, and the dispatcher's forms on a case page, against the real app (and a real worker
where a case must run)."""

from __future__ import annotations

import re
import uuid
from typing import Any

import httpx

from hotline.duplicates import bigrams, similarity
from tests.helpers import PIPE_BURST, appeal, eventually, new_key, open_case_with_task

FORM = {
    "channel": "hotline",
    "appeal_type": "help",
    "citizen_name": "王女士",
    "citizen_phone": "13800001234",
    "district": "chengdong",
    "street": "chengdong.dongguan",
    "address": "和盛园小区二期东院115号楼",
    "category": "water.pipe_burst",
    "tier": "",
    "title": "小区自来水管爆裂",
    "content": "115号楼自来水管爆裂，整栋楼停水。",
}


async def _token(api: httpx.AsyncClient, headers: dict[str, str], path: str = "/console/intake") -> str:
    page = await api.get(path, headers=headers)
    match = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert match is not None, page.text[:500]
    return match.group(1)


async def _post(
    api: httpx.AsyncClient, headers: dict[str, str], path: str, data: dict[str, Any]
) -> httpx.Response:
    token = await _token(api, headers)
    return await api.post(path, data={**data, "csrf_token": token}, headers=headers)


async def _status(api: httpx.AsyncClient, headers: dict[str, str], number: str) -> str:
    return str((await api.get(f"/api/v1/cases/{number}", headers=headers)).json()["status"])


async def test_a_department_user_cannot_open_the_console(api: httpx.AsyncClient, login: Any) -> None:
    water = await login("water")
    for path in ("/console", "/console/intake", "/console/queues/new", "/console/intake/proposal"):
        response = await api.get(path, headers=water)
        assert response.status_code == 403 and "role_not_allowed" in response.text, path
    assert (await api.get("/console")).status_code == 303  # logged out: to the login page


async def test_the_console_counts_each_queue_and_links_its_page(api: httpx.AsyncClient, login: Any) -> None:
    dispatcher = await login("dispatcher")
    console = await api.get("/console", headers=dispatcher)
    assert console.status_code == 200 and "话务工作台" in console.text
    for name in ("new", "returned", "review", "overdue", "deferred", "extensions"):
        assert f'href="/console/queues/{name}"' in console.text
    assert 'href="/console/intake"' in console.text and 'action="/cases"' in console.text
    review = await api.get("/console/queues/review", headers=dispatcher)
    assert review.status_code == 200 and '<table class="cases">' in review.text
    for unknown in ("visits", "nonsense"):  # another role's queue, or none at all
        assert (await api.get(f"/console/queues/{unknown}", headers=dispatcher)).status_code == 404


async def test_the_intake_form_has_its_pickers_and_a_key_per_rendering(
    api: httpx.AsyncClient, login: Any
) -> None:
    dispatcher = await login("dispatcher")
    first = await api.get("/console/intake", headers=dispatcher)
    second = await api.get("/console/intake", headers=dispatcher)
    keys = [re.search(r'name="idempotency_key" value="([^"]+)"', p.text) for p in (first, second)]
    assert keys[0] and keys[1] and keys[0].group(1) != keys[1].group(1)
    assert 'hx-get="/console/intake/streets"' in first.text and "&#34;" not in first.text
    assert re.search(r'<input id="citizen_name"[^>]* autofocus', first.text)
    assert '<optgroup label="城东区">' in first.text  # without JS: every street under its district
    assert '<optgroup label="供水">' in first.text and "水管爆裂 · 1 日" in first.text

    streets = await api.get("/console/intake/streets", params={"district": "chengdong"}, headers=dispatcher)
    assert (
        "东关大街街道" in streets.text
        and "人民街街道" not in streets.text
        and "<optgroup" not in streets.text
    )
    tier = await api.get("/console/intake/tier", params={"category": "water.pipe_burst"}, headers=dispatcher)
    assert re.search(r'<option value="1" selected>', tier.text) and "本类诉求建议时限：1 日" in tier.text
    proposal = await api.get(
        "/console/intake/proposal",
        params={"category": "water.pipe_burst", "district": "chengdong", "street": "chengxi.xiguan"},
        headers=dispatcher,
    )
    assert (
        "西宁供水（集团）有限责任公司" in proposal.text and 'value="company.water" selected' in proposal.text
    )


async def test_intake_problems_are_shown_beside_their_fields_with_the_values_kept(
    api: httpx.AsyncClient, login: Any
) -> None:
    dispatcher = await login("dispatcher")
    data = {**FORM, "citizen_phone": "", "idempotency_key": new_key()}
    response = await _post(api, dispatcher, "/console/intake", data)
    untitled = await _post(api, dispatcher, "/console/intake", {**data, "title": " ", "category": ""})
    assert response.status_code == untitled.status_code == 422
    assert 'id="citizen_phone-error" class="field-error">除匿名诉求外，须填写联系电话。' in response.text
    assert 'id="title-error" class="field-error">此项为必填项。' in untitled.text
    assert 'id="category-error" class="field-error">此项为必填项。' in untitled.text
    assert "115号楼自来水管爆裂，整栋楼停水。</textarea>" in response.text
    assert data["idempotency_key"] in response.text  # the same key: a corrected retry is still one appeal

    street_elsewhere = {**FORM, "street": "chengxi.xiguan", "idempotency_key": new_key()}
    refused = await _post(api, dispatcher, "/console/intake", street_elsewhere)
    assert refused.status_code == 422 and 'id="street-error"' in refused.text


async def test_a_double_submitted_intake_makes_one_case(api: httpx.AsyncClient, login: Any) -> None:
    dispatcher = await login("dispatcher")
    data = {**FORM, "tier": "3", "idempotency_key": new_key()}
    first = await _post(api, dispatcher, "/console/intake", data)
    second = await _post(api, dispatcher, "/console/intake", data)
    assert first.status_code == second.status_code == 303
    assert first.headers["location"] == second.headers["location"]
    assert re.fullmatch(r"/cases/X[SP]\d{8}-\d{6}\?done=registered", first.headers["location"])

    edited = await _post(api, dispatcher, "/console/intake", {**data, "title": "小区停水"})
    number = first.headers["location"].split("/")[2].split("?")[0]
    assert edited.status_code == 409 and f'href="/cases/{number}"' in edited.text
    assert data["idempotency_key"] not in edited.text  # a fresh key for the different appeal


async def test_a_chosen_route_is_checked_and_its_problem_shown_beside_the_field(
    api: httpx.AsyncClient, login: Any
) -> None:
    dispatcher = await login("dispatcher")
    data = {
        **FORM,
        "idempotency_key": new_key(),
        "route_change": "on",
        "route_mode": "direct",
        "route_lead": "company.water",
        "route_assisting": "gov.chengdong",
    }
    response = await _post(api, dispatcher, "/console/intake", data)
    assert response.status_code == 422 and 'id="intake-assisting-error"' in response.text
    assert 'id="route_change" name="route_change" checked' in response.text


async def test_likely_duplicates_are_open_cases_nearby_with_similar_words(
    api: httpx.AsyncClient, login: Any, case_worker: Any
) -> None:
    dispatcher = await login("dispatcher")
    # A building of its own, so that the other tests' burst pipes in the shared read model rank lower.
    building = f"和盛园小区{uuid.uuid4().int % 10**8}号楼"
    created = await api.post(
        "/api/v1/cases",
        json=appeal(address=building),
        headers={**dispatcher, "Idempotency-Key": new_key()},
    )
    number = created.json()["case_number"]
    place = {"category": "water.pipe_burst", "district": "chengdong"}

    async def listed(title: str, address: str = "") -> bool:
        page = await api.get(
            "/console/intake/duplicates",
            params={**place, "title": title, "address": address},
            headers=dispatcher,
        )
        return number in page.text

    assert await eventually(lambda: listed("水管爆了", building))
    assert not await listed("路灯不亮，晚上太黑")
    assert not await listed("水管")  # too little text to say anything


def test_similarity_is_the_overlap_of_character_bigrams() -> None:
    registered = bigrams(PIPE_BURST["title"] + PIPE_BURST["address"] + PIPE_BURST["content"])
    assert bigrams("水管，爆裂!") == {"水管", "管爆", "爆裂"}
    assert similarity(bigrams("自来水管爆裂"), registered) == 1.0
    assert similarity(bigrams("小区路灯不亮"), registered) < 0.3
    assert similarity(set(), registered) == 0.0


async def test_withdraw_from_the_case_page_needs_a_reason_and_closes_the_case(
    api: httpx.AsyncClient, login: Any, case_worker: Any
) -> None:
    dispatcher = await login("dispatcher")
    number, _task = await open_case_with_task(api, login)
    page = await api.get(f"/cases/{number}", headers=dispatcher)
    assert f'action="/cases/{number}/withdraw"' in page.text and 'name="idempotency_key"' in page.text

    blank = await _post(
        api, dispatcher, f"/cases/{number}/withdraw", {"reason": "", "idempotency_key": new_key()}
    )
    assert blank.status_code == 422 and 'id="reason-error"' in blank.text

    key = new_key()
    done = await _post(
        api, dispatcher, f"/cases/{number}/withdraw", {"reason": "市民来电撤回", "idempotency_key": key}
    )
    resent = await _post(
        api, dispatcher, f"/cases/{number}/withdraw", {"reason": "市民来电撤回", "idempotency_key": key}
    )
    another = await _post(
        api, dispatcher, f"/cases/{number}/withdraw", {"reason": "又撤一次", "idempotency_key": new_key()}
    )
    assert done.status_code == 303 and done.headers["location"] == f"/cases/{number}?done=withdrawn"
    assert resent.status_code == 303 and resent.headers["location"] == done.headers["location"]  # same form
    assert another.status_code == 409 and "该工单已办结" in another.text  # once closed, nothing more
    assert await eventually(lambda: _is(api, dispatcher, number, "closed"))


async def _is(api: httpx.AsyncClient, headers: dict[str, str], number: str, status: str) -> bool:
    return await _status(api, headers, number) == status


async def test_review_is_refused_on_the_page_before_the_reply_and_accepted_after(
    api: httpx.AsyncClient, login: Any, case_worker: Any
) -> None:
    dispatcher, water = await login("dispatcher"), await login("water")
    number, task_id = await open_case_with_task(api, login)
    early = await _post(
        api, dispatcher, f"/cases/{number}/review", {"decision": "accept", "idempotency_key": new_key()}
    )
    assert (
        early.status_code == 409
        and "工单当前状态不允许此操作" in early.text
        and "Traceback" not in early.text
    )

    await api.post(f"/api/v1/tasks/{task_id}/sign-for", headers=water)
    await api.post(f"/api/v1/tasks/{task_id}/reply", json={"text": "已抢修完毕，恢复供水"}, headers=water)
    await eventually(lambda: _is(api, dispatcher, number, "replied"))
    page = await api.get(f"/cases/{number}", headers=dispatcher)
    assert f'action="/cases/{number}/review"' in page.text and 'value="accept"' in page.text
    accepted = await _post(
        api, dispatcher, f"/cases/{number}/review", {"decision": "accept", "idempotency_key": new_key()}
    )
    assert accepted.status_code == 303 and accepted.headers["location"].endswith("done=reviewed")
    assert await eventually(lambda: _is(api, dispatcher, number, "visiting"))


async def test_a_reroute_to_an_unknown_department_is_shown_beside_the_route(
    api: httpx.AsyncClient, login: Any, case_worker: Any
) -> None:
    dispatcher = await login("dispatcher")
    number, _task = await open_case_with_task(api, login)
    data = {
        "route_mode": "direct",
        "route_lead": "no.such",
        "reason": "小区内部管网",
        "idempotency_key": new_key(),
    }
    response = await _post(api, dispatcher, f"/cases/{number}/reroute", data)
    assert response.status_code == 422 and "未知的承办单位。" in response.text
    assert "<details open>\n  <summary>改派" in response.text


async def test_a_return_is_ruled_on_the_case_page(
    api: httpx.AsyncClient, login: Any, case_worker: Any
) -> None:
    dispatcher, water = await login("dispatcher"), await login("water")
    number, task_id = await open_case_with_task(api, login)
    await api.post(
        f"/api/v1/tasks/{task_id}/return", json={"reason": "小区内部管网，不属本单位"}, headers=water
    )

    async def offered() -> bool:
        page = await api.get(f"/cases/{number}", headers=dispatcher)
        return f'action="/cases/{number}/returns/{task_id}/ruling"' in page.text

    await eventually(offered)
    path = f"/cases/{number}/returns/{task_id}/ruling"
    no_route = await _post(
        api, dispatcher, path, {"justified": "yes", "reason": "确属物业", "idempotency_key": new_key()}
    )
    assert no_route.status_code == 422 and "请选择改派的承办单位。" in no_route.text
    ruled = await _post(
        api, dispatcher, path, {"justified": "no", "reason": "属供水管网", "idempotency_key": new_key()}
    )
    assert ruled.status_code == 303 and ruled.headers["location"].endswith("done=ruled")

    async def back_with_water() -> bool:
        tasks = (await api.get("/api/v1/tasks", params={"status": "open"}, headers=water)).json()
        return any(t["case_number"] == number and t["task_id"] != task_id for t in tasks)

    assert await eventually(back_with_water)
