"""Rate limits (the `limits` library, moving windows). In memory per process by default: enough for one
API process. Several replicas must share their counts, or each would allow the whole budget: point
HOTLINE_RATE_LIMIT_STORAGE at Redis (`async+redis://host:6379/0`; the `limits[async-redis]` extra).

A shared store is checked when the app starts, so that a wrong URI or an unreachable Redis stops the
start-up with a message naming the setting instead of failing the first login.

A shared store that goes away later does not stop logins or the public pages: while it is away each
process counts in its own memory (each replica then allows the whole budget, as with one process), and
it tries the store again every few seconds. /healthz reports the store, and the log says when it went
away and when it came back.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from limits import parse
from limits.aio.storage import MemoryStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.errors import ConfigurationError, StorageError
from limits.storage import storage_from_string

from hotline.errors import TooManyRequests
from hotline.settings import Settings

LOGIN_FAILURES = "5/15minutes"  # per username and per client address
PUBLIC_REQUESTS = "30/minute"  # per client address, on the no-login endpoints
TRACKING_FAILURES = "10/hour"  # wrong phone digits per tracking code: no guessing the last four

log = logging.getLogger(__name__)

SETTING = "HOTLINE_RATE_LIMIT_STORAGE"
STORE_CHECK_SECONDS = 5.0  # a store that does not answer a PING by then is as good as down
# Once the store is up, a request waits at most this long for it before counting in memory: a login
# must not hang on a Redis that stopped answering.
STORE_CALL_SECONDS = 1.0
STORE_RETRY_SECONDS = 5.0  # while the store is away, how often a request tries it again


# How a store that went away shows: the client's own errors come wrapped as StorageError, but a connection
# reset while a call waits for its answer reaches us unwrapped (ConnectionResetError, an OSError), and so
# does a call that runs out of time (TimeoutError is an OSError too).
STORE_AWAY = (StorageError, OSError)


class RateLimitStorageError(RuntimeError):
    """The rate-limit store named by the settings cannot be used; the app must not start."""


class RateLimiter:
    def __init__(self, storage: Storage | None = None, *, uri: str = "async+memory://") -> None:
        self.storage = storage or MemoryStorage()
        self._uri = uri  # for messages only
        self._limiter = MovingWindowRateLimiter(self.storage)
        # Counts kept in this process while a shared store is away (never used with memory storage).
        self._fallback = MovingWindowRateLimiter(MemoryStorage())
        self._away_until: float | None = None  # monotonic time of the next try, while the store is away

    @classmethod
    def from_uri(cls, uri: str, *, key_prefix: str = "hotline") -> RateLimiter:
        """`async+memory://` or `async+redis://host:6379/0` (the `limits` library's storage URIs).
        `key_prefix` keeps the counts of deployments that share one Redis apart."""
        try:
            # Wrapped, the store's own errors (coredis's, a refused connection) all arrive as StorageError.
            storage = storage_from_string(uri, key_prefix=key_prefix, wrap_exceptions=True)
        except ConfigurationError as error:  # an unknown scheme, an unparsable URI, a missing client
            raise RateLimitStorageError(
                f"{SETTING}={_redacted(uri)} cannot be used ({_redacted(str(error), uri)}); "
                "use async+memory:// or async+redis://host:6379/0"
            ) from error
        if not isinstance(storage, Storage):
            shown = _redacted(uri)
            raise RateLimitStorageError(f"{SETTING}={shown} is not an async storage; use async+{shown}")
        return cls(storage, uri=uri)

    async def ensure_reachable(self) -> None:
        """Refuse to go on when the store does not answer (memory always does)."""
        try:
            async with asyncio.timeout(STORE_CHECK_SECONDS):
                answered = await self.storage.check()
        except TimeoutError:
            answered = False
        if not answered:
            raise RateLimitStorageError(
                f"{SETTING}={_redacted(self._uri)}: the rate-limit store did not answer; "
                "start it, or correct the setting"
            )

    @property
    def store_away(self) -> bool:
        """The shared store failed and is not yet known to be back: counts are kept in memory."""
        return self._away_until is not None

    async def store_answers(self) -> bool:
        """For /healthz: the store answers a PING now (memory always does)."""
        try:
            async with asyncio.timeout(STORE_CALL_SECONDS):
                return bool(await self.storage.check())
        except STORE_AWAY:
            return False

    async def hit(self, rule: str, *key: str) -> None:
        """Count one request; refuse it when the rule's budget is spent."""
        if not await self._counted(lambda limiter: limiter.hit(parse(rule), *key)):
            raise TooManyRequests("rate_limited", "Too many requests; please wait a little and try again.")

    async def check(self, rule: str, *key: str) -> None:
        """Refuse when the budget is spent, without counting (failures are counted with `hit`)."""
        if not await self._counted(lambda limiter: limiter.test(parse(rule), *key)):
            raise TooManyRequests("rate_limited", "Too many attempts; please wait a little and try again.")

    async def _counted(self, call: Callable[[MovingWindowRateLimiter], Awaitable[bool]]) -> bool:
        """`call` on the store, or on this process's memory while the store is away."""
        if self._away_until is not None and time.monotonic() < self._away_until:
            return await call(self._fallback)
        try:
            async with asyncio.timeout(STORE_CALL_SECONDS):
                allowed = await call(self._limiter)
        except STORE_AWAY as error:
            if self._away_until is None:
                log.error(
                    "rate-limit store %s went away (%s); counting in this process until it is back",
                    _redacted(self._uri),
                    _redacted(repr(error), self._uri),
                )
            self._away_until = time.monotonic() + STORE_RETRY_SECONDS
            return await call(self._fallback)
        if self._away_until is not None:
            log.warning("rate-limit store %s is back; counting there again", _redacted(self._uri))
            self._away_until = None
        return allowed


async def limiter_for(settings: Settings) -> RateLimiter:
    """The app's limiter, checked. Counts are kept per deployment (namespace and task queue), so that
    deployments sharing one Redis, like those sharing one Temporal namespace, never mix them."""
    limiter = RateLimiter.from_uri(
        settings.rate_limit_storage,
        key_prefix=f"hotline:{settings.temporal_namespace}:{settings.temporal_task_queue}",
    )
    await limiter.ensure_reachable()
    return limiter


def _redacted(text: str, uri: str | None = None) -> str:
    """`text` without the password of `uri` (or of `text` itself, when it is the URI): error messages end
    up in logs."""
    try:
        password = urlsplit(uri if uri is not None else text).password
    except ValueError:  # an unparsable URI (a bad port) still has no password worth hiding in the text
        return text
    return text.replace(password, "***") if password else text
