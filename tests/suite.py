"""The whole suite, as `make test` runs it: `python -m tests.suite [pytest arguments]`.

With only SQLite (no PostgreSQL in DATABASE_URL) it is plain pytest. With PostgreSQL, every test that has
a read model runs on both, and the suite runs as two pytest processes side by side, one per read model
(tests/conftest.py, HOTLINE_TEST_HALF): most of a test's time is waiting on Temporal, timers and
processes, which the other half can use. Each half has its own Temporal dev server and databases, so
neither sees the other's cases. The fault tests start when the first half is done: they kill and restart
processes against deadlines, and on two cores they should not share them with two halves and a browser.
The SQLite half prints as it goes, the PostgreSQL half and the fault tests when all are done. The exit
status is pytest's when there is one run, and 1 when any part fails (a part the arguments leave
without tests does not).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from typing import IO

# pytest's exit status when a run selected no test: a part that PYTEST_ARGS leaves empty.
NO_TESTS = 5


def main(arguments: list[str]) -> int:
    command = [sys.executable, "-m", "pytest", *arguments]
    if not os.environ.get("DATABASE_URL", "").startswith("postgresql"):
        return subprocess.call(command)
    with (
        tempfile.TemporaryFile(mode="w+", encoding="utf-8") as postgresql_output,
        tempfile.TemporaryFile(mode="w+", encoding="utf-8") as faults_output,
    ):
        statuses = _run(command, postgresql_output, faults_output)
        for title, output in (("the PostgreSQL half", postgresql_output), ("the fault tests", faults_output)):
            output.seek(0)
            print(f"\n======== {title} ========", flush=True)
            sys.stdout.write(output.read())
    print("\n" + "; ".join(f"{part}: exit {status}" for part, status in statuses.items()), flush=True)
    if all(status == NO_TESTS for status in statuses.values()):
        return NO_TESTS
    return 0 if all(status in (0, NO_TESTS) for status in statuses.values()) else 1


def _run(command: list[str], postgresql_output: IO[str], faults_output: IO[str]) -> dict[str, int]:
    """The halves side by side; the fault tests start as soon as the first half is done."""
    running = {
        "SQLite half": subprocess.Popen(command, env=_env("sqlite")),
        "PostgreSQL half": subprocess.Popen(
            command, env=_env("postgresql"), stdout=postgresql_output, stderr=subprocess.STDOUT
        ),
    }
    try:
        while all(process.poll() is None for process in running.values()):
            time.sleep(1)
        running["fault tests"] = subprocess.Popen(
            command, env=_env("faults"), stdout=faults_output, stderr=subprocess.STDOUT
        )
        return {part: process.wait() for part, process in running.items()}
    finally:
        for process in running.values():  # interrupted: leave nothing running
            if process.poll() is None:
                process.terminate()
                process.wait()


def _env(half: str) -> dict[str, str]:
    return {**os.environ, "HOTLINE_TEST_HALF": half}


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
