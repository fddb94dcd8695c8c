"""What a standard case costs in history (issue: at most 40 events): the case's steps of one workflow
task share one write, a case of the current generation records no patch marker, a case dispatched at
intake needs no lookup and no upsert in its first workflow task, and the visit window's timer ends with
the case instead of being cancelled."""

from typing import Any

import pytest
from temporalio.api.enums.v1 import EventType as E
from temporalio.client import Client, WorkflowHandle
from temporalio.common import SearchAttributeKey

from hotline import history, search_attributes
from hotline.contracts import CaseTerms, Route
from hotline.db import SessionFactory
from hotline.enums import CaseStatus, DispatchMode, Level, Rating
from tests.clock import fast_clock
from tests.helpers import case_intake
from tests.workflows.lifecycle import CaseDriver

ROUTE = Route(mode=DispatchMode.DIRECT, lead="company.water", level=Level.CITY, tier=3)
CLOCK = fast_clock(due_seconds=3600, sign_for_seconds=3600)
CHANGE_VERSION = SearchAttributeKey.for_keyword_list("TemporalChangeVersion")


@pytest.fixture
def driver(temporal: Client, sessions: SessionFactory, task_queue: str) -> CaseDriver:
    return CaseDriver(temporal, sessions, task_queue)


async def _standard_path(driver: CaseDriver, **intake: Any) -> WorkflowHandle:
    handle = await driver.start(case_intake().model_copy(update=intake))
    await driver.handle_to_reply(handle)
    await driver.review(handle)
    await driver.visit(handle, Rating.SATISFIED)
    await handle.result()
    return handle


def _writes(events: list[Any]) -> list[list[str]]:
    """Each read-model write of the history: the kinds of the steps it carried."""
    return [[s.event.kind.value for s in history.steps_of(e)] for e in events if history.steps_of(e)]


# A standard case's writes, one per workflow task.
ONE_WRITE_EACH = [
    ["registered", "dispatched"],
    ["signed_for"],
    ["replied", "awaiting_review"],
    ["review_accepted"],
    ["visited", "closed"],
]


async def _dispatched_at_intake(
    driver: CaseDriver, worker_factory: Any, **intake: Any
) -> tuple[WorkflowHandle, CaseTerms]:
    """The standard path of a case started as the API starts one whose route it knows; and its terms."""
    terms = CLOCK.terms(case_intake().received_at, ROUTE.tier)
    async with worker_factory(replace_activities=CLOCK):
        return await _standard_path(driver, route=ROUTE, terms=terms, **intake), terms


async def test_a_case_dispatched_at_intake_takes_one_write_per_workflow_task(
    driver: CaseDriver, worker_factory: Any
) -> None:
    handle, terms = await _dispatched_at_intake(driver, worker_factory)
    events = list((await handle.fetch_history()).events)
    kinds = [e.event_type for e in events]

    assert _writes(events) == ONE_WRITE_EACH
    # No local activity besides the writes: the terms came with the input.
    markers = [history.local_activity(e) for e in events]
    assert {m[0] for m in markers if m is not None} == {history.STEPS_ACTIVITY}
    # Status, departments, tier and due time were set at start: upserts for review, reply and close only.
    assert kinds.count(E.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES) == 3
    # A case of the current generation takes the new branch without asking the patch: no marker.
    assert not _patch_markers(events)
    # Sign-for window and warning started at dispatch, the visit window at review; only the first two
    # are cancelled (by the sign-for and the reply): the visit window ends with the case.
    assert kinds.count(E.EVENT_TYPE_TIMER_STARTED) == 3
    assert kinds.count(E.EVENT_TYPE_TIMER_CANCELED) == 2
    assert kinds.count(E.EVENT_TYPE_WORKFLOW_TASK_COMPLETED) == 5
    assert len(events) == 39

    described = await handle.describe()
    attributes = described.typed_search_attributes
    assert attributes.get(search_attributes.CASE_STATUS) == CaseStatus.CLOSED.value
    assert attributes.get(search_attributes.CASE_DEPARTMENTS) == ["company.water"]
    assert attributes.get(search_attributes.CASE_TIER) == ROUTE.tier
    assert attributes.get(search_attributes.CASE_DUE_AT) == terms.due_at
    assert attributes.get(CHANGE_VERSION) is None


def _patch_markers(events: list[Any]) -> list[Any]:
    return [
        e
        for e in events
        if e.event_type == E.EVENT_TYPE_MARKER_RECORDED
        and e.marker_recorded_event_attributes.marker_name == "core_patch"
    ]


async def test_a_case_an_older_intake_started_asks_the_patch_and_takes_the_same_path(
    driver: CaseDriver, worker_factory: Any
) -> None:
    """A generation-1 input (an API not yet upgraded while the workers are, or a case started before the
    generations): the case records the patch's marker and writes once per workflow task all the same."""
    handle, _terms = await _dispatched_at_intake(driver, worker_factory, generation=1)
    events = list((await handle.fetch_history()).events)

    assert len(_patch_markers(events)) == 1
    assert _writes(events) == ONE_WRITE_EACH
    assert len(events) == 41  # the marker and its upsert of TemporalChangeVersion
    described = await handle.describe()
    assert described.typed_search_attributes.get(CHANGE_VERSION) == ["one-write-per-task"]


async def test_a_case_routed_by_the_workflow_looks_up_its_terms_and_upserts_the_dispatch_once(
    driver: CaseDriver, worker_factory: Any
) -> None:
    async with worker_factory(replace_activities=CLOCK):
        handle = await _standard_path(driver)
    events = list((await handle.fetch_history()).events)

    assert _writes(events)[0] == ["registered"]  # written while the route is looked up
    assert _writes(events)[1:] == [
        ["dispatched"],
        ["signed_for"],
        ["replied", "awaiting_review"],
        ["review_accepted"],
        ["visited", "closed"],
    ]
    upserted = [
        set(e.upsert_workflow_search_attributes_event_attributes.search_attributes.indexed_fields)
        for e in events
        if e.event_type == E.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES
    ]
    [dispatch] = [names for names in upserted if "CaseDepartments" in names]
    assert dispatch == {"CaseStatus", "CaseDepartments", "CaseTier", "CaseDueAt"}
    described = await handle.describe()
    assert described.typed_search_attributes.get(search_attributes.CASE_STATUS) == CaseStatus.CLOSED.value


def _writes_by_task(events: list[Any]) -> list[list[str]]:
    """The steps each workflow task wrote, for the tasks that wrote any."""
    tasks: list[list[str]] = [[]]
    for event in events:
        if event.event_type == E.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
            tasks.append([])
        tasks[-1] += [step.event.kind.value for step in history.steps_of(event)]
    return [task for task in tasks if task]


async def test_work_given_back_is_written_with_the_action_that_gave_it_back(
    driver: CaseDriver, worker_factory: Any
) -> None:
    """A review sent back and a dissatisfied visit each open new tasks after looking up a due time, in
    the same workflow task: the action's step and the new tasks share one write."""
    async with worker_factory(replace_activities=CLOCK):
        handle = await driver.start()
        await driver.handle_to_reply(handle)
        await driver.review(handle, accept=False, reason="答复未说明修复时间")
        await driver.handle_to_reply(handle)
        await driver.review(handle)
        await driver.visit(handle, Rating.DISSATISFIED, resolved=False)
        await driver.handle_to_reply(handle)
        await driver.review(handle)
        await driver.visit(handle, Rating.SATISFIED)
        await handle.result()
    writes = _writes_by_task(list((await handle.fetch_history()).events))
    assert ["review_sent_back", "reissued"] in writes
    assert ["visited", "reopened", "reissued"] in writes
    assert writes[-1] == ["visited", "closed"]
    # One write per workflow task (the first task writes the registration before looking up the route).
    kinds = [kind for write in writes for kind in write]
    assert (
        kinds.count("reissued") == 2
        and len(writes) == len([e for e in (await handle.fetch_history()).events if history.steps_of(e)]) - 1
    )
