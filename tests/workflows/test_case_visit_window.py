"""The return-visit window on the time-skipping server: once the reply is accepted no department task
is open, so days pass in an instant (DESIGN.md §4)."""

from datetime import timedelta

from temporalio.testing import WorkflowEnvironment

from hotline.db import SessionFactory
from hotline.enums import CaseStatus, CloseReason
from hotline.settings import Settings
from tests.workflows.lifecycle import CaseDriver
from worker import build_worker
from workflows import CaseWorkflow


async def test_a_visit_not_done_within_the_window_closes_the_case_as_unreachable(
    time_skipping_env: WorkflowEnvironment, sessions: SessionFactory, settings: Settings
) -> None:
    client = time_skipping_env.client
    driver = CaseDriver(client, sessions, settings.temporal_task_queue)
    async with build_worker(client, sessions, settings):
        handle = await driver.start()
        await driver.handle_to_reply(handle)
        await driver.review(handle)
        assert (await handle.query(CaseWorkflow.state)).status == CaseStatus.VISITING
        await time_skipping_env.sleep(timedelta(hours=settings.visit_window_hours + 1))
        outcome = await handle.result()
    assert outcome.close_reason == CloseReason.UNREACHABLE and outcome.rating is None
    kinds = await driver.kinds(handle.id)
    assert kinds[-2:] == ["visit_expired", "closed"]


async def test_a_visit_within_the_window_is_not_cut_short(
    time_skipping_env: WorkflowEnvironment, sessions: SessionFactory, settings: Settings
) -> None:
    client = time_skipping_env.client
    driver = CaseDriver(client, sessions, settings.temporal_task_queue)
    async with build_worker(client, sessions, settings):
        handle = await driver.start()
        await driver.handle_to_reply(handle)
        await driver.review(handle)
        await time_skipping_env.sleep(timedelta(hours=settings.visit_window_hours - 1))
        assert (await handle.query(CaseWorkflow.state)).status == CaseStatus.VISITING
        await driver.visit(handle)
        outcome = await handle.result()
    assert outcome.close_reason == CloseReason.VISITED
