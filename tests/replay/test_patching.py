"""The versioning procedure of docs/versioning.md, shown on CaseWorkflow itself.

The change: a case waits a moment before it closes (a new timer in `_close`). Made without a patch, the
recorded histories of closed cases no longer replay; guarded by `workflow.patched`, they do. Then the
later steps: once every history without the marker is gone, `workflow.deprecate_patch` keeps only the new
branch (and can no longer replay the old histories, which is why one must wait), and the call is removed.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from temporalio import workflow
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client, WorkflowHistory
from temporalio.worker import Worker

with workflow.unsafe.imports_passed_through():
    from hotline.contracts import CaseIntake, CaseOutcome
    from hotline.db import SessionFactory
    from hotline.enums import AppealType
    from hotline.replay import RunReplay, load_history, replay_histories
    from hotline.settings import Settings
    from tests.helpers import case_intake
    from tests.replay.test_corpus import HISTORIES
    from worker import case_activities

from workflows import CaseWorkflow, OutboxDelivery

PATCH = "close-cooling-off"
COOLING_OFF = timedelta(milliseconds=200)


# Each version is CaseWorkflow under its own name with `_close` changed (the SDK wants a subclass to
# restate its init and run).


@workflow.defn(name="CaseWorkflow")
class Unguarded(CaseWorkflow):
    """The change as someone might first write it."""

    @workflow.init
    def __init__(self, intake: CaseIntake) -> None:
        super().__init__(intake)

    @workflow.run
    async def run(self, intake: CaseIntake) -> CaseOutcome:
        return await super().run(intake)

    async def _close(self) -> CaseOutcome:
        await workflow.sleep(COOLING_OFF)
        return await super()._close()


@workflow.defn(name="CaseWorkflow")
class Patched(CaseWorkflow):
    """Step 1: new cases take the new branch; histories without the marker replay the old one."""

    @workflow.init
    def __init__(self, intake: CaseIntake) -> None:
        super().__init__(intake)

    @workflow.run
    async def run(self, intake: CaseIntake) -> CaseOutcome:
        return await super().run(intake)

    async def _close(self) -> CaseOutcome:
        if workflow.patched(PATCH):
            await workflow.sleep(COOLING_OFF)
        return await super()._close()


@workflow.defn(name="CaseWorkflow")
class Deprecated(CaseWorkflow):
    """Step 2, once no history without the marker can be replayed any more (retention and archive)."""

    @workflow.init
    def __init__(self, intake: CaseIntake) -> None:
        super().__init__(intake)

    @workflow.run
    async def run(self, intake: CaseIntake) -> CaseOutcome:
        return await super().run(intake)

    async def _close(self) -> CaseOutcome:
        workflow.deprecate_patch(PATCH)
        await workflow.sleep(COOLING_OFF)
        return await super()._close()


@workflow.defn(name="CaseWorkflow")
class Removed(CaseWorkflow):
    """Step 3, once no history recorded before step 2 can be replayed either."""

    @workflow.init
    def __init__(self, intake: CaseIntake) -> None:
        super().__init__(intake)

    @workflow.run
    async def run(self, intake: CaseIntake) -> CaseOutcome:
        return await super().run(intake)

    async def _close(self) -> CaseOutcome:
        await workflow.sleep(COOLING_OFF)
        return await super()._close()


async def _replay(version: type, *histories: WorkflowHistory) -> list[RunReplay]:
    return await replay_histories(histories, workflows=[version, OutboxDelivery])


def _closed_before_the_change() -> WorkflowHistory:
    return load_history(HISTORIES / "standard_closed_satisfied.json")


async def test_an_unguarded_change_breaks_the_recorded_histories_at_the_changed_step() -> None:
    old = _closed_before_the_change()
    [result] = await _replay(Unguarded, old)
    assert not result.ok and result.nondeterministic
    assert result.failure is not None and "Nondeterminism" in result.failure
    # The history has the close's own step where the new code starts a timer.
    assert result.event_id is not None and 1 < result.event_id <= len(old.events)
    [original] = await _replay(CaseWorkflow, old)
    assert original.ok


async def test_a_patched_change_replays_every_recorded_history() -> None:
    files = sorted(HISTORIES.glob("*.json"))
    results = await _replay(Patched, *(load_history(path) for path in files))
    assert [r.describe() for r in results if not r.ok] == []
    assert len(results) == len(files) > 10


async def test_deprecate_and_remove_the_patch_only_once_older_histories_are_gone(
    temporal: Client, sessions: SessionFactory, settings: Settings
) -> None:
    old = _closed_before_the_change()
    # A case run by the patched code records the marker (and takes the new branch); so does a case run
    # by the code that deprecates it, but its marker says so.
    by_patched = await _record(Patched, temporal, sessions, settings)
    by_deprecated = await _record(Deprecated, temporal, sessions, settings)
    assert _patch_markers(by_patched) == _patch_markers(by_deprecated) == 1
    assert _timers(by_patched) == _timers(by_deprecated) == 1

    assert all(r.ok for r in await _replay(Patched, old, by_patched))

    # Step 2 replays everything recorded since step 1, but not what was recorded before it.
    deprecated = await _replay(Deprecated, by_patched, by_deprecated, old)
    assert [r.ok for r in deprecated] == [True, True, False] and deprecated[2].nondeterministic

    # Step 3 replays what step 2 recorded, but a marker left by step 1 still needs its `patched` call.
    removed = await _replay(Removed, by_deprecated, by_patched)
    assert [r.ok for r in removed] == [True, False] and removed[1].nondeterministic
    assert removed[1].failure is not None and PATCH in removed[1].failure


async def _record(
    version: type, temporal: Client, sessions: SessionFactory, settings: Settings
) -> WorkflowHistory:
    """A consultation answered at intake (it closes at once), run by this version of the code."""
    intake = case_intake(case_number=f"XNPATCH-{uuid.uuid4().hex[:8]}", category="housing.certificate")
    intake = intake.model_copy(update={"appeal_type": AppealType.CONSULTATION, "answer": "到登记中心办理。"})
    async with Worker(
        temporal,
        task_queue=settings.temporal_task_queue,
        workflows=[version, OutboxDelivery],
        activities=case_activities(temporal, sessions, settings),
    ):
        handle = await temporal.start_workflow(
            "CaseWorkflow", intake, id=intake.case_number, task_queue=settings.temporal_task_queue
        )
        await handle.result()
    return await handle.fetch_history()


def _patch_markers(history: WorkflowHistory) -> int:
    """Markers of this test's patch (the workflow has patches of its own)."""
    return sum(
        1
        for e in history.events
        if e.event_type == EventType.EVENT_TYPE_MARKER_RECORDED
        and e.marker_recorded_event_attributes.marker_name == "core_patch"
        and PATCH.encode() in e.marker_recorded_event_attributes.SerializeToString()
    )


def _timers(history: WorkflowHistory) -> int:
    return sum(1 for e in history.events if e.event_type == EventType.EVENT_TYPE_TIMER_STARTED)
