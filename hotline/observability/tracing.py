"""OpenTelemetry tracing, off by default: HOTLINE_TRACING=console|otlp turns it on.

A request's trace runs from the API's server span (FastAPI's own telemetry) through the Temporal
client's StartWorkflow/Update spans into the worker's RunWorkflow/StartActivity/RunActivity spans: the
SDK's TracingInterceptor carries the context in Temporal headers. OTLP goes where the standard OTEL_*
variables say (OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, OTEL_SERVICE_NAME, …).
"""

from __future__ import annotations

import os
from urllib.parse import parse_qsl, urlencode

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import Span, SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter, SpanExporter
from temporalio.client import Interceptor
from temporalio.contrib.opentelemetry import TracingInterceptor

from hotline.settings import Settings

REDACTED = "redacted"


class RedactQueryValues(SpanProcessor):
    """A query string can carry a citizen's name or phone (the case search's `text=`): keep its keys only."""

    def on_start(self, span: Span, parent_context: otel_context.Context | None = None) -> None:
        query = (span.attributes or {}).get("url.query")
        if isinstance(query, str) and query:
            keys = [key for key, _ in parse_qsl(query, keep_blank_values=True)]
            span.set_attribute("url.query", urlencode([(key, REDACTED) for key in keys]))


def _exporter(settings: Settings) -> SpanExporter:
    if settings.tracing == "console":
        return ConsoleSpanExporter()
    # Imported only when used: the OTLP exporter pulls in an HTTP stack the default setup does not need.
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

    return OTLPSpanExporter()


def tracer_provider(settings: Settings, *, service_name: str) -> TracerProvider | None:
    """A provider exporting to the console or OTLP; None when tracing is off."""
    if settings.tracing == "off":
        return None
    resource = Resource.create({"service.name": os.environ.get("OTEL_SERVICE_NAME", service_name)})
    provider = TracerProvider(resource=resource)
    provider.add_span_processor(RedactQueryValues())
    provider.add_span_processor(BatchSpanProcessor(_exporter(settings)))
    return provider


def install(settings: Settings, *, service_name: str) -> TracerProvider | None:
    """Make the provider this process's global one (once per process, at its edge)."""
    provider = tracer_provider(settings, service_name=service_name)
    if provider is not None:
        trace.set_tracer_provider(provider)
    return provider


def temporal_interceptors(settings: Settings, tracer: trace.Tracer | None = None) -> list[Interceptor]:
    """The client's interceptors. A worker built on the client inherits them, so workflows and activities
    continue the caller's trace. Without `tracer`, the global provider's is used."""
    if settings.tracing == "off":
        return []
    return [TracingInterceptor(tracer)]
