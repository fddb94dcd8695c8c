"""Lifecycle throughput and latency (issue 8), on the embedded default, in one run on one server.

    .venv/bin/python -m bench.lifecycle [--cases 200] [--concurrency 16] [--engine-workflows 400]
    make bench BENCH_ARGS="--cases 50"

Brings up a fresh stack (bench/stack.py: dev server on SQLite with WAL, read model, `python -m worker`,
the API under uvicorn, the trivial workflows' worker), then measures, with the same concurrency each time:
(a) the engine's ceiling, one-activity workflows per second through the SDK; (c, raw) start_workflow and
execute_update latency on a trivial workflow, and of the intake's own claim (its one durable write)
followed by a start; (e) a standard case's bare shape per second (its workflow
tasks, Updates, timers and activity with nothing else: the most any code for this lifecycle could reach);
(b) standard cases per second through the HTTP API with one
shared httpx client, and (c) the latency of each of their API calls; (d) the history of one closed case,
event by event; and the CPU time each process of the stack spent per item of (a), (b) and (e) (bench/cpu.py).
Prints the ratios against their targets and writes everything to
bench/results/latest.json. The worker and the API run in processes of their own, as `make run` runs them,
so that the load generator does not share their event loop or CPU time slices with them.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from bench import cpu, engine, report, simulated
from bench.history_account import Account, account
from bench.measure import Latencies
from bench.stack import Stack, running_stack
from hotline.db import SessionFactory, WriteTurns, create_engine, session_factory
from hotline.intake import IntakeConfig
from hotline.settings import Settings
from hotline.temporal import connect

MAX_EVENTS_PER_CASE = 40
RATIO_LIMIT = 1.5
THROUGHPUT_RATIO = 0.4
UPDATES_PER_RAW_WORKFLOW = 3  # a standard case's Updates: sign-for, review, visit


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cases", type=int, default=200, help="standard cases through the API (b)")
    parser.add_argument("--concurrency", type=int, default=16, help="cases or workflows in flight, (a)–(c)")
    parser.add_argument("--engine-workflows", type=int, default=400, help="one-activity workflows (a)")
    parser.add_argument("--raw-workflows", type=int, default=200, help="workflows taking Updates (c, raw)")
    parser.add_argument("--warmup", type=int, default=8, help="of each kind first, not counted")
    parser.add_argument("--output", type=Path, default=report.RESULTS / "latest.json")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (logs, databases)")
    parser.add_argument(
        "--postgres",
        metavar="SERVER_URL",
        help="read model in a scratch database on this PostgreSQL server (default: SQLite, as make run)",
    )
    return parser.parse_args(argv)


async def measure(stack: Stack, args: argparse.Namespace) -> dict[str, Any]:
    assert stack.api_url and stack.engine_task_queue
    machine = report.machine()  # before the load: a shared machine's load average shows here
    temporal = await connect(stack.settings)
    queue, lanes = stack.engine_task_queue, args.concurrency
    meter = cpu.CpuMeter(stack.pids())
    limits = httpx.Limits(max_connections=lanes + len(simulated.DEPARTMENTS) + 2)
    async with httpx.AsyncClient(base_url=stack.api_url, timeout=30, limits=limits) as http:
        print(f"warming up ({args.warmup} of each)")
        await engine.ceiling(temporal, queue, count=args.warmup, concurrency=lanes)
        await simulated.lifecycle(http, temporal, count=args.warmup, concurrency=lanes, latencies=Latencies())
        print(f"(a) {args.engine_workflows} one-activity workflows, {lanes} in flight")
        before = meter.read()
        ceiling = await engine.ceiling(temporal, queue, count=args.engine_workflows, concurrency=lanes)
        cpu_per_workflow = cpu.per_item_ms(before, meter.read(), args.engine_workflows)
        print(f"(e) {args.cases} standard cases' bare shapes, {lanes} in flight")
        await engine.case_shape(temporal, queue, count=args.warmup, concurrency=lanes)
        before = meter.read()
        shape = await engine.case_shape(temporal, queue, count=args.cases, concurrency=lanes)
        cpu_per_shape = cpu.per_item_ms(before, meter.read(), args.cases)
        print(f"(c) {args.raw_workflows} trivial workflows taking {UPDATES_PER_RAW_WORKFLOW} Updates each")
        raw = Latencies()
        await engine.raw_latencies(
            temporal,
            queue,
            count=args.raw_workflows,
            concurrency=lanes,
            updates=UPDATES_PER_RAW_WORKFLOW,
            latencies=raw,
        )
        print(f"(c) {args.raw_workflows} intake claims, each followed by a start")
        async with intake_claims(stack.settings) as claims:
            await engine.claimed_starts(
                temporal, queue, claims, count=args.raw_workflows, concurrency=lanes, latencies=raw
            )
        print(f"(b) {args.cases} standard cases through the API, {lanes} in flight")
        api = Latencies()
        before = meter.read()
        lifecycle, closed = await simulated.lifecycle(
            http, temporal, count=args.cases, concurrency=lanes, latencies=api
        )
        cpu_per_case = cpu.per_item_ms(before, meter.read(), args.cases)
    history = await temporal.get_workflow_handle(closed[-1]).fetch_history()
    measured = results(
        args,
        Rates(ceiling.as_dict(), lifecycle.as_dict(), shape.as_dict()),
        raw,
        api,
        account(history),
        closed[-1],
    )
    # CPU by process per one-activity workflow (a), standard case (b) and bare shape (e): where the
    # cores' time goes. With the cores full, a rate is about the cores' time over an item's.
    measured["cpu_ms_per_item"] = {
        "engine_ceiling": cpu_per_workflow,
        "lifecycle": cpu_per_case,
        "case_shape": cpu_per_shape,
    }
    return {"machine": machine, **measured}


@asynccontextmanager
async def intake_claims(settings: Settings) -> AsyncIterator[tuple[SessionFactory, IntakeConfig]]:
    """The read model as the API writes its claims (SQLite writers take turns, per process)."""
    database = create_engine(settings.database_url)
    sessions = session_factory(database)
    config = IntakeConfig(
        task_queue=settings.temporal_task_queue,
        case_number_prefix=settings.case_number_prefix,
        timezone=settings.timezone,
        write_turns=WriteTurns(sessions),
    )
    try:
        yield sessions, config
    finally:
        await database.dispose()


@dataclass(frozen=True)
class Rates:
    ceiling: dict[str, float]  # (a)
    lifecycle: dict[str, float]  # (b)
    shape: dict[str, float]  # (e)


def results(
    args: argparse.Namespace,
    rates: Rates,
    raw: Latencies,
    api: Latencies,
    history: Account,
    case_number: str,
) -> dict[str, Any]:
    raw_p99 = {name: s["p99_ms"] for name, s in raw.summaries().items()}
    api_p99 = {name: s["p99_ms"] for name, s in api.summaries().items()}
    actions = [simulated.SIGN_FOR, simulated.REPLY, simulated.REVIEW, simulated.VISIT]
    ceiling, lifecycle, shape = (
        rates.ceiling["per_second"],
        rates.lifecycle["per_second"],
        rates.shape["per_second"],
    )
    ratios = {
        "lifecycle_per_engine_ceiling": lifecycle / ceiling,
        # The most any code for this lifecycle could reach, and how much of it this code reaches.
        "case_shape_per_engine_ceiling": shape / ceiling,
        "lifecycle_per_case_shape": lifecycle / shape,
        "intake_p99_per_raw_start_p99": api_p99[simulated.INTAKE] / raw_p99[engine.START],
        # The floor of that ratio for an intake that claims its number durably before it starts.
        "claim_and_start_p99_per_raw_start_p99": raw_p99[engine.CLAIMED_START] / raw_p99[engine.START],
        **{f"{a}_p99_per_raw_update_p99": api_p99[a] / raw_p99[engine.UPDATE] for a in actions},
    }
    worst_action = max(actions, key=lambda a: api_p99[a])
    targets = [
        report.Target("(b)/(a) throughput", ratios["lifecycle_per_engine_ceiling"], THROUGHPUT_RATIO, True),
        report.Target(
            "intake p99 / raw start p99", ratios["intake_p99_per_raw_start_p99"], RATIO_LIMIT, False
        ),
        report.Target(
            f"action p99 / raw update p99 ({worst_action})",
            ratios[f"{worst_action}_p99_per_raw_update_p99"],
            RATIO_LIMIT,
            False,
        ),
        report.Target("history events per standard case", history.total, MAX_EVENTS_PER_CASE, False),
    ]
    return {
        # The server's address stays out of the results; which kind of read model is what matters.
        "parameters": {
            **{k: v for k, v in report.parameters(args).items() if k != "postgres"},
            "read_model": "postgresql" if args.postgres else "sqlite",
        },
        "engine_ceiling": rates.ceiling,
        "lifecycle": rates.lifecycle,
        "case_shape": rates.shape,
        "latency_api": api.summaries(),
        "latency_raw": raw.summaries(),
        "history": {"case_number": case_number, **history.as_dict()},
        "ratios": {name: round(value, 3) for name, value in ratios.items()},
        "targets": {t.name: t.as_dict() for t in targets},
        "_targets": targets,
    }


def print_results(results: dict[str, Any]) -> None:
    ceiling, lifecycle = results["engine_ceiling"], results["lifecycle"]
    print(f"\n(a) engine ceiling   {ceiling['per_second']:8.1f} one-activity workflows/s")
    print(f"(b) full lifecycle   {lifecycle['per_second']:8.1f} standard cases/s (intake → closed)")
    shape = results["case_shape"]
    print(f"(e) the case's shape {shape['per_second']:8.1f} bare shapes/s (no read model, no API)")
    print("\n(c) latency, ms")
    rows = [
        (name, "API", s["count"], s["p50_ms"], s["p99_ms"], s["max_ms"])
        for name, s in results["latency_api"].items()
    ]
    rows += [
        (name, "SDK", s["count"], s["p50_ms"], s["p99_ms"], s["max_ms"])
        for name, s in results["latency_raw"].items()
    ]
    print(report.table(rows, ("call", "via", "n", "p50", "p99", "max")))
    history = results["history"]
    print(
        f"\n(d) history of {history['case_number']}: {history['total_events']} events, "
        f"{history['workflow_tasks']} workflow tasks"
    )
    events = [(r["event_type"], r["name"], r["count"], r["why"]) for r in history["by_event"]]
    print(report.table(events, ("event", "from", "n", "why")))
    cpu_ms = results["cpu_ms_per_item"]
    print(
        "\nCPU by process, ms per item: (a) a one-activity workflow, (b) a standard case, (e) its bare shape"
    )
    print("(PostgreSQL's processes are not counted)")
    phases = ("engine_ceiling", "lifecycle", "case_shape")
    names = list(dict.fromkeys(name for phase in phases for name in cpu_ms[phase]))
    cpu_rows = [(name, *(cpu_ms[phase].get(name, "-") for phase in phases)) for name in names]
    print(report.table(cpu_rows, ("process", "(a)", "(b)", "(e)")))
    print("\nRatios")
    for name, value in results["ratios"].items():
        print(f"  {name:<44} {value:>8.2f}")
    print("\nTargets")
    for target in results["_targets"]:
        print(target.line())


async def main_async(args: argparse.Namespace) -> dict[str, Any]:
    async with running_stack(api=True, engine_worker=True, keep=args.keep, postgres=args.postgres) as stack:
        results = await measure(stack, args)
    print_results(results)
    results.pop("_targets")
    print("\nwritten to", report.write(args.output.name, results, args.output.parent))
    return results


def main() -> None:
    asyncio.run(main_async(parse()))


if __name__ == "__main__":
    main()
