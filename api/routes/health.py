"""Health: the API, the read-model database, Temporal and the rate-limit store, each up or down.

/livez: the process answers (no dependency is asked; a restart would not fix a database outage).
/readyz: the database and Temporal are reachable, so this instance should get traffic.
/healthz: the checks of /readyz with the same status code, and the rate-limit store besides: when only
  the store is down the status is "degraded" and the code stays 200, because every replica shares that
  store and taking them all out of traffic would stop the hotline over a counter (each process counts
  in memory meanwhile: hotline/ratelimit.py).
"""

import asyncio
import logging

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text

from api.deps import LimiterDep, SessionDep, TemporalDep

log = logging.getLogger(__name__)
router = APIRouter(tags=["health"])
CHECK_TIMEOUT_SECONDS = 3.0


@router.get("/livez")
async def livez() -> dict[str, str]:
    return {"status": "up"}


@router.get("/readyz")
async def readyz(session: SessionDep, client: TemporalDep) -> JSONResponse:
    database, temporal = await asyncio.gather(_check_database(session), _check_temporal(client))
    return _answer({"api": "up", "database": database, "temporal": temporal})


@router.get("/healthz")
async def healthz(session: SessionDep, client: TemporalDep, limiter: LimiterDep) -> JSONResponse:
    database, temporal, store = await asyncio.gather(
        _check_database(session), _check_temporal(client), limiter.store_answers()
    )
    if not store:
        log.warning("health check: rate-limit store down")
    essential = {"api": "up", "database": database, "temporal": temporal}
    return _answer(essential, rate_limit_store="up" if store else "down")


def _answer(essential: dict[str, str], **optional: str) -> JSONResponse:
    """503 when an essential component is down; "degraded" (still 200) when only an optional one is."""
    if any(state != "up" for state in essential.values()):
        status, code = "down", 503
    elif any(state != "up" for state in optional.values()):
        status, code = "degraded", 200
    else:
        status, code = "up", 200
    return JSONResponse({"status": status, "components": {**essential, **optional}}, status_code=code)


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
