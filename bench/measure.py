"""Small measuring tools shared by the benchmarks: bounded concurrency, latencies, percentiles."""

from __future__ import annotations

import asyncio
import math
import time
from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0–100): a value that was really measured, never interpolated."""
    if not values:
        raise ValueError("no values to take a percentile of")
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def summary(values: list[float]) -> dict[str, float]:
    """p50, p99 and max in milliseconds, with the count."""
    return {
        "count": len(values),
        "p50_ms": round(percentile(values, 50) * 1000, 1),
        "p99_ms": round(percentile(values, 99) * 1000, 1),
        "max_ms": round(max(values) * 1000, 1),
    }


class Latencies:
    """Wall-clock seconds per named step, as the caller sees them."""

    def __init__(self) -> None:
        self.samples: dict[str, list[float]] = defaultdict(list)

    @asynccontextmanager
    async def timed(self, name: str) -> AsyncIterator[None]:
        start = time.perf_counter()
        yield
        self.samples[name].append(time.perf_counter() - start)

    def summaries(self) -> dict[str, dict[str, float]]:
        return {name: summary(values) for name, values in self.samples.items()}


@dataclass
class Throughput:
    count: int
    seconds: float

    @property
    def per_second(self) -> float:
        return self.count / self.seconds

    def as_dict(self) -> dict[str, float]:
        return {
            "count": self.count,
            "seconds": round(self.seconds, 2),
            "per_second": round(self.per_second, 2),
        }


async def run_bounded(count: int, concurrency: int, job: Callable[[int], Awaitable[None]]) -> Throughput:
    """Run job(0) … job(count-1) with at most `concurrency` in flight; the wall time of them all."""
    numbers = iter(range(count))

    async def lane() -> None:
        for number in numbers:  # one shared iterator: each lane takes the next number when it is free
            await job(number)

    start = time.perf_counter()
    async with asyncio.TaskGroup() as group:
        for _ in range(min(concurrency, count)):
            group.create_task(lane())
    return Throughput(count, time.perf_counter() - start)
