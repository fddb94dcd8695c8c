"""Health: the API, the read-model database and Temporal, each up or down.

/livez: the process answers (no dependency is asked; a restart would not fix a database outage).
/readyz: the database and Temporal are reachable, so this instance should get traffic.
/healthz: the same checks as /readyz, kept for the launcher and existing probes.
"""

import asyncio
import logging

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text

from api.deps import SessionDep, TemporalDep

log = logging.getLogger(__name__)
router = APIRouter(tags=["health"])
CHECK_TIMEOUT_SECONDS = 3.0


@router.get("/livez")
async def livez() -> dict[str, str]:
    return {"status": "up"}


@router.get("/readyz")
async def readyz(session: SessionDep, client: TemporalDep) -> JSONResponse:
    return await _components(session, client)


@router.get("/healthz")
async def healthz(session: SessionDep, client: TemporalDep) -> JSONResponse:
    return await _components(session, client)


async def _components(session: SessionDep, client: TemporalDep) -> JSONResponse:
    """200 only when all are up."""
    database, temporal = await asyncio.gather(_check_database(session), _check_temporal(client))
    components = {"api": "up", "database": database, "temporal": temporal}
    up = all(state == "up" for state in components.values())
    return JSONResponse(
        {"status": "up" if up else "down", "components": components}, status_code=200 if up else 503
    )


async def _check_database(session: SessionDep) -> str:
    try:
        async with asyncio.timeout(CHECK_TIMEOUT_SECONDS):
            await session.execute(text("SELECT 1"))
        return "up"
    except Exception:  # any failure means down; the reason goes to the log, not to the caller
        log.warning("health check: database down", exc_info=True)
        return "down"


async def _check_temporal(client: TemporalDep) -> str:
    try:
        async with asyncio.timeout(CHECK_TIMEOUT_SECONDS):
            healthy = await client.service_client.check_health()
        return "up" if healthy else "down"
    except Exception:
        log.warning("health check: temporal down", exc_info=True)
        return "down"
