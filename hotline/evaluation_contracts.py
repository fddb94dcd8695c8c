"""What crosses into Temporal for the monthly evaluation (workflows/evaluation.py)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel


class EvaluationRequest(BaseModel):
    """The month to evaluate; none (the schedule's run): the month before the run started, city time."""

    year: int | None = None
    month: int | None = None
    requested_by: str | None = None


class EvaluateMonth(BaseModel):
    year: int | None = None
    month: int | None = None
    as_of: datetime  # the workflow's start: which month "the previous month" is, on every retry


class EvaluationSummary(BaseModel):
    month: str
    version: int
    departments: int
    ranked: int
    red: list[str] = []
    ten_best: list[str] = []
    ten_worst_candidates: list[str] = []
