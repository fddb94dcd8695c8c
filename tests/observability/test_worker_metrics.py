"""The worker serves the SDK's own metrics (workflow and activity task latencies, polls …) on
HOTLINE_WORKER_METRICS_ADDRESS, in Prometheus text with seconds and _total counters."""

from __future__ import annotations

import socket
from collections.abc import Callable
from typing import Any

import httpx

from api.app import create_app
from hotline.db import SessionFactory
from hotline.observability.temporal_metrics import worker_runtime
from hotline.settings import Settings
from hotline.temporal import connect
from tests.helpers import appeal, eventually, new_key
from tests.observability.conftest import login_headers, samples
from worker import build_worker


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_no_address_no_metrics_server(observed_settings: Settings) -> None:
    assert worker_runtime(observed_settings) is None


async def test_the_worker_serves_task_latencies_for_its_queue(
    observed_settings: Settings, temporal: Any, sessions: SessionFactory, serve: Callable
) -> None:
    address = f"127.0.0.1:{_free_port()}"
    worker_settings = observed_settings.model_copy(update={"worker_metrics_address": address})
    client = await connect(worker_settings, runtime=worker_runtime(worker_settings))
    queue = worker_settings.temporal_task_queue

    async def scrape_after_tasks() -> str | None:
        async with httpx.AsyncClient() as http:
            text = (await http.get(f"http://{address}/metrics")).text
        workflow_tasks = samples(text, "temporal_workflow_task_schedule_to_start_latency")
        activities = samples(text, "temporal_activity_execution_latency")
        done = any(s.labels.get("task_queue") == queue for s in workflow_tasks) and any(
            s.labels.get("task_queue") == queue for s in activities
        )
        return text if done else None

    async with build_worker(client, sessions, worker_settings):
        async with serve(create_app(observed_settings, temporal=temporal)) as api:
            headers = {**await login_headers(api, "dispatcher"), "Idempotency-Key": new_key()}
            assert (await api.post("/api/v1/cases", json=appeal(), headers=headers)).status_code == 201
        text = await eventually(scrape_after_tasks)
    executed = samples(text, "temporal_activity_execution_latency")
    assert {s.labels["activity_type"] for s in executed if s.labels.get("task_queue") == queue}
    assert any(s.name.endswith("_total") for s in samples(text, "temporal_workflow_task_queue_poll_succeed"))
