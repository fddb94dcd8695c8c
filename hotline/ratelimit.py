"""Rate limits (the `limits` library, moving windows). In memory per process by default: enough for one
API process. Several replicas must share their counts, or each would allow the whole budget: point
HOTLINE_RATE_LIMIT_STORAGE at Redis (`async+redis://host:6379`, with the `coredis` package installed)."""

from __future__ import annotations

from limits import parse
from limits.aio.storage import MemoryStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.storage import storage_from_string

from hotline.errors import TooManyRequests

LOGIN_FAILURES = "5/15minutes"  # per username and per client address
PUBLIC_REQUESTS = "30/minute"  # per client address, on the no-login endpoints
TRACKING_FAILURES = "10/hour"  # wrong phone digits per tracking code: no guessing the last four


class RateLimiter:
    def __init__(self, storage: Storage | None = None) -> None:
        self._limiter = MovingWindowRateLimiter(storage or MemoryStorage())

    @classmethod
    def from_uri(cls, uri: str) -> RateLimiter:
        """`async+memory://` or `async+redis://host:6379/0` (the `limits` library's storage URIs)."""
        storage = storage_from_string(uri)
        if not isinstance(storage, Storage):
            raise ValueError(f"HOTLINE_RATE_LIMIT_STORAGE={uri!r} is not an async storage; use async+{uri}")
        return cls(storage)

    async def hit(self, rule: str, *key: str) -> None:
        """Count one request; refuse it when the rule's budget is spent."""
        if not await self._limiter.hit(parse(rule), *key):
            raise TooManyRequests("rate_limited", "Too many requests; please wait a little and try again.")

    async def check(self, rule: str, *key: str) -> None:
        """Refuse when the budget is spent, without counting (failures are counted with `hit`)."""
        if not await self._limiter.test(parse(rule), *key):
            raise TooManyRequests("rate_limited", "Too many attempts; please wait a little and try again.")
