"""The app's own metrics, and the middleware that gives every request an id, a latency and one log line.

Latency is labelled with the route template (`/api/v1/cases/{case_number}`), never the raw path, so the
number of series stays fixed however many cases there are. The request id comes from `X-Request-ID`
when the caller sends a tame one, or is made here; it is echoed in the response and stamped on every
log line of the request (hotline/observability/context.py).
"""

from __future__ import annotations

import logging
import re
import uuid
from time import perf_counter

from fastapi import Request
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hotline.db import SessionFactory
from hotline.enums import Channel
from hotline.observability import context as log_context
from hotline.observability.readmodel_metrics import ReadModelGauges
from hotline.observability.temporal_metrics import ClientMetrics

log = logging.getLogger(__name__)
REQUEST_ID_HEADER = "X-Request-ID"
LOG_CONTEXT_STATE = "log_context"  # the request's LogContext in request.state
# A caller's id goes into logs and a response header: only a short, plain one is taken as it is.
_TAME_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
UNMATCHED_ROUTE = "unmatched"
# Probes and static files are frequent and dull: their request lines go out at DEBUG.
_QUIET_ROUTES = frozenset({"/livez", "/readyz", "/healthz", "/metrics", "/static/{path}"})


class AppMetrics:
    """One registry per app: the request histogram, intakes, read-model gauges, the Temporal client's."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.request_duration = Histogram(
            "hotline_http_request_duration_seconds",
            "API and page request latency by route template, method and status",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.intakes = Counter(
            "hotline_intakes",
            "New cases registered (a retried intake with the same Idempotency-Key is not counted again)",
            ["channel"],
            registry=self.registry,
        )
        self.read_model: ReadModelGauges | None = None
        self.client: ClientMetrics | None = None

    def watch_read_model(self, sessions: SessionFactory, *, max_age_seconds: float) -> None:
        """At start-up, when the database is known (again, when an app is started again in tests)."""
        if self.read_model is not None:
            self.registry.unregister(self.read_model)
        self.read_model = ReadModelGauges(sessions, max_age_seconds=max_age_seconds)
        self.registry.register(self.read_model)

    def watch_client(self, client_metrics: ClientMetrics) -> None:
        if self.client is not None:
            self.registry.unregister(self.client)
        self.client = client_metrics
        self.registry.register(client_metrics)

    def count_intake(self, channel: Channel) -> None:
        self.intakes.labels(channel.value).inc()

    async def exposition(self) -> bytes:
        if self.read_model is not None:
            await self.read_model.refresh()
        return generate_latest(self.registry)


def route_template(scope: Scope) -> str:
    route = scope.get("route")
    return str(getattr(route, "path_format", None) or UNMATCHED_ROUTE)


def log_context_of(request: Request) -> log_context.LogContext | None:
    """The request's log context, also where Starlette's outermost error handler runs, outside this
    middleware (RequestObserver keeps it in the request's state)."""
    context: log_context.LogContext | None = getattr(request.state, LOG_CONTEXT_STATE, None)
    return context


def _request_id(scope: Scope) -> str:
    for name, value in scope.get("headers", ()):
        if name == b"x-request-id":
            candidate = value.decode("latin-1")
            if _TAME_REQUEST_ID.match(candidate):
                return candidate
    return uuid.uuid4().hex


class RequestObserver:
    """Pure ASGI (no task of its own), so the request's log context reaches the endpoint and back."""

    def __init__(self, app: ASGIApp, *, metrics: AppMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _request_id(scope)
        status = 500  # unless the app gets as far as starting a response

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message).append(REQUEST_ID_HEADER, request_id)
            await send(message)

        started = perf_counter()
        with log_context.request_scope(request_id) as context:
            # For the handler of unexpected errors, which Starlette runs outside this middleware.
            scope.setdefault("state", {})[LOG_CONTEXT_STATE] = context
            try:
                await self.app(scope, receive, send_with_id)
            finally:
                self._finish(scope, status, perf_counter() - started)

    def _finish(self, scope: Scope, status: int, seconds: float) -> None:
        route, method = route_template(scope), scope["method"]
        self.metrics.request_duration.labels(method, route, str(status)).observe(seconds)
        level = logging.DEBUG if route in _QUIET_ROUTES else logging.INFO
        log.log(level, "%s %s -> %d in %.1f ms", method, route, status, seconds * 1000)


async def bind_case_from_path(request: Request) -> None:
    """An app-wide dependency: a request about a case (or its task or order) logs its case number."""
    if case_number := log_context.case_number_from_path(request.path_params):
        log_context.bind_case_number(case_number)
