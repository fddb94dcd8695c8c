"""GET /metrics: the app's own figures, the read model's, and the Temporal client's, in Prometheus text."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
from pydantic import SecretStr
from sqlalchemy import select

from api.app import create_app
from hotline.db import SessionFactory
from hotline.models import Case
from hotline.observability.temporal_metrics import ClientMetrics
from hotline.settings import Settings
from hotline.temporal import connect
from tests.helpers import appeal, eventually, new_key
from tests.observability.conftest import login_headers, samples


async def _scrape(http: httpx.AsyncClient, **headers: str) -> str:
    response = await http.get("/metrics", headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    return response.text


def _totals(text: str, name: str) -> list[Any]:
    """A counter's running totals (its _created timestamps left out)."""
    return [s for s in samples(text, name) if s.name.endswith("_total")]


def _cases_total(text: str) -> float:
    return sum(sample.value for sample in samples(text, "hotline_cases"))


async def _intake(http: httpx.AsyncClient, **overrides: Any) -> str:
    headers = {**await login_headers(http, "dispatcher"), "Idempotency-Key": new_key()}
    response = await http.post("/api/v1/cases", json=appeal(**overrides), headers=headers)
    assert response.status_code == 201, response.text
    return str(response.json()["case_number"])


async def _projected_status(sessions: SessionFactory, case_number: str) -> str | None:
    async with sessions() as session:
        status = (await session.execute(select(Case.status).where(Case.case_number == case_number))).scalar()
    return str(status) if status else None


async def test_an_intake_shows_in_cases_by_status_and_intakes_by_channel(
    observed_settings: Settings, temporal: Any, sessions: SessionFactory, case_worker: Any, serve: Callable
) -> None:
    async with serve(create_app(observed_settings, temporal=temporal)) as http:
        before = await _scrape(http)
        case_number = await _intake(http, channel="web")
        status = await eventually(lambda: _projected_status(sessions, case_number))
        after = await _scrape(http)
    assert _cases_total(after) == _cases_total(before) + 1
    by_status = {s.labels["status"]: s.value for s in samples(after, "hotline_cases")}
    assert by_status[status] >= 1
    intakes = {
        s.labels["channel"]: s.value for s in samples(after, "hotline_intakes") if s.name.endswith("_total")
    }
    assert intakes == {"web": 1.0}


async def test_a_retried_intake_is_not_counted_again(
    observed_settings: Settings, temporal: Any, case_worker: Any, serve: Callable
) -> None:
    async with serve(create_app(observed_settings, temporal=temporal)) as http:
        headers = {**await login_headers(http, "dispatcher"), "Idempotency-Key": new_key()}
        first = await http.post("/api/v1/cases", json=appeal(), headers=headers)
        retry = await http.post("/api/v1/cases", json=appeal(), headers=headers)
        text = await _scrape(http)
    assert (first.status_code, retry.status_code) == (201, 200)
    assert [s.value for s in _totals(text, "hotline_intakes")] == [1.0]


async def test_latency_is_labelled_by_route_template_never_by_case_number(
    observed_settings: Settings, temporal: Any, sessions: SessionFactory, case_worker: Any, serve: Callable
) -> None:
    async with serve(create_app(observed_settings, temporal=temporal)) as http:
        case_number = await _intake(http)
        await eventually(lambda: _projected_status(sessions, case_number))
        auditor = await login_headers(http, "auditor")
        assert (await http.get(f"/api/v1/cases/{case_number}", headers=auditor)).status_code == 200
        assert (await http.get("/api/v1/no-such-thing")).status_code == 404
        text = await _scrape(http)
    counts = {
        (s.labels["method"], s.labels["route"], s.labels["status"]): s.value
        for s in samples(text, "hotline_http_request_duration_seconds")
        if s.name.endswith("_count")
    }
    assert counts[("GET", "/api/v1/cases/{case_number}", "200")] == 1
    assert counts[("POST", "/api/v1/cases", "201")] == 1
    assert counts[("GET", "unmatched", "404")] == 1
    assert case_number not in text


async def test_escalation_and_overdue_gauges_cover_every_level(
    observed_settings: Settings, temporal: Any, serve: Callable
) -> None:
    async with serve(create_app(observed_settings, temporal=temporal)) as http:
        text = await _scrape(http)
    assert sorted(s.labels["level"] for s in samples(text, "hotline_cases_escalated")) == ["1", "2", "3"]
    [overdue] = samples(text, "hotline_tasks_overdue")
    assert overdue.value >= 0
    assert samples(text, "hotline_readmodel_snapshot_timestamp_seconds")


async def test_a_metrics_token_when_set_is_required(
    observed_settings: Settings, temporal: Any, serve: Callable
) -> None:
    guarded = observed_settings.model_copy(update={"metrics_token": SecretStr("scrape-secret")})
    async with serve(create_app(guarded, temporal=temporal)) as http:
        missing = await http.get("/metrics")
        wrong = await http.get("/metrics", headers={"Authorization": "Bearer guess"})
        right = await http.get("/metrics", headers={"Authorization": "Bearer scrape-secret"})
    assert (missing.status_code, wrong.status_code, right.status_code) == (401, 401, 200)
    assert missing.json()["code"] == "metrics_token_required"
    assert "hotline_cases" in right.text


async def test_the_api_client_reports_the_sdk_metrics(
    observed_settings: Settings, case_worker: Any, serve: Callable
) -> None:
    client_metrics = ClientMetrics()
    client = await connect(observed_settings, runtime=client_metrics.runtime)
    app = create_app(observed_settings, temporal=client, client_metrics=client_metrics)
    async with serve(app) as http:
        await _intake(http)
        text = await _scrape(http)
    requests = {s.labels["operation"]: s.value for s in samples(text, "temporal_request")}
    assert requests["StartWorkflowExecution"] >= 1
    latency = samples(text, "temporal_request_latency")
    assert any(
        s.name.endswith("_count") and s.labels["operation"] == "StartWorkflowExecution" for s in latency
    )
