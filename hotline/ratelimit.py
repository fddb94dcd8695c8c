"""Rate limits (the `limits` library, moving windows). In memory per process by default: enough for one
API process. Several replicas must share their counts, or each would allow the whole budget: point
HOTLINE_RATE_LIMIT_STORAGE at Redis (`async+redis://host:6379/0`; the `limits[async-redis]` extra).

A shared store is checked when the app starts, so that a wrong URI or an unreachable Redis stops the
start-up with a message naming the setting instead of failing the first login.
"""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit

from limits import parse
from limits.aio.storage import MemoryStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.errors import ConfigurationError
from limits.storage import storage_from_string

from hotline.errors import TooManyRequests
from hotline.settings import Settings

LOGIN_FAILURES = "5/15minutes"  # per username and per client address
PUBLIC_REQUESTS = "30/minute"  # per client address, on the no-login endpoints
TRACKING_FAILURES = "10/hour"  # wrong phone digits per tracking code: no guessing the last four

SETTING = "HOTLINE_RATE_LIMIT_STORAGE"
STORE_CHECK_SECONDS = 5.0  # a store that does not answer a PING by then is as good as down


class RateLimitStorageError(RuntimeError):
    """The rate-limit store named by the settings cannot be used; the app must not start."""


class RateLimiter:
    def __init__(self, storage: Storage | None = None, *, uri: str = "async+memory://") -> None:
        self.storage = storage or MemoryStorage()
        self._uri = uri  # for messages only
        self._limiter = MovingWindowRateLimiter(self.storage)

    @classmethod
    def from_uri(cls, uri: str, *, key_prefix: str = "hotline") -> RateLimiter:
        """`async+memory://` or `async+redis://host:6379/0` (the `limits` library's storage URIs).
        `key_prefix` keeps the counts of deployments that share one Redis apart."""
        try:
            storage = storage_from_string(uri, key_prefix=key_prefix)
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

    async def hit(self, rule: str, *key: str) -> None:
        """Count one request; refuse it when the rule's budget is spent."""
        if not await self._limiter.hit(parse(rule), *key):
            raise TooManyRequests("rate_limited", "Too many requests; please wait a little and try again.")

    async def check(self, rule: str, *key: str) -> None:
        """Refuse when the budget is spent, without counting (failures are counted with `hit`)."""
        if not await self._limiter.test(parse(rule), *key):
            raise TooManyRequests("rate_limited", "Too many attempts; please wait a little and try again.")


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
