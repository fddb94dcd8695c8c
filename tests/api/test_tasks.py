"""Department tasks through the API: own inbox only, one reply only."""

import asyncio
from typing import Any

import httpx
from temporalio import activity

from activities.read_model import ReadModelActivities
from hotline.contracts import Projection
from hotline.db import SessionFactory
from tests.helpers import eventually, open_case_with_task


async def test_another_department_cannot_reply_or_see_the_task(
    api: httpx.AsyncClient, login: Any, case_worker: Any
) -> None:
    number, task_id = await open_case_with_task(api, login)
    forestry = await login("forestry")
    reply = await api.post(f"/api/v1/tasks/{task_id}/reply", json={"text": "不是我们的"}, headers=forestry)
    inbox = (await api.get("/api/v1/tasks", headers=forestry)).json()
    case = await api.get(f"/api/v1/cases/{number}", headers=forestry)
    assert reply.status_code == 403 and reply.json()["code"] == "not_your_task"
    assert all(t["case_number"] != number for t in inbox)
    assert case.status_code == 403 and case.json()["code"] == "not_your_case"


async def test_a_second_reply_is_refused(api: httpx.AsyncClient, login: Any, case_worker: Any) -> None:
    _, task_id = await open_case_with_task(api, login)
    water = await login("water")
    first = await api.post(f"/api/v1/tasks/{task_id}/reply", json={"text": "已修复"}, headers=water)
    second = await api.post(f"/api/v1/tasks/{task_id}/reply", json={"text": "又修了一次"}, headers=water)
    assert first.status_code == 202
    assert second.status_code == 409 and second.json()["code"] == "task_not_open"


async def test_an_empty_reply_is_refused_and_the_task_stays_open(
    api: httpx.AsyncClient, login: Any, case_worker: Any
) -> None:
    _, task_id = await open_case_with_task(api, login)
    water = await login("water")
    response = await api.post(f"/api/v1/tasks/{task_id}/reply", json={"text": "  "}, headers=water)
    assert response.status_code == 422 and response.json()["details"]["fields"][0]["field"] == "text"
    tasks = (await api.get("/api/v1/tasks", params={"status": "open"}, headers=water)).json()
    assert task_id in {t["task_id"] for t in tasks}


async def test_a_dispatcher_has_no_department_inbox(api: httpx.AsyncClient, login: Any) -> None:
    response = await api.get("/api/v1/tasks", headers=await login("dispatcher"))
    assert response.status_code == 403


async def test_a_reply_keeps_its_attachments_metadata(
    api: httpx.AsyncClient, login: Any, case_worker: Any
) -> None:
    number, task_id = await open_case_with_task(api, login)
    attachment = {
        "name": "现场照片.jpg",
        "content_type": "image/jpeg",
        "size_bytes": 204800,
        "sha256": "a" * 64,
    }
    reply = await api.post(
        f"/api/v1/tasks/{task_id}/reply",
        json={"text": "已修复，附现场照片", "attachments": [attachment]},
        headers=await login("water"),
    )
    assert reply.status_code == 202
    dispatcher = await login("dispatcher")

    async def replied_event() -> dict[str, Any] | None:
        case = (await api.get(f"/api/v1/cases/{number}", headers=dispatcher)).json()
        return next((e for e in case["timeline"] if e["kind"] == "replied"), None)

    event = await eventually(replied_event)
    assert event["data"]["attachments"] == [attachment]


async def test_an_attachment_with_a_bad_checksum_is_refused(
    api: httpx.AsyncClient, login: Any, case_worker: Any
) -> None:
    _, task_id = await open_case_with_task(api, login)
    bad = {"name": "a.jpg", "content_type": "image/jpeg", "size_bytes": 1, "sha256": "not-a-hash"}
    response = await api.post(
        f"/api/v1/tasks/{task_id}/reply",
        json={"text": "见附件", "attachments": [bad]},
        headers=await login("water"),
    )
    assert response.status_code == 422 and "attachments" in response.json()["details"]["fields"][0]["field"]


def _slow_to_schedule(real: ReadModelActivities, pause: float) -> Any:
    """The real projection; when it opens tasks, their workflow task then takes `pause` seconds more to
    finish, so the inbox shows a task whose activity Temporal has not scheduled yet (a busy worker)."""

    @activity.defn(name="project_steps")
    async def project_steps(steps: list[Projection]) -> list[Projection]:
        written = await real.project_steps(steps)
        if any(step.opened_tasks for step in steps):
            await asyncio.sleep(pause)
        return written

    return project_steps


async def test_a_reply_sent_before_the_task_is_scheduled_waits_for_it_and_lands(
    api: httpx.AsyncClient, login: Any, worker_factory: Any, sessions: SessionFactory
) -> None:
    async with worker_factory(replace_activities=[_slow_to_schedule(ReadModelActivities(sessions), 1.5)]):
        number, task_id = await open_case_with_task(api, login)
        water = await login("water")
        reply = await api.post(f"/api/v1/tasks/{task_id}/reply", json={"text": "已修复"}, headers=water)
        assert reply.status_code == 202, reply.text
        dispatcher = await login("dispatcher")

        async def replied() -> bool:
            case = (await api.get(f"/api/v1/cases/{number}", headers=dispatcher)).json()
            return bool(case["status"] == "replied")

        assert await eventually(replied)
