"""What a log line knows about the request it belongs to: its request id and, once known, its case.

One mutable holder per request in a context variable: the case number bound deep inside a service is
then seen by the middleware's closing line too, even across the task and thread boundaries that copy
contexts (copies share the holder).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

# Task and order ids are the case number with a suffix: XN20261126-000123-T1, …-O2.
_CHILD_ID = re.compile(r"^(?P<case>.+)-[TO]\d+$")


@dataclass
class LogContext:
    request_id: str
    case_number: str | None = None


_current: ContextVar[LogContext | None] = ContextVar("hotline_log_context", default=None)


def current() -> LogContext | None:
    return _current.get()


@contextmanager
def request_scope(request_id: str) -> Iterator[LogContext]:
    context = LogContext(request_id=request_id)
    token = _current.set(context)
    try:
        yield context
    finally:
        _current.reset(token)


@contextmanager
def resumed(context: LogContext | None) -> Iterator[None]:
    """Lines logged after the request's own scope ended still carry it: Starlette's outermost error
    handler runs there, outside every middleware."""
    token = _current.set(context)
    try:
        yield
    finally:
        _current.reset(token)


def bind_case_number(case_number: str) -> None:
    """Name the case this request is about; outside a request (worker, CLI) it does nothing."""
    context = _current.get()
    if context is not None:
        context.case_number = case_number


def case_number_from_path(path_params: Mapping[str, str]) -> str | None:
    if case_number := path_params.get("case_number"):
        return case_number
    for key in ("task_id", "order_id"):
        if (value := path_params.get(key)) and (match := _CHILD_ID.match(value)):
            return match.group("case")
    return None
