"""Record the replay corpus: every lifecycle path driven once against a dev server, its history written to
`tests/histories/<path>.json` in Temporal's own JSON format (what `temporal workflow show -o json` and the
Web UI's download give, and what `WorkflowHistory.from_json` reads).

    .venv/bin/python -m tests.replay.record                 # every path (about a minute)
    .venv/bin/python -m tests.replay.record merged_duplicate  # only these paths
    .venv/bin/python -m tests.replay.record --patch one-write-per-task  # into tests/histories/<patch id>/
    .venv/bin/python -m tests.replay.record --generation 2  # into tests/histories/generation-2/

It starts its own dev server (the `temporal` binary from the venv) and a throwaway SQLite read model, runs
the real worker with the fast test clock (`tests/clock.py`) and drives each case with `CaseDriver`, as
the workflow tests do. The data is the tests' demo data, so nothing is scrubbed. A case that continued as
new is written one file per run: `<path>.run1.json`, `<path>.run2.json`, ...

Record a new file whenever workflow code gains a new path or a `workflow.patched` branch
(docs/versioning.md); never re-record an existing file to make a failing replay pass: the old files are
the histories of cases already running in production.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from temporalio.client import Client, WorkflowHandle
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from hotline import search_attributes
from hotline.contracts import (
    CURRENT_GENERATION,
    Actor,
    AnswerOrder,
    Decision,
    IssueOrder,
    MergeInto,
    RequestDeferral,
    Route,
    RuleDeferral,
    Urge,
    Withdraw,
)
from hotline.enums import AppealType, CaseStatus, DispatchMode, Level, Rating, Role
from hotline.history import fetch
from hotline.settings import Settings
from tests.clock import fast_clock
from tests.conftest import BIN, prepared_sessions
from tests.helpers import case_intake, eventually
from tests.workflows.lifecycle import DISPATCHER, SUPERVISOR, CaseDriver, department, rid
from tests.workflows.test_case_returns import TO_REALESTATE
from worker import build_worker
from workflows import CaseWorkflow

HISTORIES = Path(__file__).resolve().parent.parent / "histories"
COMMAND_CENTER = Actor(user="supervisor1", role=Role.SUPERVISOR, supervision_level=1)
DISTRICT_SUPERVISOR = Actor(user="supervisor2", role=Role.SUPERVISOR, supervision_level=2)
DISCIPLINE = Actor(user="supervisor3", role=Role.SUPERVISOR, supervision_level=3)


@dataclass
class Recording:
    """What a scenario gets: a driver on its own task queue, and a case number per path it records."""

    driver: CaseDriver
    path: str

    def number(self, suffix: str = "") -> str:
        return f"REPLAY-{self.path}{suffix}".upper().replace("_", "-")

    async def start(self, suffix: str = "", **intake: Any) -> WorkflowHandle:
        return await self.driver.start(case_intake(case_number=self.number(suffix), **intake))

    async def status(self, handle: WorkflowHandle, status: CaseStatus) -> bool:
        return bool((await handle.query(CaseWorkflow.state)).status == status)

    async def review_and_visit(self, handle: WorkflowHandle, rating: Rating = Rating.SATISFIED) -> None:
        await self.driver.review(handle)
        await self.driver.visit(handle, rating)
        await handle.result()


Scenario = Callable[[Recording], Awaitable[dict[str, str]]]  # → {file stem: workflow id}


async def standard_closed_satisfied(r: Recording) -> dict[str, str]:
    handle = await r.start()
    await r.driver.handle_to_reply(handle)
    await r.review_and_visit(handle)
    return {r.path: handle.id}


async def dispatched_at_intake(r: Recording) -> dict[str, str]:
    """As the API starts a case whose route it knows: route and terms in the input (hotline.intake)."""
    intake = case_intake(case_number=r.number())
    route = Route(mode=DispatchMode.DIRECT, lead="company.water", level=Level.CITY, tier=3)
    terms = fast_clock(**DEFAULT_CLOCK).terms(intake.received_at, route.tier)
    handle = await r.driver.start(intake.model_copy(update={"route": route, "terms": terms}))
    await r.driver.handle_to_reply(handle)
    await r.review_and_visit(handle)
    return {r.path: handle.id}


async def return_unjustified_then_replied(r: Recording) -> dict[str, str]:
    handle = await r.start()
    [task] = await r.driver.open_tasks(handle.id, 1)
    await r.driver.return_task(task, "管网不归我公司")
    await eventually(lambda: _kind_recorded(r, handle, "returned"))
    await r.driver.rule_return(handle, task.task_id, justified=False)
    await r.driver.handle_to_reply(handle)
    await r.review_and_visit(handle)
    return {r.path: handle.id}


async def return_justified_rerouted(r: Recording) -> dict[str, str]:
    handle = await r.start()
    [task] = await r.driver.open_tasks(handle.id, 1)
    await r.driver.return_task(task)
    await eventually(lambda: _kind_recorded(r, handle, "returned"))
    await r.driver.rule_return(handle, task.task_id, justified=True, route=TO_REALESTATE)
    await r.driver.handle_to_reply(handle)
    await r.review_and_visit(handle)
    return {r.path: handle.id}


async def reroute_by_dispatcher(r: Recording) -> dict[str, str]:
    handle = await r.start()
    await r.driver.open_tasks(handle.id, 1)
    await r.driver.reroute(handle, TO_REALESTATE)
    [task] = await r.driver.open_tasks(handle.id, 1)
    assert task.department_code == TO_REALESTATE.lead
    await r.driver.handle_to_reply(handle)
    await r.review_and_visit(handle)
    return {r.path: handle.id}


async def extension_approved(r: Recording) -> dict[str, str]:
    handle = await r.start()
    [task] = await r.driver.open_tasks(handle.id, 1)
    await r.driver.request_extension(handle, task, task.due_at + timedelta(seconds=30))
    await r.driver.rule_extension(handle, task.task_id, approve=True)
    await r.driver.handle_to_reply(handle)
    await r.review_and_visit(handle)
    return {r.path: handle.id}


async def review_sent_back(r: Recording) -> dict[str, str]:
    handle = await r.start()
    await r.driver.handle_to_reply(handle)
    await r.driver.review(handle, accept=False, reason="答复未说明维修结果")
    [second] = await r.driver.open_tasks(handle.id, 1)
    await r.driver.reply(second, "已修复并回访住户")
    await eventually(lambda: r.status(handle, CaseStatus.REPLIED))
    await r.review_and_visit(handle, Rating.BASICALLY_SATISFIED)
    return {r.path: handle.id}


async def reopened_after_dissatisfaction(r: Recording) -> dict[str, str]:
    handle = await r.start()
    await r.driver.handle_to_reply(handle)
    await r.driver.review(handle)
    reopened = await r.driver.visit(handle, Rating.DISSATISFIED, resolved=False)
    assert reopened.status == CaseStatus.HANDLING
    await r.driver.handle_to_reply(handle)
    await r.review_and_visit(handle)
    return {r.path: handle.id}


async def awaiting_decision_supervisor_closes(r: Recording) -> dict[str, str]:
    handle = await r.start()  # the reopen limit is 0 on this path's clock
    await r.driver.handle_to_reply(handle)
    await r.driver.review(handle)
    limit = await r.driver.visit(handle, Rating.DISSATISFIED, resolved=False)
    assert limit.status == CaseStatus.AWAITING_DECISION
    await r.driver.decide(handle, close_as_is=True)
    await handle.result()
    return {r.path: handle.id}


async def decision_deferred_then_resumed(r: Recording) -> dict[str, str]:
    handle = await r.start()  # the reopen limit is 0 on this path's clock
    await r.driver.handle_to_reply(handle)
    await r.driver.review(handle)
    await r.driver.visit(handle, Rating.DISSATISFIED, resolved=False)
    decision = Decision(
        actor=SUPERVISOR,
        request_id=rid(),
        close_as_is=False,
        reason="待片区改造后解决",
        defer_until=datetime.now(UTC) + timedelta(seconds=2),
    )
    await handle.execute_update(CaseWorkflow.decide, decision)
    await r.driver.handle_to_reply(handle)
    await r.review_and_visit(handle)
    return {r.path: handle.id}


async def deferral_approved_and_ended(r: Recording) -> dict[str, str]:
    handle = await r.start()
    [task] = await r.driver.open_tasks(handle.id, 1)
    await handle.execute_update(
        CaseWorkflow.request_deferral,
        RequestDeferral(
            actor=department(task.department_code),
            request_id=rid(),
            task_id=task.task_id,
            plan="待老旧管网改造工程立项后统一解决",
            target_date=datetime.now(UTC) + timedelta(seconds=3),
        ),
    )
    await handle.execute_update(
        CaseWorkflow.rule_deferral,
        RuleDeferral(actor=DISTRICT_SUPERVISOR, request_id=rid(), approve=True, reason="客观原因属实"),
    )
    await r.driver.handle_to_reply(handle)  # the task comes back once the target date has passed
    await r.review_and_visit(handle)
    return {r.path: handle.id}


async def merged_duplicate(r: Recording) -> dict[str, str]:
    primary = await r.start("-primary")
    duplicate = await r.start()
    await r.driver.open_tasks(primary.id, 1)
    await r.driver.open_tasks(duplicate.id, 1)
    await duplicate.execute_update(
        CaseWorkflow.merge_into,
        MergeInto(actor=DISPATCHER, request_id=rid(), primary=primary.id, reason="同一爆管"),
    )
    await eventually(lambda: _kind_recorded(r, primary, "merged_in"))
    await r.driver.handle_to_reply(primary)
    await r.driver.review(primary)
    await eventually(lambda: r.status(duplicate, CaseStatus.VISITING))
    await r.driver.visit(duplicate)
    await r.driver.visit(primary)
    await duplicate.result()
    await primary.result()
    return {r.path: duplicate.id, "merge_primary_with_duplicate": primary.id}


async def withdrawn_by_citizen(r: Recording) -> dict[str, str]:
    handle = await r.start()
    await r.driver.open_tasks(handle.id, 1)
    citizen = Actor(user=f"citizen:{handle.id}", role=Role.CITIZEN)
    await handle.execute_update(
        CaseWorkflow.withdraw, Withdraw(actor=citizen, request_id=rid(), reason="问题已自行解决")
    )
    await handle.result()
    return {r.path: handle.id}


async def consultation_answered_at_intake(r: Recording) -> dict[str, str]:
    intake = case_intake(case_number=r.number(), category="housing.certificate", district="chengbei")
    intake = intake.model_copy(
        update={"appeal_type": AppealType.CONSULTATION, "answer": "携带身份证和购房合同到登记中心办理。"}
    )
    handle = await r.driver.start(intake)
    await handle.result()
    return {r.path: handle.id}


async def visit_unreachable(r: Recording) -> dict[str, str]:
    handle = await r.start()  # two attempts on this path's clock
    await r.driver.handle_to_reply(handle)
    await r.driver.review(handle)
    await r.driver.visit(handle, rating=None)
    await r.driver.visit(handle, rating=None)
    await handle.result()
    return {r.path: handle.id}


async def overdue_with_escalation(r: Recording) -> dict[str, str]:
    handle = await r.start()  # due in 3 s, escalations 1 s apart on this path's clock
    [task] = await r.driver.open_tasks(handle.id, 1)

    async def at_level_three() -> bool:
        escalated = [k for k in await r.driver.kinds(handle.id) if k == "escalated"]
        return len(escalated) == 2 and (await handle.query(CaseWorkflow.state)).escalation_level == 3

    await eventually(at_level_three, within=20)
    await r.driver.sign_for(handle, task)
    await r.driver.reply(task, "已处理（超期）")
    await eventually(lambda: r.status(handle, CaseStatus.REPLIED))
    await r.review_and_visit(handle, Rating.BASICALLY_SATISFIED)
    return {r.path: handle.id}


async def urge_and_order_answered(r: Recording) -> dict[str, str]:
    handle = await r.start()
    [task] = await r.driver.open_tasks(handle.id, 1)
    await handle.execute_update(
        CaseWorkflow.urge, Urge(actor=COMMAND_CENTER, request_id=rid(), message="请加快处理")
    )
    await handle.execute_update(
        CaseWorkflow.issue_order,
        IssueOrder(
            actor=DISCIPLINE,
            request_id=rid(),
            department=task.department_code,
            instructions="说明迟缓原因",
            reply_by=task.assigned_at + timedelta(days=1),
        ),
    )
    [order] = (await handle.query(CaseWorkflow.state)).orders
    await handle.execute_update(
        CaseWorkflow.answer_order,
        AnswerOrder(
            actor=department(task.department_code),
            request_id=rid(),
            order_id=order.order_id,
            text="抢修队已到场",
        ),
    )
    await r.driver.handle_to_reply(handle)
    await r.review_and_visit(handle)
    return {r.path: handle.id}


async def task_force_all_departments(r: Recording) -> dict[str, str]:
    handle = await r.start(category="housing.certificate", district="chengbei")
    await r.driver.handle_to_reply(handle, expected_tasks=4)
    await r.review_and_visit(handle)
    return {r.path: handle.id}


async def continued_as_new(r: Recording) -> dict[str, str]:
    """Enough urges to continue as new (after 40 events on this path's clock); closed in the new run."""
    first = await r.start()
    [task] = await r.driver.open_tasks(first.id, 1)
    latest = r.driver.client.get_workflow_handle_for(CaseWorkflow.run, first.id)
    for n in range(6):
        await latest.execute_update(
            CaseWorkflow.urge, Urge(actor=COMMAND_CENTER, request_id=rid(), message=f"第{n + 1}次催办")
        )

    async def continued() -> bool:
        return (await latest.describe()).run_id != first.result_run_id

    await eventually(continued)
    await eventually(lambda: _renewed_token(r, first.id, task.task_token))
    await r.driver.handle_to_reply(latest)
    await r.review_and_visit(latest)
    return {r.path: first.id}


async def _kind_recorded(r: Recording, handle: WorkflowHandle, kind: str) -> bool:
    return kind in await r.driver.kinds(handle.id)


async def _renewed_token(r: Recording, case_number: str, first_token: bytes | None) -> bool:
    """The new run has written its own token for the task (until then the first run's is still there)."""
    history = await fetch(client=r.driver.client, case_number=case_number)
    if len(history.runs) < 2:
        return False
    [task] = await r.driver.open_tasks(case_number, 1)
    return task.task_token != first_token


DEFAULT_CLOCK: dict[str, Any] = {}
# path → (scenario, fast-clock arguments)
PATHS: dict[str, tuple[Scenario, dict[str, Any]]] = {
    "standard_closed_satisfied": (standard_closed_satisfied, DEFAULT_CLOCK),
    "dispatched_at_intake": (dispatched_at_intake, DEFAULT_CLOCK),
    "return_unjustified_then_replied": (return_unjustified_then_replied, DEFAULT_CLOCK),
    "return_justified_rerouted": (return_justified_rerouted, DEFAULT_CLOCK),
    "reroute_by_dispatcher": (reroute_by_dispatcher, DEFAULT_CLOCK),
    "extension_approved": (extension_approved, DEFAULT_CLOCK),
    "review_sent_back": (review_sent_back, DEFAULT_CLOCK),
    "reopened_after_dissatisfaction": (reopened_after_dissatisfaction, {"reopen_limit": 2}),
    "awaiting_decision_supervisor_closes": (awaiting_decision_supervisor_closes, {"reopen_limit": 0}),
    "decision_deferred_then_resumed": (decision_deferred_then_resumed, {"reopen_limit": 0}),
    "deferral_approved_and_ended": (deferral_approved_and_ended, DEFAULT_CLOCK),
    "merged_duplicate": (merged_duplicate, DEFAULT_CLOCK),
    "withdrawn_by_citizen": (withdrawn_by_citizen, DEFAULT_CLOCK),
    "consultation_answered_at_intake": (consultation_answered_at_intake, DEFAULT_CLOCK),
    "visit_unreachable": (visit_unreachable, {"visit_attempts": 2}),
    "overdue_with_escalation": (
        overdue_with_escalation,
        {"due_seconds": 3, "sign_for_seconds": 0.5, "warning_fraction": 0.5, "escalation_seconds": (1, 1)},
    ),
    "urge_and_order_answered": (urge_and_order_answered, DEFAULT_CLOCK),
    "task_force_all_departments": (task_force_all_departments, DEFAULT_CLOCK),
    "continued_as_new": (continued_as_new, {"continue_as_new_after_events": 40}),
}


async def write_history(client: Client, stem: str, workflow_id: str, directory: Path) -> list[Path]:
    history = await fetch(client=client, case_number=workflow_id)
    for stale in [*directory.glob(f"{stem}.json"), *directory.glob(f"{stem}.run*.json")]:  # noqa: ASYNC240
        stale.unlink()
    if len(history.runs) == 1:
        names = [f"{stem}.json"]
    else:
        names = [f"{stem}.run{n}.json" for n in range(1, len(history.runs) + 1)]
    written = []
    for name, run in zip(names, history.runs, strict=True):
        target = directory / name
        target.write_text(run.history.to_json() + "\n", encoding="utf-8")
        written.append(target)
    return written


async def record(paths: list[str], directory: Path = HISTORIES) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)  # noqa: ASYNC240
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=str(BIN / "temporal"),
        data_converter=pydantic_data_converter,
        search_attributes=search_attributes.ALL,
        dev_server_log_level="error",
    )
    written: list[Path] = []
    try:
        with tempfile.TemporaryDirectory() as scratch:
            database_url = f"sqlite+aiosqlite:///{Path(scratch) / 'hotline.db'}"
            engine, sessions = await prepared_sessions(database_url)
            try:
                base = Settings(DATABASE_URL=database_url, data_dir=Path(scratch), _env_file=None)  # type: ignore[call-arg]
                for path in paths:
                    scenario, clock = PATHS[path]
                    settings = replace_queue(base, f"record-{uuid.uuid4().hex[:8]}")
                    driver = CaseDriver(env.client, sessions, settings.temporal_task_queue)
                    worker = build_worker(
                        env.client, sessions, settings, replace_activities=fast_clock(**clock)
                    )
                    async with worker:
                        recorded = await asyncio.wait_for(scenario(Recording(driver, path)), timeout=120)
                    for stem, workflow_id in recorded.items():
                        for file in await write_history(env.client, stem, workflow_id, directory):
                            print(f"recorded {file.relative_to(directory.parent.parent)}")
                            written.append(file)
            finally:
                await engine.dispose()
    finally:
        await env.shutdown()
    return written


def replace_queue(settings: Settings, task_queue: str) -> Settings:
    return settings.model_copy(update={"temporal_task_queue": task_queue})


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("paths", nargs="*", help=f"paths to record (default: all): {', '.join(PATHS)}")
    parser.add_argument(
        "--patch",
        metavar="ID",
        help="record into tests/histories/<ID>/: the histories of a workflow.patched change, beside "
        "those recorded before it",
    )
    parser.add_argument(
        "--generation",
        type=int,
        metavar="N",
        help="record into tests/histories/generation-<N>/: the histories of cases started under a new "
        "generation (hotline.contracts.CURRENT_GENERATION)",
    )
    arguments = parser.parse_args()
    unknown = sorted(set(arguments.paths) - set(PATHS))
    if unknown:
        parser.error(f"unknown paths: {', '.join(unknown)}")
    if arguments.patch and arguments.generation:
        parser.error("--patch and --generation name different directories; give one")
    if arguments.generation and arguments.generation != CURRENT_GENERATION:
        parser.error(f"cases are started under generation {CURRENT_GENERATION}, the current one")
    directory = HISTORIES
    if arguments.patch:
        directory = HISTORIES / arguments.patch
    elif arguments.generation:
        directory = HISTORIES / f"generation-{arguments.generation}"
    asyncio.run(record(list(arguments.paths) or list(PATHS), directory))


if __name__ == "__main__":
    main()
