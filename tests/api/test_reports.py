"""The reports API: making a report on demand stores a version; reading gives the latest (or the version
asked for) with the list of versions; a period that does not exist is refused."""

from __future__ import annotations

from typing import Any

import httpx

from hotline.db import SessionFactory
from tests.reports import dataset


async def test_a_report_made_on_demand_is_read_back_with_its_versions(
    api: httpx.AsyncClient, login: Any, sessions: SessionFactory
) -> None:
    await dataset.load(sessions)
    analyst = await login("analyst")
    first = await api.post("/api/v1/reports/weekly", json={"period": "2009-03-11"}, headers=analyst)
    second = await api.post(
        "/api/v1/reports/weekly", json={"period": "2009-W11"}, headers=await login("admin")
    )
    assert first.status_code == 201, first.text
    assert first.json()["period"] == "2009-W11" and first.json()["requested_by"] == "analyst"
    assert second.json()["version"] == first.json()["version"] + 1

    latest = await api.get("/api/v1/reports/weekly/2009-W11", headers=await login("dispatcher"))
    assert latest.status_code == 200
    body = latest.json()
    assert body["version"] == second.json()["version"] and body["generated_by"] == "user"
    assert [v["version"] for v in body["versions"]][:2] == [second.json()["version"], first.json()["version"]]
    assert (body["period_start"], body["period_end"]) == ("2009-03-09", "2009-03-16")
    assert body["content"]["kind"] == "weekly" and body["content"]["city"]["volume"] == 5

    older = await api.get(
        "/api/v1/reports/weekly/2009-W11", params={"version": first.json()["version"]}, headers=analyst
    )
    assert older.json()["requested_by"] == "analyst"


async def test_unknown_periods_and_kinds(api: httpx.AsyncClient, login: Any) -> None:
    analyst = await login("analyst")
    missing = await api.get("/api/v1/reports/monthly/1901-01", headers=analyst)
    assert missing.status_code == 404 and missing.json()["code"] == "report_not_found"
    bad = await api.post("/api/v1/reports/monthly", json={"period": "2009-13"}, headers=analyst)
    assert bad.status_code == 422 and bad.json()["code"] == "invalid_period"
    assert (await api.get("/api/v1/reports/hourly/2009", headers=analyst)).status_code == 422
    auditor = await api.post(
        "/api/v1/reports/daily", json={"period": "2009-03-11"}, headers=await login("auditor")
    )
    assert auditor.status_code == 403
