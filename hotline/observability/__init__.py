"""Observability: structured logs, Prometheus metrics and OpenTelemetry traces (docs/observability.md).

Everything here is set up at the edges (the app factory, the worker's `run`), never at import time.
"""
