"""Connecting to Temporal and preparing a namespace for cases. One client per process, made at start-up."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import TypeVar

from google.protobuf.duration_pb2 import Duration
from opentelemetry.trace import Tracer
from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.namespace.v1 import NamespaceConfig
from temporalio.api.operatorservice.v1 import AddSearchAttributesRequest, ListSearchAttributesRequest
from temporalio.api.workflowservice.v1 import DescribeNamespaceRequest, UpdateNamespaceRequest
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.runtime import Runtime
from temporalio.service import RPCError, RPCStatusCode, TLSConfig

from hotline import search_attributes
from hotline.observability.tracing import temporal_interceptors
from hotline.settings import Settings

T = TypeVar("T")

_INDEXED_TYPES = {
    "KEYWORD": IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
    "KEYWORD_LIST": IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
    "INT": IndexedValueType.INDEXED_VALUE_TYPE_INT,
    "DATETIME": IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
}


def tls_config(settings: Settings) -> TLSConfig | bool:
    """mTLS from PEM files when a client certificate is set; plain TLS with an API key; else none."""
    if settings.temporal_tls_cert and settings.temporal_tls_key:
        return TLSConfig(
            client_cert=settings.temporal_tls_cert.read_bytes(),
            client_private_key=settings.temporal_tls_key.read_bytes(),
            server_root_ca_cert=(
                settings.temporal_tls_server_ca.read_bytes() if settings.temporal_tls_server_ca else None
            ),
        )
    # Temporal Cloud with an API key always speaks TLS.
    return settings.temporal_api_key is not None


async def connect(
    settings: Settings, *, lazy: bool = False, runtime: Runtime | None = None, tracer: Tracer | None = None
) -> Client:
    """A client with the pydantic converter. `lazy` lets the API start while Temporal is still down.

    `runtime` carries the SDK's metrics (docs/observability.md); with tracing on, the client and every
    worker built on it get the tracing interceptor (`tracer`, or the global provider's)."""
    return await Client.connect(
        settings.temporal_address,
        namespace=settings.temporal_namespace,
        api_key=settings.temporal_api_key,
        tls=tls_config(settings),
        data_converter=pydantic_data_converter,
        interceptors=temporal_interceptors(settings, tracer),
        runtime=runtime,
        lazy=lazy,
    )


async def ensure_search_attributes(client: Client) -> list[str]:
    """Register the case search attributes that are missing; safe to run on every start."""
    try:
        existing = await client.operator_service.list_search_attributes(
            ListSearchAttributesRequest(namespace=client.namespace)
        )
        known = set(existing.custom_attributes) | set(existing.system_attributes)
    except RPCError as error:
        # The time-skipping test server cannot list them, but it can add them.
        if error.status != RPCStatusCode.UNIMPLEMENTED:
            raise
        known = set()
    missing = {
        key.name: _INDEXED_TYPES[key.indexed_value_type.name.removeprefix("INDEXED_VALUE_TYPE_")]
        for key in search_attributes.ALL
        if key.name not in known
    }
    if missing:
        await client.operator_service.add_search_attributes(
            AddSearchAttributesRequest(namespace=client.namespace, search_attributes=missing)
        )
    return sorted(missing)


async def ensure_retention(client: Client, retention: timedelta) -> None:
    """Keep closed cases' histories for audits (the dev server's default is 24 hours)."""
    request = DescribeNamespaceRequest(namespace=client.namespace)
    described = await _patiently(lambda: client.workflow_service.describe_namespace(request))
    if described.config.workflow_execution_retention_ttl.ToTimedelta() >= retention:
        return
    update = UpdateNamespaceRequest(
        namespace=client.namespace,
        config=NamespaceConfig(
            workflow_execution_retention_ttl=Duration(seconds=int(retention.total_seconds()))
        ),
    )
    await _patiently(lambda: client.workflow_service.update_namespace(update))


# A server just started, or busy, may drop a call: start-up asks again instead of failing.
_TRANSIENT = (RPCStatusCode.UNAVAILABLE, RPCStatusCode.CANCELLED, RPCStatusCode.DEADLINE_EXCEEDED)
_PAUSES = (0.2, 0.5, 1.0, 2.0)


async def _patiently(call: Callable[[], Awaitable[T]]) -> T:
    """`call`, asked again after a transient refusal (it must be safe to repeat)."""
    for pause in _PAUSES:
        try:
            return await call()
        except RPCError as error:
            if error.status not in _TRANSIENT:
                raise
        await asyncio.sleep(pause)
    return await call()
