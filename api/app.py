"""The web application: JSON API under /api/v1, pages from web/, health at /healthz, /livez, /readyz,
Prometheus metrics at /metrics (docs/observability.md).

uvicorn --factory api.app:create_app      (settings from the environment / .env)
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI
from fastapi.telemetry import TelemetryConfig
from opentelemetry.sdk.trace import TracerProvider
from temporalio.client import Client

from api import errors, open311
from api.observability import AppMetrics, RequestObserver, bind_case_from_path
from api.routes import (
    admin,
    audit,
    audit_archive,
    audit_replay,
    auth,
    case_actions,
    cases,
    directory,
    evaluations,
    health,
    metrics,
    prometheus,
    public,
    queues,
    reports,
    tasks,
    warnings,
)
from hotline import case_terms
from hotline.db import WriteTurns, create_engine, session_factory
from hotline.intake import IntakeConfig
from hotline.observability import tracing
from hotline.observability.logs import configure_logging
from hotline.observability.temporal_metrics import ClientMetrics, drain_periodically
from hotline.ratelimit import limiter_for
from hotline.settings import Settings, get_settings
from hotline.temporal import connect
from web import site


def create_app(
    settings: Settings | None = None,
    *,
    temporal: Client | None = None,
    tracer_provider: TracerProvider | None = None,
    client_metrics: ClientMetrics | None = None,
) -> FastAPI:
    """The app. Tests pass their own settings and client (and a tracer provider or the client's metrics
    when they look at those); production reads the environment, and sets up logging and tracing here."""
    if settings is None:
        settings = get_settings()
        configure_logging(settings)
        tracer_provider = tracer_provider or tracing.install(settings, service_name="hotline-api")
    app_metrics = AppMetrics()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        limiter = await limiter_for(settings)  # first: a store that cannot be used stops the start-up
        engine = create_engine(settings.database_url, **settings.database_pool())
        app.state.settings = settings
        app.state.sessions = session_factory(engine)
        # The client this app makes reports the SDK's metrics on /metrics; a client passed in, those
        # passed with it.
        sdk_metrics = client_metrics or (ClientMetrics() if temporal is None else None)
        app.state.temporal = temporal or await connect(
            settings,
            lazy=True,
            runtime=sdk_metrics.runtime if sdk_metrics else None,
            tracer=tracer_provider.get_tracer(TRACER_NAME) if tracer_provider else None,
        )
        app.state.limiter = limiter
        app.state.intake_config = IntakeConfig(
            task_queue=settings.temporal_task_queue,
            case_number_prefix=settings.case_number_prefix,
            timezone=settings.timezone,
            on_created=app_metrics.count_intake,
            terms=functools.partial(case_terms.at_intake, settings),
            write_turns=WriteTurns(app.state.sessions),
        )
        app_metrics.watch_read_model(app.state.sessions, max_age_seconds=settings.metrics_cache_seconds)
        drain = None
        if sdk_metrics is not None:
            app_metrics.watch_client(sdk_metrics)
            drain = asyncio.create_task(drain_periodically(sdk_metrics))
        try:
            yield
        finally:
            if drain is not None:
                drain.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await drain
            await engine.dispose()

    app = FastAPI(
        title="12345 热线工单系统 · Citizen appeal case management",
        description="Every work order is a durable Temporal workflow: 接 派 办 督 评 报 宣.",
        version="0.1.0",
        lifespan=lifespan,
        telemetry=_telemetry(settings, tracer_provider),
        dependencies=[Depends(bind_case_from_path)],
    )
    app.state.metrics = app_metrics
    app.add_middleware(RequestObserver, metrics=app_metrics)
    errors.install(app)
    for router in (
        health.router,
        prometheus.router,
        auth.router,
        cases.router,
        case_actions.router,
        tasks.router,
        admin.router,
        public.router,
        queues.router,
        directory.router,
        open311.router,
        audit.router,
        audit_replay.router,
        audit_archive.router,
        reports.router,
        metrics.router,
        evaluations.router,
        warnings.router,
    ):
        app.include_router(router)
    site.install(app, settings)
    return app


TRACER_NAME = "hotline"


def _telemetry(settings: Settings, provider: TracerProvider | None) -> TelemetryConfig:
    """FastAPI's own OpenTelemetry: server spans named by route template when tracing is on. Its request
    metrics stay off (Prometheus has ours) and so do its logs (they would carry request bodies)."""
    if settings.tracing == "off":
        return {"tracing": False, "metrics": False, "logs": False}
    return {"tracer_provider": provider, "metrics": False, "logs": False}
