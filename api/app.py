"""The web application: JSON API under /api/v1, pages from web/, health at /healthz.

uvicorn --factory api.app:create_app      (settings from the environment / .env)
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from temporalio.client import Client

from api import errors, open311
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
    public,
    queues,
    reports,
    tasks,
    warnings,
)
from hotline.db import create_engine, session_factory
from hotline.intake import IntakeConfig
from hotline.ratelimit import limiter_for
from hotline.settings import Settings, get_settings
from hotline.temporal import connect
from web import site


def create_app(settings: Settings | None = None, *, temporal: Client | None = None) -> FastAPI:
    """The app. Tests pass their own settings and client; production reads the environment."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        limiter = await limiter_for(settings)  # first: a store that cannot be used stops the start-up
        engine = create_engine(settings.database_url)
        app.state.settings = settings
        app.state.sessions = session_factory(engine)
        app.state.temporal = temporal or await connect(settings, lazy=True)
        app.state.limiter = limiter
        app.state.intake_config = IntakeConfig(
            task_queue=settings.temporal_task_queue,
            case_number_prefix=settings.case_number_prefix,
            timezone=settings.timezone,
        )
        try:
            yield
        finally:
            await engine.dispose()

    app = FastAPI(
        title="12345 热线工单系统 · Citizen appeal case management",
        description="Every work order is a durable Temporal workflow: 接 派 办 督 评 报 宣.",
        version="0.1.0",
        lifespan=lifespan,
    )
    errors.install(app)
    for router in (
        health.router,
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
