"""Tracing: one intake request makes one trace, from the API's server span through StartWorkflow into the
worker's workflow and activity spans (spans kept in memory; nothing leaves the process)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from api.app import create_app
from hotline.db import SessionFactory
from hotline.observability.tracing import RedactQueryValues
from hotline.settings import Settings
from hotline.temporal import connect
from tests.helpers import PIPE_BURST, appeal, eventually, new_key
from tests.observability.conftest import login_headers
from worker import build_worker


def _provider() -> tuple[TracerProvider, InMemorySpanExporter]:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(RedactQueryValues())
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    return provider, exporter


def _route(span: ReadableSpan) -> object:
    return (span.attributes or {}).get("http.route")


async def test_an_intake_is_one_trace_from_the_api_into_the_workflow_and_its_activities(
    observed_settings: Settings, sessions: SessionFactory, serve: Callable[..., Any]
) -> None:
    provider, exporter = _provider()
    traced = observed_settings.model_copy(update={"tracing": "otlp"})
    client = await connect(traced, tracer=provider.get_tracer("test"))
    async with build_worker(client, sessions, traced):  # the worker takes the client's interceptor
        async with serve(create_app(traced, temporal=client, tracer_provider=provider)) as http:
            headers = {**await login_headers(http, "dispatcher"), "Idempotency-Key": new_key()}
            response = await http.post("/api/v1/cases", json=appeal(), headers=headers)
        assert response.status_code == 201
        case_number = response.json()["case_number"]

        async def intake_trace() -> list[ReadableSpan] | None:
            spans = exporter.get_finished_spans()
            [request] = [s for s in spans if _route(s) == "/api/v1/cases"]
            trace = [s for s in spans if s.context.trace_id == request.context.trace_id]
            return trace if any(s.name.startswith("RunActivity:") for s in trace) else None

        trace = await eventually(intake_trace)
    names = {span.name for span in trace}
    [request] = [s for s in trace if _route(s) == "/api/v1/cases"]
    assert (request.name, request.kind, request.parent) == ("POST /api/v1/cases", SpanKind.SERVER, None)
    assert {"StartWorkflow:CaseWorkflow", "RunWorkflow:CaseWorkflow"} <= names
    assert any(name.startswith("StartActivity:") for name in names)
    workflow_ids = {s.attributes.get("temporalWorkflowID") for s in trace if s.attributes}
    assert case_number in workflow_ids
    exported = " ".join(str(dict(s.attributes or {})) for s in trace)
    assert PIPE_BURST["citizen_phone"] not in exported


async def test_query_values_are_kept_out_of_spans(
    observed_settings: Settings, temporal: Any, serve: Callable[..., Any]
) -> None:
    provider, exporter = _provider()
    traced = observed_settings.model_copy(update={"tracing": "console"})
    async with serve(create_app(traced, temporal=temporal, tracer_provider=provider)) as http:
        await http.get("/api/v1/cases", params={"text": PIPE_BURST["citizen_phone"], "page": "2"})
    [request] = [s for s in exporter.get_finished_spans() if _route(s) == "/api/v1/cases"]
    assert request.attributes and request.attributes["url.query"] == "text=redacted&page=redacted"


async def test_tracing_off_makes_no_spans_and_no_interceptor(
    observed_settings: Settings, temporal: Any, serve: Callable[..., Any]
) -> None:
    provider, exporter = _provider()
    client = await connect(observed_settings, tracer=provider.get_tracer("test"))
    assert client.config()["interceptors"] == []
    async with serve(create_app(observed_settings, temporal=temporal, tracer_provider=provider)) as http:
        assert (await http.get("/livez")).status_code == 200
    assert exporter.get_finished_spans() == ()
