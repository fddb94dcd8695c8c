"""Workflow definitions. Deterministic code only: see DESIGN.md §4."""

from workflows.case import CaseWorkflow

ALL_WORKFLOWS = [CaseWorkflow]
