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
from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text

from api.deps import LimiterDep, SessionDep, TemporalDep

log = logging.getLogger(__name__)
router = APIRouter(tags=["health"])
CHECK_TIMEOUT_SECONDS = 3.0


class Transitions:
    """Each component's last state in this process, so that an outage is logged when it starts (with its
    reason) and when it ends, not at every probe of every load balancer."""

    def __init__(self) -> None:
        self._up: dict[str, bool] = {}

    def report(self, component: str, up: bool, error: BaseException | None = None) -> None:
        was_up = self._up.get(component, True)
        self._up[component] = up
        if was_up and not up:
            log.warning("health check: %s down", component, exc_info=error)
        elif up and not was_up:
            log.info("health check: %s back up", component)


async def _transitions(request: Request) -> Transitions:
    state = request.app.state
    if not hasattr(state, "health_transitions"):
        state.health_transitions = Transitions()
    return state.health_transitions


TransitionsDep = Annotated[Transitions, Depends(_transitions)]


@router.get("/livez")
async def livez() -> dict[str, str]:
    return {"status": "up"}


@router.get("/readyz")
async def readyz(session: SessionDep, client: TemporalDep, transitions: TransitionsDep) -> JSONResponse:
    database, temporal = await asyncio.gather(*_essential_checks(session, client, transitions))
    return _answer({"api": "up", "database": database, "temporal": temporal})


@router.get("/healthz")
async def healthz(
    session: SessionDep, client: TemporalDep, limiter: LimiterDep, transitions: TransitionsDep
) -> JSONResponse:
    database, temporal, store = await asyncio.gather(
        *_essential_checks(session, client, transitions),
        _state("rate-limit store", limiter.store_answers, transitions),
    )
    essential = {"api": "up", "database": database, "temporal": temporal}
    return _answer(essential, rate_limit_store=store)


def _essential_checks(
    session: SessionDep, client: TemporalDep, transitions: Transitions
) -> tuple[Awaitable[str], Awaitable[str]]:
    """The database's and Temporal's states, what /readyz and /healthz both ask."""
    return (
        _state("database", lambda: session.execute(text("SELECT 1")), transitions),
        _state("temporal", client.service_client.check_health, transitions),
    )


def _answer(essential: dict[str, str], **optional: str) -> JSONResponse:
    """503 when an essential component is down; "degraded" (still 200) when only an optional one is."""
    if any(state != "up" for state in essential.values()):
        status, code = "down", 503
    elif any(state != "up" for state in optional.values()):
        status, code = "degraded", 200
    else:
        status, code = "up", 200
    return JSONResponse({"status": status, "components": {**essential, **optional}}, status_code=code)


async def _state(component: str, probe: Callable[[], Awaitable[object]], transitions: Transitions) -> str:
    """ "up" when the probe answers (anything but False) within the timeout, else "down"."""
    error: BaseException | None = None
    try:
        async with asyncio.timeout(CHECK_TIMEOUT_SECONDS):
            up = await probe() is not False
    except Exception as failure:  # any failure means down; the reason goes to the log, not to the caller
        up, error = False, failure
    transitions.report(component, up, error)
    return "up" if up else "down"
