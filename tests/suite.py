"""The whole suite, as `make test` runs it: `python -m tests.suite [pytest arguments]`.

With only SQLite (no PostgreSQL in DATABASE_URL) it is plain pytest. With PostgreSQL, every test that has
a read model runs on both, and the suite runs as two pytest processes side by side, one per read model
(tests/conftest.py, HOTLINE_TEST_HALF): most of a test's time is waiting on Temporal, timers and
processes, which the other half can use. Each half has its own Temporal dev server and databases, so
neither sees the other's cases. The SQLite half prints as it goes; the PostgreSQL half's output follows
when both are done. The exit status is pytest's when there is one half, and 1 when either half fails.
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
    with tempfile.TemporaryFile(mode="w+", encoding="utf-8") as postgresql_output:
        postgresql = subprocess.Popen(
            command,
            env={**os.environ, "HOTLINE_TEST_HALF": "postgresql"},
            stdout=postgresql_output,
            stderr=subprocess.STDOUT,
        )
        try:
            sqlite_status = subprocess.call(command, env={**os.environ, "HOTLINE_TEST_HALF": "sqlite"})
            postgresql_status = postgresql.wait()
        finally:
            if postgresql.poll() is None:  # interrupted: leave no half running
                postgresql.terminate()
                postgresql.wait()
        postgresql_output.seek(0)
        print("\n======== the PostgreSQL half ========", flush=True)
        sys.stdout.write(postgresql_output.read())
    print(f"\nSQLite half: exit {sqlite_status}; PostgreSQL half: exit {postgresql_status}", flush=True)
    return 0 if sqlite_status == postgresql_status == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
