"""Preparing a namespace is idempotent: search attributes and retention on an existing server. The client
reaches the namespace and the TLS the settings name."""

from datetime import timedelta
from pathlib import Path

import pytest
from pydantic import ValidationError
from temporalio.api.workflowservice.v1 import DescribeNamespaceRequest
from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode, TLSConfig
from temporalio.testing import WorkflowEnvironment

from hotline import search_attributes
from hotline.settings import Settings
from hotline.temporal import _patiently, connect, ensure_retention, ensure_search_attributes, tls_config
from tests.conftest import BIN
from tests.devserver import dev_server, local_address


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


async def test_the_client_works_in_the_namespace_the_settings_name(tmp_path: Path) -> None:
    settings = Settings(
        temporal_address=local_address(),
        temporal_namespace="hotline",
        data_dir=tmp_path,
        _env_file=None,  # type: ignore[call-arg]
    )
    async with dev_server(settings) as client:
        assert client.namespace == "hotline"
        handle = await client.start_workflow("CaseWorkflow", id="XN-namespace-probe", task_queue="nobody")
        assert (await handle.describe()).raw_description.execution_config.task_queue.name == "nobody"
        elsewhere = await connect(settings.model_copy(update={"temporal_namespace": "default"}))
        with pytest.raises(RPCError) as missing:
            await elsewhere.get_workflow_handle("XN-namespace-probe").describe()
        assert missing.value.status == RPCStatusCode.NOT_FOUND
        await handle.terminate("probe done")


def test_mtls_settings_build_the_sdks_tls_config_from_pem_files(tmp_path: Path) -> None:
    for name in ("client.pem", "client.key", "ca.pem"):
        (tmp_path / name).write_bytes(f"-----BEGIN {name}-----\n{name}\n-----END {name}-----\n".encode())
    settings = Settings(
        temporal_tls_cert=tmp_path / "client.pem",
        temporal_tls_key=tmp_path / "client.key",
        temporal_tls_server_ca=tmp_path / "ca.pem",
        _env_file=None,  # type: ignore[call-arg]
    )
    tls = tls_config(settings)
    assert isinstance(tls, TLSConfig)
    assert tls.client_cert == (tmp_path / "client.pem").read_bytes()
    assert tls.client_private_key == (tmp_path / "client.key").read_bytes()
    assert tls.server_root_ca_cert == (tmp_path / "ca.pem").read_bytes()
    without_ca = tls_config(settings.model_copy(update={"temporal_tls_server_ca": None}))
    assert isinstance(without_ca, TLSConfig) and without_ca.server_root_ca_cert is None


def test_an_api_key_implies_tls_and_nothing_means_plain() -> None:
    assert tls_config(Settings(temporal_api_key="key", _env_file=None)) is True  # type: ignore[call-arg]
    assert tls_config(Settings(_env_file=None)) is False  # type: ignore[call-arg]


def test_a_client_certificate_without_its_key_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="HOTLINE_TEMPORAL_TLS_KEY go together"):
        Settings(temporal_tls_cert=tmp_path / "client.pem", _env_file=None)  # type: ignore[call-arg]


async def test_start_up_calls_are_asked_again_after_a_transient_refusal() -> None:
    answers: list[object] = [
        RPCError("operation was canceled", RPCStatusCode.CANCELLED, b""),
        RPCError("unavailable", RPCStatusCode.UNAVAILABLE, b""),
        "described",
    ]

    async def call() -> object:
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    assert await _patiently(call) == "described" and answers == []

    async def refused() -> object:
        raise RPCError("no such namespace", RPCStatusCode.NOT_FOUND, b"")

    with pytest.raises(RPCError) as error:
        await _patiently(refused)
    assert error.value.status == RPCStatusCode.NOT_FOUND
