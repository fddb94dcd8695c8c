"""The evaluation API: who may read a month's ranking and who may evaluate a month, and what they get."""

from __future__ import annotations

from typing import Any

import httpx

from hotline.db import SessionFactory
from tests.evaluation.data import department_month
from tests.helpers import eventually


async def test_a_supervisor_evaluates_a_month_and_an_analyst_reads_the_ranking(
    api: httpx.AsyncClient, login: Any, sessions: SessionFactory, case_worker: Any
) -> None:
    await department_month(sessions, "city.education", 2005, 2, good=True)
    await department_month(sessions, "city.health", 2005, 2, good=False)
    analyst = await login("analyst")
    assert (await api.get("/api/v1/evaluations/2005/2", headers=analyst)).status_code == 404

    started = await api.post("/api/v1/evaluations/2005/2", headers=await login("supervisor1"))
    assert started.status_code == 202, started.text
    assert started.json()["month"] == "2005-02"

    async def ranking() -> httpx.Response | None:
        response = await api.get("/api/v1/evaluations/2005/2", headers=analyst)
        return response if response.status_code == 200 else None

    body = (await eventually(ranking, within=30)).json()
    assert body["month"] == "2005-02" and body["version"] == 1
    rows = [(d["department"], d["score"], d["zone"], d["rank"]) for d in body["departments"]]
    assert rows == [("city.education", 100.0, "green", 1), ("city.health", 0.0, "red", 2)]
    assert body["departments"][0]["ten_best"] is True
    assert body["departments"][1]["reasons"][0]["text"] == "Score 0.0, below 70.0: red zone"


async def test_evaluating_is_for_admins_and_supervisors_reading_for_the_readers(
    api: httpx.AsyncClient, login: Any
) -> None:
    for user in ("analyst", "auditor", "dispatcher", "water"):
        refused = await api.post("/api/v1/evaluations/2005/3", headers=await login(user))
        assert refused.status_code == 403, user
    assert (await api.get("/api/v1/evaluations/2005/3", headers=await login("water"))).status_code == 403
    assert (await api.get("/api/v1/evaluations/2005/3")).status_code == 401
    future = await api.post("/api/v1/evaluations/2999/1", headers=await login("admin"))
    assert future.status_code == 422 and future.json()["code"] == "month_not_over"
