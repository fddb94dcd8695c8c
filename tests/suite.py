"""The whole suite, as `make test` runs it: `python -m tests.suite [pytest arguments]`.

With only SQLite (no PostgreSQL in DATABASE_URL) it is plain pytest. With PostgreSQL, every test that has
a read model runs on both, and the suite runs as two pytest processes side by side, one per read model
(tests/conftest.py, HOTLINE_TEST_HALF): most of a test's time is waiting on Temporal, timers and
processes, which the other half can use. Each half has its own Temporal dev server and databases, so
neither sees the other's cases. Then the fault tests run alone: they kill and restart processes against
deadlines, and on two cores they should not share them with a browser. The SQLite half prints as it
goes, the PostgreSQL half's output when both are done, then the fault tests. The exit status is
pytest's when there is one run, and 1 when any part fails.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile

HALVES = ("sqlite", "postgresql")


def main(arguments: list[str]) -> int:
    command = [sys.executable, "-m", "pytest", *arguments]
    if not os.environ.get("DATABASE_URL", "").startswith("postgresql"):
        return subprocess.call(command)
    sqlite_status, postgresql_status = _halves(command)
    print("\n======== the fault tests ========", flush=True)
    faults_status = _call(command, "faults")
    print(
        f"\nSQLite half: exit {sqlite_status}; PostgreSQL half: exit {postgresql_status}; "
        f"fault tests: exit {faults_status}",
        flush=True,
    )
    return 0 if sqlite_status == postgresql_status == faults_status == 0 else 1


def _halves(command: list[str]) -> tuple[int, int]:
    with tempfile.TemporaryFile(mode="w+", encoding="utf-8") as postgresql_output:
        postgresql = subprocess.Popen(
            command, env=_env("postgresql"), stdout=postgresql_output, stderr=subprocess.STDOUT
        )
        try:
            sqlite_status = _call(command, "sqlite")
            postgresql_status = postgresql.wait()
        finally:
            if postgresql.poll() is None:  # interrupted: leave no half running
                postgresql.terminate()
                postgresql.wait()
        postgresql_output.seek(0)
        print("\n======== the PostgreSQL half ========", flush=True)
        sys.stdout.write(postgresql_output.read())
    return sqlite_status, postgresql_status


def _call(command: list[str], half: str) -> int:
    return subprocess.call(command, env=_env(half))


def _env(half: str) -> dict[str, str]:
    return {**os.environ, "HOTLINE_TEST_HALF": half}


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
