"""Log lines: one JSON object per line in production, plain text in development.

A JSON line has time, level, logger, message, the request id and case number when known, and the
workflow/activity ids that the Temporal SDK's loggers attach in the worker. Nothing else from a
record's `extra` is written: a field is added here on purpose, never by accident, so that no citizen's
name, phone, address or appeal text reaches the logs through a stray `extra=`.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any, TextIO

import temporalio.activity
import temporalio.workflow

from hotline.observability import context
from hotline.settings import Settings

PLAIN_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"
# The SDK's keys → ours. A workflow's run id and an activity's workflow run id are the same thing.
_TEMPORAL_FIELDS = {
    "workflow_id": "workflow_id",
    "run_id": "run_id",
    "workflow_run_id": "run_id",
    "workflow_type": "workflow_type",
    "activity_id": "activity_id",
    "activity_type": "activity_type",
    "attempt": "attempt",
    "task_queue": "task_queue",
    "update_name": "update_name",
}
CASE_WORKFLOW = "CaseWorkflow"
_CONTEXT_FIELDS = ("request_id", "case_number")


class ContextFilter(logging.Filter):
    """Stamps the request's ids on the record when it is made, while the request's context is current."""

    def filter(self, record: logging.LogRecord) -> bool:
        current = context.current()
        record.request_id = current.request_id if current else None
        record.case_number = current.case_number if current else None
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key in _CONTEXT_FIELDS:
            if value := getattr(record, key, None):
                line[key] = value
        for key, value in _temporal_fields(record).items():
            line.setdefault(key, value)
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


class PlainFormatter(logging.Formatter):
    """The development format, with the request's ids at the end of the line when there are any."""

    def __init__(self) -> None:
        super().__init__(PLAIN_FORMAT)

    def formatMessage(self, record: logging.LogRecord) -> str:
        text = super().formatMessage(record)
        ids = [f"{key}={value}" for key in _CONTEXT_FIELDS if (value := getattr(record, key, None))]
        return f"{text} [{' '.join(ids)}]" if ids else text


def _temporal_fields(record: logging.LogRecord) -> dict[str, Any]:
    details: dict[str, Any] = {
        **getattr(record, "temporal_workflow", {}),
        **getattr(record, "temporal_activity", {}),
    }
    fields = {ours: details[theirs] for theirs, ours in _TEMPORAL_FIELDS.items() if theirs in details}
    # The case workflow's id is its case number.
    if fields.get("workflow_type") == CASE_WORKFLOW:
        fields["case_number"] = fields["workflow_id"]
    return fields


def handler(json_lines: bool, stream: TextIO | None = None) -> logging.Handler:
    """A handler (stderr unless told) with the context filter and the chosen format."""
    stream_handler = logging.StreamHandler(stream)
    stream_handler.addFilter(ContextFilter())
    stream_handler.setFormatter(JsonFormatter() if json_lines else PlainFormatter())
    return stream_handler


def configure_logging(settings: Settings) -> None:
    """The root logger writes through one handler; uvicorn's loggers go through it too.

    uvicorn's access log is silenced: the request middleware writes one line per request with the route
    template instead of the raw path and query (which can carry a citizen's search text).
    """
    root = logging.getLogger()
    for existing in list(root.handlers):
        root.removeHandler(existing)
    root.addHandler(handler(settings.json_logs))
    root.setLevel(settings.log_level)
    for name in ("uvicorn", "uvicorn.error"):
        uvicorn_logger = logging.getLogger(name)
        uvicorn_logger.handlers.clear()
        uvicorn_logger.propagate = True
    logging.getLogger("uvicorn.access").disabled = True
    if settings.json_logs:
        # The ids are fields of the JSON line; the SDK would otherwise repeat them in the message.
        temporalio.activity.logger.activity_info_on_message = False
        temporalio.workflow.logger.workflow_info_on_message = False
