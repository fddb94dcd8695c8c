"""The Temporal SDK's own metrics (requests, polls, workflow and activity task latencies …).

The worker serves them itself: the SDK core's Prometheus exporter on HOTLINE_WORKER_METRICS_ADDRESS, no
Python in the path, no HTTP server of ours in a process that has none. The API process already serves
HTTP, so its client's metrics go into the SDK's metric buffer and out through the app's own /metrics,
beside the app's metrics and behind the same access rule, and API replicas never fight over a port.
Both use Prometheus conventions (counters end in _total, durations in seconds) so a dashboard reads
the same names from either.
"""

from __future__ import annotations

import asyncio
import bisect
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from prometheus_client.core import Metric
from temporalio.runtime import (
    BUFFERED_METRIC_KIND_COUNTER,
    BUFFERED_METRIC_KIND_HISTOGRAM,
    BufferedMetricUpdate,
    MetricBuffer,
    MetricBufferDurationFormat,
    PrometheusConfig,
    Runtime,
    TelemetryConfig,
)

from hotline.settings import Settings

# Seconds: from a quick RPC to a long poll that the server holds for up to a minute.
DURATION_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0)
# Updates kept between drains. The API drains every few seconds and at each scrape; a busy API makes a
# few hundred client calls a second, so this leaves a wide margin before the SDK drops any.
BUFFER_SIZE = 100_000
DRAIN_SECONDS = 2.0


def worker_runtime(settings: Settings) -> Runtime | None:
    """A runtime whose core serves Prometheus on the configured address; None when it is empty."""
    if not settings.worker_metrics_address:
        return None
    return Runtime(
        telemetry=TelemetryConfig(
            metrics=PrometheusConfig(
                bind_address=settings.worker_metrics_address,
                counters_total_suffix=True,
                durations_as_seconds=True,
            )
        )
    )


Labels = frozenset[tuple[str, str]]


@dataclass
class _Histogram:
    buckets: list[int] = field(default_factory=lambda: [0] * len(DURATION_BUCKETS))
    count: int = 0
    total: float = 0.0

    def observe(self, value: float) -> None:
        index = bisect.bisect_left(DURATION_BUCKETS, value)
        if index < len(DURATION_BUCKETS):
            self.buckets[index] += 1
        self.count += 1
        self.total += value


@dataclass
class _Family:
    name: str
    description: str
    kind: int
    values: dict[Labels, float] = field(default_factory=dict)
    histograms: dict[Labels, _Histogram] = field(default_factory=dict)

    def apply(self, labels: Labels, value: float) -> None:
        if self.kind == BUFFERED_METRIC_KIND_COUNTER:
            self.values[labels] = self.values.get(labels, 0) + value
        elif self.kind == BUFFERED_METRIC_KIND_HISTOGRAM:
            self.histograms.setdefault(labels, _Histogram()).observe(value)
        else:
            self.values[labels] = value

    def metric(self) -> Metric:
        if self.kind == BUFFERED_METRIC_KIND_HISTOGRAM:
            return self._histogram_metric()
        typ = "counter" if self.kind == BUFFERED_METRIC_KIND_COUNTER else "gauge"
        metric = Metric(self.name, self.description, typ)
        suffix = "_total" if typ == "counter" else ""
        for labels, value in self.values.items():
            metric.add_sample(self.name + suffix, dict(labels), value)
        return metric

    def _histogram_metric(self) -> Metric:
        metric = Metric(self.name, self.description, "histogram")
        for labels, histogram in self.histograms.items():
            cumulative = 0
            for bound, in_bucket in zip(DURATION_BUCKETS, histogram.buckets, strict=True):
                cumulative += in_bucket
                metric.add_sample(f"{self.name}_bucket", {**dict(labels), "le": str(bound)}, cumulative)
            metric.add_sample(f"{self.name}_bucket", {**dict(labels), "le": "+Inf"}, histogram.count)
            metric.add_sample(f"{self.name}_count", dict(labels), histogram.count)
            metric.add_sample(f"{self.name}_sum", dict(labels), histogram.total)
        return metric


class ClientMetrics:
    """A runtime for the API's Temporal client whose metrics are collected into Prometheus families.

    The SDK hands over deltas (counters) and single observations (histograms); this keeps the running
    totals. Label sets may differ within one metric (GetSystemInfo has no namespace), which Prometheus
    allows. Drained on the event loop only, so it needs no lock.
    """

    def __init__(self, buffer_size: int = BUFFER_SIZE) -> None:
        self._buffer = MetricBuffer(buffer_size, MetricBufferDurationFormat.SECONDS)
        self.runtime = Runtime(telemetry=TelemetryConfig(metrics=self._buffer))
        self._families: dict[str, _Family] = {}

    def drain(self) -> None:
        for update in self._buffer.retrieve_updates():
            self._apply(update)

    def collect(self) -> Iterator[Metric]:
        self.drain()
        for family in self._families.values():
            yield family.metric()

    def _apply(self, update: BufferedMetricUpdate) -> None:
        metric = update.metric
        family = self._families.get(metric.name)
        if family is None:
            family = _Family(metric.name, metric.description or metric.name, metric.kind)
            self._families[metric.name] = family
        family.apply(_labels(update.attributes), float(update.value))


def _labels(attributes: Mapping[str, object]) -> Labels:
    return frozenset((key, str(value)) for key, value in attributes.items())


async def drain_periodically(metrics: ClientMetrics, interval_seconds: float = DRAIN_SECONDS) -> None:
    """Keep the buffer short between scrapes (the SDK drops updates when it is full)."""
    while True:
        await asyncio.sleep(interval_seconds)
        metrics.drain()
