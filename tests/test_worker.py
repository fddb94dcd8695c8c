"""The worker takes its tuning from the settings (docs/operations.md "Sizing")."""

from __future__ import annotations

from datetime import timedelta

from temporalio.client import Client
from temporalio.worker import PollerBehaviorSimpleMaximum

from hotline.db import SessionFactory
from hotline.settings import Settings
from worker import build_worker


async def test_the_worker_is_tuned_by_the_settings(
    temporal: Client, sessions: SessionFactory, settings: Settings
) -> None:
    tuned = settings.model_copy(
        update={
            "worker_max_cached_workflows": 250,
            "worker_max_concurrent_workflow_tasks": 20,
            "worker_max_concurrent_activities": 40,
            "worker_max_concurrent_local_activities": 30,
            "worker_workflow_task_pollers": 3,
            "worker_activity_task_pollers": 2,
            "worker_graceful_shutdown_seconds": 12.5,
        }
    )
    config = build_worker(temporal, sessions, tuned).config()
    assert config["max_cached_workflows"] == 250
    assert config["max_concurrent_workflow_tasks"] == 20
    assert config["max_concurrent_activities"] == 40
    assert config["max_concurrent_local_activities"] == 30
    assert config["workflow_task_poller_behavior"] == PollerBehaviorSimpleMaximum(3)
    assert config["activity_task_poller_behavior"] == PollerBehaviorSimpleMaximum(2)
    assert config["graceful_shutdown_timeout"] == timedelta(seconds=12.5)
