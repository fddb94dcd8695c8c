"""The API request's database session, and handing its connection back before waiting on Temporal.

A request's session (api/deps.py) holds a pooled connection from its first query until the request
ends. An action then waits on Temporal — an Update up to its timeout when the worker is away — and the
connection would idle in a transaction all that time: a burst of such actions during a worker restart
would take the whole pool, and every page and health check of that API process would wait behind them.
Services call `release_connection()` just before such a wait. It ends the transaction only when it has
merely read (a transaction that wrote commits or rolls back with its request, as its code says);
objects already loaded stay usable (sessions do not expire them on commit), and the session takes a
connection again if the request reads afterwards.
"""

from __future__ import annotations

from contextvars import ContextVar

from sqlalchemy.ext.asyncio import AsyncSession

from hotline.db import ReadTrackingSession

_current: ContextVar[AsyncSession | None] = ContextVar("hotline_request_session", default=None)


def serve(session: AsyncSession) -> None:
    """Called by the API's session dependency: this session serves the current request (its task)."""
    _current.set(session)


def current() -> AsyncSession | None:
    """The session serving the current request, if this code runs in one."""
    return _current.get()


async def release_connection() -> None:
    """Before waiting on Temporal: hand the request's connection back if its transaction only read."""
    session = _current.get()
    if session is None or not session.in_transaction():
        return
    sync_session = session.sync_session
    if isinstance(sync_session, ReadTrackingSession) and not sync_session.wrote:
        await session.commit()  # a read-only transaction: nothing to commit but the connection's return
