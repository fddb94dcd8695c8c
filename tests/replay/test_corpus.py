"""The replay corpus: every recorded lifecycle path (tests/histories/, recorded by `python -m
tests.replay.record`) replays against the current workflow code. A failure here means a workflow change
would break cases already running: guard it with `workflow.patched` (docs/versioning.md)."""

from pathlib import Path

import pytest
from temporalio.api.enums.v1 import EventType

from hotline.replay import history_files, load_history, replay_histories

HISTORIES = Path(__file__).resolve().parent.parent / "histories"

# The lifecycle paths the corpus must cover (docs/versioning.md); a file may hold more than these.
REQUIRED = {
    "standard_closed_satisfied",
    "return_unjustified_then_replied",
    "return_justified_rerouted",
    "extension_approved",
    "reopened_after_dissatisfaction",
    "awaiting_decision_supervisor_closes",
    "deferral_approved_and_ended",
    "merged_duplicate",
    "withdrawn_by_citizen",
    "consultation_answered_at_intake",
    "visit_unreachable",
    "overdue_with_escalation",
    "urge_and_order_answered",
    "continued_as_new",
}


# The histories of each patched change and of each generation, recorded by the code that introduced it
# (docs/versioning.md), each in a directory of its own.
CHANGES = {
    "one-write-per-task": REQUIRED | {"dispatched_at_intake"},
    "generation-2": REQUIRED | {"dispatched_at_intake"},
}


def _stems(directory: Path) -> set[str]:
    return {path.name.split(".")[0] for path in directory.glob("*.json")}


def test_the_corpus_has_every_lifecycle_path() -> None:
    assert _stems(HISTORIES) >= REQUIRED, sorted(REQUIRED - _stems(HISTORIES))


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_the_corpus_has_every_lifecycle_path_after_each_change(change: str) -> None:
    stems = _stems(HISTORIES / change)
    assert stems >= CHANGES[change], sorted(CHANGES[change] - stems)


async def test_every_recorded_history_replays_with_the_current_code() -> None:
    files = history_files(HISTORIES)
    results = await replay_histories([(load_history(path), path.name) for path in files])
    assert len(results) == len(files)
    failures = [result.describe() for result in results if not result.ok]
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize(
    ("path", "last_event"),
    [
        ("standard_closed_satisfied", EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED),
        ("continued_as_new.run1", EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW),
        ("continued_as_new.run2", EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED),
    ],
)
def test_corpus_files_are_whole_runs_named_by_their_case(path: str, last_event: int) -> None:
    history = load_history(HISTORIES / f"{path}.json")
    assert history.workflow_id == f"REPLAY-{path.split('.')[0]}".upper().replace("_", "-")
    assert history.events[0].event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED
    assert history.events[-1].event_type == last_event
