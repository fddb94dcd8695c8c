"""Every workflow the worker runs (and the replayer checks)."""

from workflows.archive import ArchiveClosedCases
from workflows.case import CaseWorkflow
from workflows.evaluation import MonthlyEvaluationWorkflow
from workflows.outbox import OutboxDelivery
from workflows.reports import ReportWorkflow

ALL_WORKFLOWS = [CaseWorkflow, OutboxDelivery, ArchiveClosedCases, ReportWorkflow, MonthlyEvaluationWorkflow]
