"""Preparing a namespace is idempotent: search attributes and retention on an existing server."""

from datetime import timedelta

from temporalio.api.workflowservice.v1 import DescribeNamespaceRequest
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from hotline import search_attributes
from hotline.temporal import ensure_retention, ensure_search_attributes
from tests.conftest import BIN


async def test_search_attributes_are_registered_on_a_bare_server_and_only_once() -> None:
    bare = await WorkflowEnvironment.start_local(
        dev_server_existing_path=str(BIN / "temporal"), dev_server_log_level="error"
    )
    try:
        assert await ensure_search_attributes(bare.client) == sorted(k.name for k in search_attributes.ALL)
        assert await ensure_search_attributes(bare.client) == []
    finally:
        await bare.shutdown()


async def test_a_server_that_cannot_list_search_attributes_gets_all_of_them_added() -> None:
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=str(BIN / "temporal-test-server")
    )
    try:
        assert await ensure_search_attributes(env.client) == sorted(k.name for k in search_attributes.ALL)
    finally:
        await env.shutdown()


async def test_retention_is_raised_for_audits_and_never_lowered(temporal: Client) -> None:
    await ensure_retention(temporal, timedelta(days=3650))
    await ensure_retention(temporal, timedelta(days=1))
    described = await temporal.workflow_service.describe_namespace(
        DescribeNamespaceRequest(namespace=temporal.namespace)
    )
    assert described.config.workflow_execution_retention_ttl.ToTimedelta() == timedelta(days=3650)
