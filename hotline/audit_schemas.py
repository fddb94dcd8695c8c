"""The auditor's timeline as the API and the pages show it, and how an action's or a step's content is
put in short texts — never with the citizen's contact details."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from hotline.contracts import Actor

TEXT = 80
_PRIVATE = ("phone", "citizen")


class TimelineEntry(BaseModel):
    event_id: int
    run: int  # 1 for the first run, 2 after the first continue-as-new …
    time: datetime  # when Temporal recorded it
    # run_started, continued_as_new, run_closed, action, action_failed, step, task_*, activity_*, timer_*
    kind: str
    name: str  # the Update, step kind, activity type or timer purpose
    actor: Actor | None = None
    summary: str = ""
    task_id: str | None = None
    seq: int | None = None  # a step's place in the case's timeline
    occurred_at: datetime | None = None  # a step's own time (a reply's, an intake's receipt)
    notifications: list[str] = Field(default_factory=list)
    fires_at: datetime | None = None  # a timer's moment
    details: dict[str, str] = Field(default_factory=dict)


class RunInfo(BaseModel):
    run_id: str
    started_at: datetime | None


class CaseTimeline(BaseModel):
    case_number: str
    runs: list[RunInfo]
    event_count: int
    entries: list[TimelineEntry]


def text(value: Any) -> str | None:
    if value is None:
        return None
    return str(getattr(value, "value", value))


def details(data: dict[str, Any]) -> dict[str, str]:
    """An action's or a step's fields as short texts, never the citizen's contact details."""
    details = {}
    for key, value in data.items():
        if any(word in key for word in _PRIVATE) or value is None:
            continue
        if isinstance(value, dict) and "lead" in value:
            value = " + ".join([value["lead"], *value.get("assisting", [])])
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        details[key] = text if len(text) <= TEXT else text[: TEXT - 1] + "…"
    return details


def summary(details: dict[str, str]) -> str:
    return "; ".join(f"{key}: {value}" for key, value in details.items())
