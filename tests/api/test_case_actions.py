"""Actions through the API: each role's own, refused with a typed error otherwise."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from sqlalchemy import update
from sqlmodel import col
from temporalio.client import Client

from hotline import actions
from hotline.db import SessionFactory
from hotline.models import Case
from tests.helpers import appeal, eventually, new_key, open_case_with_task, visiting_case


async def test_sign_for_is_the_departments_own_and_happens_once(
    api: httpx.AsyncClient, login: Any, case_worker: Any
) -> None:
    _, task_id = await open_case_with_task(api, login)
    water, forestry = await login("water"), await login("forestry")
    other = await api.post(f"/api/v1/tasks/{task_id}/sign-for", headers=forestry)
    key = {"Idempotency-Key": new_key()}
    first = await api.post(f"/api/v1/tasks/{task_id}/sign-for", headers={**water, **key})
    retried = await api.post(f"/api/v1/tasks/{task_id}/sign-for", headers={**water, **key})
    again = await api.post(f"/api/v1/tasks/{task_id}/sign-for", headers=water)
    assert other.status_code == 403 and other.json()["code"] == "not_your_task"
    assert first.status_code == 200 and retried.json() == first.json()
    assert again.status_code == 409 and again.json()["code"] == "task_not_open"


async def test_review_is_for_dispatchers_and_only_after_the_reply(
    api: httpx.AsyncClient, login: Any, case_worker: Any
) -> None:
    number, _ = await open_case_with_task(api, login)
    by_department = await api.post(
        f"/api/v1/cases/{number}/review", json={"accept": True}, headers=await login("water")
    )
    too_early = await api.post(
        f"/api/v1/cases/{number}/review", json={"accept": True}, headers=await login("dispatcher")
    )
    assert by_department.status_code == 403 and by_department.json()["code"] == "role_not_allowed"
    assert too_early.status_code == 409 and too_early.json()["code"] == "wrong_state"


async def test_actions_on_an_unknown_case_are_not_found(api: httpx.AsyncClient, login: Any) -> None:
    response = await api.post(
        "/api/v1/cases/XN00000000-999999/visits",
        json={"reached": False},
        headers=await login("visitor"),
    )
    assert response.status_code == 404 and response.json()["code"] == "case_not_found"


async def test_reroute_through_the_api_checks_the_route_first(
    api: httpx.AsyncClient, login: Any, case_worker: Any
) -> None:
    number, old_task = await open_case_with_task(api, login)
    dispatcher = await login("dispatcher")
    pushed_down = await api.post(
        f"/api/v1/cases/{number}/reroute",
        json={"route": {"mode": "direct", "lead": "street.chengdong.dongguan"}, "reason": "交给街道"},
        headers=dispatcher,
    )
    mismatch = await api.post(
        f"/api/v1/cases/{number}/reroute",
        json={"route": {"mode": "parallel", "lead": "company.realestate"}, "reason": "并行"},
        headers=dispatcher,
    )
    moved = await api.post(
        f"/api/v1/cases/{number}/reroute",
        json={"route": {"mode": "direct", "lead": "company.realestate"}, "reason": "小区内部管网"},
        headers=dispatcher,
    )
    assert pushed_down.status_code == 422 and pushed_down.json()["code"] == "level_pushed_down"
    assert mismatch.status_code == 422 and mismatch.json()["code"] == "route_mode_mismatch"
    assert moved.status_code == 200 and moved.json()["status"] == "handling"

    water = await login("water")

    async def withdrawn() -> bool:
        tasks = (await api.get("/api/v1/tasks", headers=water)).json()
        return any(t["task_id"] == old_task and t["status"] == "void" for t in tasks)

    await eventually(withdrawn)
    late = await api.post(f"/api/v1/tasks/{old_task}/reply", json={"text": "已修好"}, headers=water)
    assert late.status_code == 409 and late.json()["code"] == "task_not_open"


async def test_intake_with_the_dispatchers_own_route(
    api: httpx.AsyncClient, login: Any, case_worker: Any
) -> None:
    route = {"mode": "parallel", "lead": "company.realestate", "assisting": ["company.water"]}
    created = await api.post(
        "/api/v1/cases",
        json=appeal(route=route),
        headers={**await login("dispatcher"), "Idempotency-Key": new_key()},
    )
    assert created.status_code == 201
    number = created.json()["case_number"]
    dispatcher = await login("dispatcher")

    async def dispatched() -> dict[str, Any] | None:
        response = await api.get(f"/api/v1/cases/{number}", headers=dispatcher)
        case = response.json() if response.status_code == 200 else {"assignments": []}
        return case if len(case["assignments"]) == 2 else None

    case = await eventually(dispatched)
    assert case["lead_department"] == "company.realestate"
    assert {(a["department"], a["role"]) for a in case["assignments"]} == {
        ("company.realestate", "lead"),
        ("company.water", "assisting"),
    }


async def test_return_and_ruling_through_the_api(
    api: httpx.AsyncClient, login: Any, case_worker: Any
) -> None:
    number, task_id = await open_case_with_task(api, login)
    water, dispatcher = await login("water"), await login("dispatcher")
    returned = await api.post(
        f"/api/v1/tasks/{task_id}/return", json={"reason": "不属于本公司管网"}, headers=water
    )
    assert returned.status_code == 202

    async def awaiting_ruling() -> bool:
        tasks = (await api.get("/api/v1/tasks", headers=water)).json()
        return any(t["task_id"] == task_id and t["status"] == "returned" for t in tasks)

    await eventually(awaiting_ruling)
    no_route = await api.post(
        f"/api/v1/cases/{number}/returns/{task_id}/ruling",
        json={"justified": True, "reason": "属实"},
        headers=dispatcher,
    )
    ruled = await api.post(
        f"/api/v1/cases/{number}/returns/{task_id}/ruling",
        json={"justified": False, "reason": "属于供水管网，应由供水公司处理"},
        headers=dispatcher,
    )
    assert no_route.status_code == 422 and no_route.json()["code"] == "route_required"
    assert ruled.status_code == 200

    async def back_in_the_inbox() -> bool:
        tasks = (await api.get("/api/v1/tasks", params={"status": "open"}, headers=water)).json()
        return any(t["case_number"] == number and t["task_id"] != task_id for t in tasks)

    await eventually(back_in_the_inbox)


async def test_an_extension_into_the_past_is_refused(
    api: httpx.AsyncClient, login: Any, case_worker: Any
) -> None:
    _, task_id = await open_case_with_task(api, login)
    response = await api.post(
        f"/api/v1/tasks/{task_id}/extension",
        json={"reason": "需要更多时间", "due_at": "2020-01-01T00:00:00+08:00"},
        headers=await login("water"),
    )
    assert response.status_code == 422 and response.json()["code"] == "due_in_past"


async def test_an_urge_after_close_is_refused(api: httpx.AsyncClient, login: Any, case_worker: Any) -> None:
    dispatcher = await login("dispatcher")
    body = appeal(appeal_type="consultation", answer="请拨打供水公司服务电话。")
    created = await api.post("/api/v1/cases", json=body, headers={**dispatcher, "Idempotency-Key": new_key()})
    number = created.json()["case_number"]

    async def closed() -> bool:
        response = await api.get(f"/api/v1/cases/{number}", headers=dispatcher)
        return response.status_code == 200 and response.json()["status"] == "closed"

    await eventually(closed)
    urged = await api.post(
        f"/api/v1/cases/{number}/urge", json={"message": "请加快"}, headers=await login("supervisor1")
    )
    assert urged.status_code == 409 and urged.json()["code"] == "case_closed"


async def test_a_retried_visit_that_closed_the_case_gets_its_first_answer(
    api: httpx.AsyncClient, login: Any, temporal: Client, case_worker: Any
) -> None:
    """The visit closes the case; when its answer is lost (a timeout, an API restart) the client sends it
    again with the same Idempotency-Key and must get that answer, not "the case is closed"."""
    number = await visiting_case(api, login)
    visit = {"reached": True, "resolved": True, "rating": "satisfied"}
    headers = {**await login("visitor"), "Idempotency-Key": new_key()}
    first = await api.post(f"/api/v1/cases/{number}/visits", json=visit, headers=headers)

    await temporal.get_workflow_handle(number).result()  # the workflow has finished
    again = await api.post(f"/api/v1/cases/{number}/visits", json=visit, headers=headers)
    assert first.status_code == 200
    assert again.status_code == 200, again.text
    assert again.json() == first.json()


async def test_the_last_unreachable_attempt_says_the_case_is_closing(
    api: httpx.AsyncClient, login: Any, case_worker: Any, settings: Any
) -> None:
    number = await visiting_case(api, login)
    visitor = await login("visitor")
    answers = [
        await api.post(f"/api/v1/cases/{number}/visits", json={"reached": False}, headers=visitor)
        for _ in range(settings.visit_attempts)
    ]
    assert [a.status_code for a in answers] == [200] * settings.visit_attempts
    assert [a.json()["closing"] for a in answers] == [None] * (settings.visit_attempts - 1) + ["unreachable"]


async def test_an_update_lost_with_its_workflow_task_is_busy_while_the_case_runs_and_closed_after(
    api: httpx.AsyncClient, login: Any, case_worker: Any, temporal: Client
) -> None:
    """Temporal answers 'not found' or 'not ready' to an Update whose workflow task was lost (its worker
    killed mid-task) as it does to one sent to a finished case: only the second is closed."""
    number, _ = await open_case_with_task(api, login)
    handle = temporal.get_workflow_handle(number)
    while_running = await actions.refusal_for_lost_update(handle, number)
    await handle.terminate("test: the case ends")
    after = await actions.refusal_for_lost_update(handle, number)
    missing = await actions.refusal_for_lost_update(temporal.get_workflow_handle("XN-NONE"), "XN-NONE")
    assert (while_running.status_code, while_running.code) == (503, "case_busy")
    assert (after.status_code, after.code) == (409, "case_closed")
    assert (missing.status_code, missing.code) == (404, "case_not_found")


async def test_a_refusal_from_a_workflow_behind_its_read_model_says_retry(
    api: httpx.AsyncClient, login: Any, case_worker: Any, sessions: SessionFactory
) -> None:
    """A worker killed after a workflow task wrote its step and before the task completed leaves the read
    model a step ahead of the workflow until the step runs again: a person acting on that step meanwhile
    is told to retry. Refusals that do not depend on the case's state stand."""
    number, _ = await open_case_with_task(api, login)
    dispatcher, water = await login("dispatcher"), await login("water")

    def review(headers: dict[str, str]) -> Any:
        return api.post(f"/api/v1/cases/{number}/review", json={"accept": True}, headers=headers)

    async with _read_model_a_step_ahead(sessions, number):
        ahead, ahead_by_department = await review(dispatcher), await review(water)
    level = await review(dispatcher)
    assert ahead.status_code == 503 and ahead.json()["code"] == "case_busy"
    assert "catching up" in ahead.json()["message"]
    assert ahead_by_department.status_code == 403 and ahead_by_department.json()["code"] == "role_not_allowed"
    assert level.status_code == 409 and level.json()["code"] == "wrong_state"


@asynccontextmanager
async def _read_model_a_step_ahead(sessions: SessionFactory, number: str) -> AsyncIterator[None]:
    """The case's read model as a lost workflow task leaves it: one event past the workflow's history.
    Only while the case is idle (its task waits for the department), so no projection meets it."""

    async def shift(by: int) -> None:
        async with sessions() as session:
            await session.execute(
                update(Case)
                .where(col(Case.case_number) == number)
                .values(last_event_seq=col(Case.last_event_seq) + by)
            )
            await session.commit()

    await shift(1)
    try:
        yield
    finally:
        await shift(-1)
