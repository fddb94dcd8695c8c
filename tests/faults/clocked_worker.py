"""`python -m tests.faults.clocked_worker`: the case worker process with the tests' fast clock.

The same worker as `python -m worker` (settings from the environment), with the clock activities of
tests/clock.py: a sign-for window of FAULTS_SIGN_FOR_SECONDS seconds, and due times far enough away that
nothing else comes due during a test.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os

import worker
from hotline.settings import get_settings
from tests.clock import fast_clock

SIGN_FOR_SECONDS = "FAULTS_SIGN_FOR_SECONDS"
DAY_SECONDS = 24 * 3600.0


def api_env(sign_for_seconds: float) -> dict[str, str]:
    """The same sign-for window for the API, which fixes a case's terms at intake (from its settings)."""
    minutes = {tier: sign_for_seconds / 60 for tier in (1, 3, 7, 11)}
    return {"HOTLINE_SIGN_FOR_MINUTES": json.dumps(minutes)}


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    clock = fast_clock(
        sign_for_seconds=float(os.environ[SIGN_FOR_SECONDS]),
        due_seconds=DAY_SECONDS,
        escalation_seconds=(DAY_SECONDS, DAY_SECONDS),
        visit_window_seconds=DAY_SECONDS,
    )
    asyncio.run(worker.run(get_settings(), replace_activities=clock))


if __name__ == "__main__":
    main()
