"""The worker takes its tuning from the settings (docs/operations.md "Sizing")."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from pytest import MonkeyPatch
from temporalio.client import Client
from temporalio.worker import PollerBehaviorSimpleMaximum

import worker
import workflows
from hotline.db import SessionFactory
from hotline.settings import Settings
from worker import build_worker
from workflows.case import CaseWorkflow


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


def test_a_case_loads_only_its_own_workflow_modules() -> None:
    """Temporal's sandbox runs a case's workflow modules, parent package included, for every case it
    loads: the package must not pull in the other workflows (workflows/__init__.py)."""
    probe = "import sys, workflows.case; print(sorted(m for m in sys.modules if m.startswith('workflows.')))"
    loaded = subprocess.run([sys.executable, "-c", probe], check=True, capture_output=True, text=True).stdout
    assert "workflows.case" in loaded
    assert not {"workflows.reports", "workflows.evaluation", "workflows.archive", "workflows.outbox"} & set(
        ast.literal_eval(loaded)
    )
    assert workflows.CaseWorkflow is CaseWorkflow  # the package's names still resolve


def test_the_worker_writes_bytecode_for_the_workflow_modules(
    tmp_path: Path, monkeypatch: MonkeyPatch
) -> None:
    """Even where the environment says not to (PYTHONDONTWRITEBYTECODE): each case the worker loads would
    otherwise compile these modules' source again."""
    copy = tmp_path / "workflows"
    shutil.copytree(worker.WORKFLOW_MODULES, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(worker, "WORKFLOW_MODULES", copy)
    assert worker.compile_workflow_modules()
    compiled = {path.name.split(".")[0] for path in (copy / "__pycache__").glob("*.pyc")}
    assert compiled == {path.stem for path in copy.glob("*.py")}
    shutil.rmtree(copy / "__pycache__")
    (copy / "__pycache__").write_text("")  # nowhere to write (as in a read-only install): the worker goes on
    assert not worker.compile_workflow_modules()
