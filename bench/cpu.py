"""CPU time by process over one phase of a benchmark, per item that phase completed.

Throughput on a small machine ends where its cores are full, so "how many cases per second" is best read
beside "how much CPU one case costs, and in which process": the dev server, the case worker, the API,
the trivial workflows' worker and the load generator itself (Linux /proc; PostgreSQL's own processes,
shared with the rest of the machine, are not counted)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

LOAD_GENERATOR = "load generator"


def cpu_seconds(pid: int) -> float:
    """User and system CPU time a running process has used."""
    # Fields after the command's closing parenthesis start at the state (field 3): utime is field 14.
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class CpuMeter:
    """The processes to account for, by name, and this process as the load generator."""

    processes: Mapping[str, int]

    def read(self) -> dict[str, float]:
        own = os.times()
        return {
            **{name: cpu_seconds(pid) for name, pid in self.processes.items()},
            LOAD_GENERATOR: own.user + own.system,
        }


def per_item_ms(before: Mapping[str, float], after: Mapping[str, float], items: int) -> dict[str, float]:
    """Milliseconds of CPU per item in each process, and their total."""
    used = {name: (after[name] - before[name]) * 1000 / items for name in before}
    return {name: round(ms, 1) for name, ms in {**used, "total": sum(used.values())}.items()}
