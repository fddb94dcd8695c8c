"""The lifecycle benchmark at a tiny size, on its own stack: it closes its cases, writes every figure and
ratio, and accounts for every event of the case history it reports. No figure is judged: speed is for the
benchmark to print, not for a test to assert."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowExecutionStatus, WorkflowHistory

from bench import lifecycle
from bench.stack import running_stack
from hotline.temporal import connect
from tests.helpers import eventually

CASES, WARMUP = 3, 1
API_CALLS = {"intake", "sign-for", "reply", "review", "visit"}


async def test_tiny_lifecycle_run_closes_its_cases_and_accounts_for_every_event(tmp_path: Path) -> None:
    args = lifecycle.parse(
        ["--cases", str(CASES), "--concurrency", "2", "--engine-workflows", "4", "--raw-workflows", "2",
         "--warmup", str(WARMUP), "--output", str(tmp_path / "latest.json")]
    )  # fmt: skip
    async with running_stack(api=True, engine_worker=True) as stack:
        results = await lifecycle.measure(stack, args)
        temporal = await connect(stack.settings)
        query = "WorkflowType = 'CaseWorkflow' AND ExecutionStatus = 'Completed' AND CaseStatus = 'closed'"

        async def all_closed() -> int | None:
            count = (await temporal.count_workflows(query)).count
            return count if count == CASES + WARMUP else None

        await eventually(all_closed)
        history = await temporal.get_workflow_handle(results["history"]["case_number"]).fetch_history()
        shapes = [w async for w in temporal.list_workflows("WorkflowType = 'CaseShape'")]
        shape = await temporal.get_workflow_handle(shapes[0].id).fetch_history()
    lifecycle.print_results(results)
    results.pop("_targets")
    lifecycle.report.write(args.output.name, results, args.output.parent)
    written = json.loads(args.output.read_text())

    assert written["lifecycle"]["count"] == CASES and written["lifecycle"]["per_second"] > 0
    assert written["engine_ceiling"]["count"] == 4 and written["engine_ceiling"]["per_second"] > 0
    assert set(written["latency_api"]) == API_CALLS
    assert written["latency_api"]["intake"]["count"] == CASES
    assert set(written["latency_raw"]) == {
        "raw start_workflow",
        "raw execute_update",
        "claim + start_workflow",
    }
    assert written["latency_raw"]["claim + start_workflow"]["count"] == 2
    assert all({"p50_ms", "p99_ms", "max_ms"} <= set(s) for s in written["latency_api"].values())
    assert written["case_shape"]["count"] == CASES
    assert set(written["ratios"]) == {
        "lifecycle_per_engine_ceiling",
        "case_shape_per_engine_ceiling",
        "lifecycle_per_case_shape",
        "intake_p99_per_raw_start_p99",
        "claim_and_start_p99_per_raw_start_p99",
        *(f"{call}_p99_per_raw_update_p99" for call in API_CALLS - {"intake"}),
    }
    assert len(written["targets"]) == 4 and all(
        isinstance(t["met"], bool) for t in written["targets"].values()
    )
    assert {"cores", "memory_gb", "cpu_model", "python", "temporalio"} <= set(written["machine"])
    cpu_ms = written["cpu_ms_per_item"]
    processes = {"dev server", "case worker", "API", "trivial workflows' worker", "load generator"}
    assert set(cpu_ms) == {"engine_ceiling", "lifecycle", "case_shape"}
    assert all(set(phase) == processes | {"total"} for phase in cpu_ms.values())
    assert all(cpu_ms["lifecycle"][name] > 0 for name in ("dev server", "case worker", "API"))
    assert cpu_ms["case_shape"]["trivial workflows' worker"] > 0
    for phase in cpu_ms.values():
        assert phase["total"] == pytest.approx(sum(phase[name] for name in processes), abs=0.5)

    accounted = written["history"]
    assert (
        sum(row["count"] for row in accounted["by_event"]) == accounted["total_events"] == len(history.events)
    )
    completed = Counter(e.event_type for e in history.events)[EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED]
    assert accounted["workflow_tasks"] == completed
    assert {"update sign_for", "update review", "update visit", "department_task"} <= {
        row["name"] for row in accounted["by_event"]
    }

    # (e) is the case's shape: as many workflow tasks, Updates, timers and activities as the case, and
    # nothing of the read model (no markers).
    assert len(shapes) == CASES + WARMUP and all(
        w.status == WorkflowExecutionStatus.COMPLETED for w in shapes
    )
    assert _shape_of(shape) == _shape_of(history)
    assert Counter(e.event_type for e in shape.events)[EventType.EVENT_TYPE_MARKER_RECORDED] == 0


def _shape_of(history: WorkflowHistory) -> dict[int, int]:
    kinds = Counter(e.event_type for e in history.events)
    return {
        kind: kinds[kind]
        for kind in (
            EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
            EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED,
            EventType.EVENT_TYPE_TIMER_STARTED,
            EventType.EVENT_TYPE_TIMER_CANCELED,
            EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED,
            EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES,
        )
    }
