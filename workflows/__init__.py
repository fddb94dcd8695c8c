"""Workflow definitions. Deterministic code only: see DESIGN.md §4.

The package imports none of its workflows itself: Temporal's sandbox runs a workflow's module afresh
for every case it loads, parent package included, so an eager import here would run every other
workflow's module (and its `workflow.defn` checks) for each case too. `workflows.registry` lists them
for the worker; `from workflows import CaseWorkflow` still works, resolved on first use (PEP 562).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the names' types, for the type checker only
    from workflows.archive import ArchiveClosedCases
    from workflows.case import CaseWorkflow
    from workflows.evaluation import MonthlyEvaluationWorkflow
    from workflows.outbox import OutboxDelivery
    from workflows.reports import ReportWorkflow

__all__ = [
    "ArchiveClosedCases",
    "CaseWorkflow",
    "MonthlyEvaluationWorkflow",
    "OutboxDelivery",
    "ReportWorkflow",
]

_HOMES = {
    "CaseWorkflow": "workflows.case",
    "OutboxDelivery": "workflows.outbox",
    "ArchiveClosedCases": "workflows.archive",
    "ReportWorkflow": "workflows.reports",
    "MonthlyEvaluationWorkflow": "workflows.evaluation",
}


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module 'workflows' has no attribute {name!r}")
    return getattr(importlib.import_module(_HOMES[name]), name)
