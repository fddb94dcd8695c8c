"""A small run against the real app (API, workflows, worker, read model): every action it takes is
accepted, and its cases end at several different stages, as the API itself reports them."""

from __future__ import annotations

from typing import Any

import httpx

from hotline.loadgen import runner
from hotline.loadgen.portal import Portal

# A seed whose first twelve plans (the seed and the reference data decide them) include an answer at
# intake, a late department, returns and extensions (ruled and pending), a deferral, a reopen, reviews.
SEED = 185
CASES = 12


async def test_a_small_run_leaves_cases_at_several_stages_with_every_action_accepted(
    api: httpx.AsyncClient, case_worker: Any
) -> None:
    portal = Portal(api)
    done: list[int] = []

    report = await runner.run(
        portal, cases=CASES, seed=SEED, concurrency=6, on_case_done=lambda: done.append(1)
    )

    assert report.failures == []
    assert len(done) == CASES and sum(report.stages.values()) == CASES
    assert len(report.stages) >= 5, report.stages
    assert set(report.stages) <= set(runner.STAGES)
    refused = {a for a in report.actions if not a.split()[1].startswith("2")}
    assert refused == set(), report.actions  # every action the people took was accepted
    assert report.actions["register 201"] == CASES

    for number in report.case_numbers:  # each stage as the dispatcher's API shows it now
        case = (await portal.call("dispatcher", "GET", f"/cases/{number}")).json()
        assert runner.stage(case) in report.stages
    closed = await portal.call("dispatcher", "GET", "/cases", params={"status": "closed", "page_size": 200})
    assert {c["case_number"] for c in closed.json()["items"]} & set(report.case_numbers)

    again = await runner.run(Portal(api), cases=CASES, seed=SEED)  # the same keys: nothing made twice
    assert again.stages == {runner.ALREADY_LOADED: CASES} and again.failures == []
