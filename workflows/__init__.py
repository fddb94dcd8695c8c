"""Workflow definitions. Deterministic code only: see DESIGN.md §4."""

from workflows.archive import ArchiveClosedCases
from workflows.case import CaseWorkflow
from workflows.outbox import OutboxDelivery

ALL_WORKFLOWS = [CaseWorkflow, OutboxDelivery, ArchiveClosedCases]
