"""Open cases at scale (issue 8): many cases open at once, each with its department task open and its
clock's timers live (sign-for window, warning), on a dev server; the worker's memory and timer lateness.

    .venv/bin/python -m bench.open_cases [--cases 10000] [--probes 100] [--sign-for-seconds 60]
    make bench-open-cases BENCH_ARGS="--cases 1000"

The cases are started through the SDK (bench/filling.py), tier 7: their sign-for window (2 h) and
warning (days) stay live for the whole run. The worker (`python -m worker`, its own process) runs with
tier 1's sign-for window shortened to --sign-for-seconds through HOTLINE_SIGN_FOR_MINUTES, exactly as an
operator sets it; once every case is open, --probes tier-1 cases are started evenly over --probe-spread
seconds, so a known set of timers comes due at known moments (assigned_at + window) while the rest stay
open. Lateness is read back two ways: when Temporal fired the timer (TIMER_FIRED in each history) and
when the case acted on it (its `sign_for_late` timeline event in the read model).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from temporalio.api.enums.v1 import EventType
from temporalio.client import Client

from bench import filling, report
from bench.measure import summary
from bench.stack import rss_bytes, running_stack
from hotline.db import SessionFactory, create_engine, session_factory
from hotline.temporal import connect

WARMUP_CASES = 20
SDK_DEFAULT_CACHED_WORKFLOWS = 1000  # worker.py keeps temporalio's default max_cached_workflows
FIRING_GRACE_SECONDS = 180.0
MB = 1024 * 1024


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cases", type=int, default=10_000, help="open cases to hold")
    parser.add_argument("--probes", type=int, default=100, help="cases whose sign-for timer fires in the run")
    parser.add_argument("--sign-for-seconds", type=float, default=60.0, help="the probes' sign-for window")
    parser.add_argument("--probe-spread", type=float, default=30.0, help="seconds over which probes start")
    parser.add_argument("--backlog", type=int, default=64, help="cases started ahead of the worker")
    parser.add_argument("--output", type=Path, default=report.RESULTS / "open_cases.json")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (logs, databases)")
    return parser.parse_args(argv)


def worker_settings(sign_for_seconds: float) -> dict[str, str]:
    """Tier 1 gets the short window; the tiers the filler uses keep the city's two hours."""
    minutes = {1: sign_for_seconds / 60, 3: 120.0, 7: 120.0, 11: 120.0}
    return {"HOTLINE_SIGN_FOR_MINUTES": json.dumps(minutes)}


async def start_probes(client: Client, task_queue: str, numbers: list[str], spread: float) -> None:
    for number in numbers:
        await filling.start(client, task_queue, number, tier=1)
        await asyncio.sleep(spread / len(numbers))


async def wait_for_firings(
    sessions: SessionFactory, numbers: list[str], within: float
) -> dict[str, datetime]:
    deadline = time.monotonic() + within
    while True:
        acted = await filling.sign_for_late(sessions, numbers)
        if len(acted) == len(numbers) or time.monotonic() > deadline:
            return acted
        await asyncio.sleep(1.0)


async def timer_fired(client: Client, number: str) -> datetime | None:
    """The first timer the case saw fire: the sign-for window's (the warning's is days away)."""
    history = await client.get_workflow_handle(number).fetch_history()
    for event in history.events:
        if event.event_type == EventType.EVENT_TYPE_TIMER_FIRED:
            return (
                event.event_time.ToDatetime().replace(tzinfo=datetime.now().astimezone().tzinfo).astimezone()
            )
    return None


def lateness(due: dict[str, datetime], happened: dict[str, datetime | None]) -> dict[str, float]:
    late = [(at - due[n]).total_seconds() for n, at in happened.items() if at is not None and n in due]
    return {**summary(late), "missing": len(due) - len(late)} if late else {"count": 0, "missing": len(due)}


async def measure(args: argparse.Namespace) -> dict[str, Any]:
    window = timedelta(seconds=args.sign_for_seconds)
    machine = report.machine()  # before the load: a shared machine's load average shows here
    env = worker_settings(args.sign_for_seconds)
    async with running_stack(api=False, engine_worker=False, worker_env=env, keep=args.keep) as stack:
        settings = stack.settings
        client, engine = await connect(settings), create_engine(settings.database_url)
        sessions, queue = session_factory(engine), settings.temporal_task_queue
        try:
            print(f"warming up ({WARMUP_CASES} cases)")
            await filling.fill(client, sessions, queue, prefix="BW", count=WARMUP_CASES, tier=7, backlog=50)
            rss = {"worker_before": rss_bytes(stack.worker), "server_before": rss_bytes(stack.server)}
            print(f"filling {args.cases} open cases")
            fill_seconds = await filling.fill(
                client, sessions, queue, prefix="BO", count=args.cases, tier=7, backlog=args.backlog
            )
            rss |= {"worker_open": rss_bytes(stack.worker), "server_open": rss_bytes(stack.server)}
            probes = [f"BP{n:06d}" for n in range(args.probes)]
            print(f"{args.probes} probe cases over {args.probe_spread:.0f} s, sign-for window {window}")
            await start_probes(client, queue, probes, args.probe_spread)
            within = args.sign_for_seconds + args.probe_spread + FIRING_GRACE_SECONDS
            acted = await wait_for_firings(sessions, probes, within)
            rss |= {
                "worker_after_firing": rss_bytes(stack.worker),
                "server_after_firing": rss_bytes(stack.server),
            }
            due = {n: at + window for n, at in (await filling.assigned_at(sessions, probes)).items()}
            fired = dict(
                zip(probes, await asyncio.gather(*(timer_fired(client, n) for n in probes)), strict=True)
            )
        finally:
            await engine.dispose()
    per_case = (rss["worker_open"] - rss["worker_before"]) / args.cases
    return {
        "machine": machine,
        "parameters": report.parameters(args),
        "open_cases": args.cases + WARMUP_CASES,
        "fill": {"seconds": round(fill_seconds, 1), "cases_per_second": round(args.cases / fill_seconds, 1)},
        "worker_cached_workflows_limit": SDK_DEFAULT_CACHED_WORKFLOWS,
        "rss_mb": {k: round(v / MB, 1) for k, v in rss.items()},
        "worker_rss_kb_per_open_case": round(per_case / 1024, 2),
        "timer_lateness_fired": lateness(due, fired),
        "timer_lateness_acted": lateness(due, dict(acted)),
    }


def print_results(results: dict[str, Any]) -> None:
    fill, rss = results["fill"], results["rss_mb"]
    print(f"\n{results['open_cases']} open cases, each with its task open and 2 live timers")
    print(f"  filled in {fill['seconds']} s ({fill['cases_per_second']} cases/s)")
    print(f"  worker RSS  before {rss['worker_before']} MB → open {rss['worker_open']} MB → after firing "
          f"{rss['worker_after_firing']} MB; {results['worker_rss_kb_per_open_case']} KB per open case "
          f"(workflow cache limit {results['worker_cached_workflows_limit']})")  # fmt: skip
    print(f"  dev server RSS  before {rss['server_before']} MB → open {rss['server_open']} MB → after firing "
          f"{rss['server_after_firing']} MB")  # fmt: skip
    for what, key in (
        ("fired by Temporal", "timer_lateness_fired"),
        ("acted on by the case", "timer_lateness_acted"),
    ):
        late = results[key]
        if late["count"]:
            print(f"  timer lateness, {what:<21} n={late['count']:<4} p50 {late['p50_ms']} ms  "
                  f"p99 {late['p99_ms']} ms  max {late['max_ms']} ms  missing {late['missing']}")  # fmt: skip
        else:
            print(f"  timer lateness, {what}: none fired ({late['missing']} missing)")


async def main_async(args: argparse.Namespace) -> dict[str, Any]:
    results = await measure(args)
    print_results(results)
    print("\nwritten to", report.write(args.output.name, results, args.output.parent))
    return results


def main() -> None:
    asyncio.run(main_async(parse()))


if __name__ == "__main__":
    main()
