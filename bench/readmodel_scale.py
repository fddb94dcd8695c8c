"""Read model at scale (issue 7): a million cases in a fresh PostgreSQL database, then timings.

    .venv/bin/python bench/readmodel_scale.py [--cases 1000000] [--keep] [--explain]
    make bench-readmodel

DATABASE_URL names the server (default: the local test server); the benchmark works in a database of
its own, `bench_readmodel_<random>`, dropped afterwards unless --keep. The data are made by set-based
SQL (INSERT … SELECT over generate_series), never a Python loop of inserts: a year of cases (2025, city
time) with their tasks and timeline events, shaped like a city hotline's (channels, places, categories,
answered at intake, withdrawn, merged, deferred, returned, late, reopened, unreachable …).

It prints, for December 2025 (the last complete month): `metrics.compute` per dimension, the deferred
trend over twelve months, p95 of the case list (`hotline.cases.list_cases`) with common filters, and the
monthly evaluation and monthly report when those modules exist. Target: under 10 s each. It is a
benchmark, not a test: CI does not run it. Figures are recorded in BENCHMARKS.md.
"""

# ruff: noqa: E501  (the SQL below reads better unwrapped)
from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import text
from sqlalchemy.engine import make_url

from hotline import bootstrap, cases, metrics
from hotline.auth import Principal
from hotline.case_filters import CaseFilter, SortKey
from hotline.db import SessionFactory, create_engine, session_factory
from hotline.enums import CaseStatus, Role
from hotline.settings import Settings

DEFAULT_SERVER = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
TZ = "Asia/Shanghai"
START = "2025-01-01 00:00:00+08"  # a year of cases, city time
END = "2026-01-01 00:00:00+08"  # "now" for the data: cases not finished by then are still open
TARGET_SECONDS = 10.0

# One row per case with its random draws: every other table is derived from it by set-based SQL.
STAGE = """
CREATE UNLOGGED TABLE bench_stage AS
SELECT g,
       'BX' || lpad(g::text, 8, '0') AS case_number,
       timestamptz :start + (timestamptz :end - timestamptz :start) * ((g - 1 + random()) / :n) AS received_at,
       random() AS r_kind, random() AS r_place, random() AS r_cat, random() AS r_chan, random() AS r_out,
       random() AS r_days, random() AS r_lead, random() AS r_task, random() AS r_sign, random() AS r_tier
FROM generate_series(1, :n) AS g
"""

# What became of each case: kind (intake 8 %, withdrawn 2 %, merged duplicate 1 %, deferred 1 %,
# handled 88 %), handling hours (skewed: most within days, a tail of weeks), and the derived times.
SHAPE = """
CREATE UNLOGGED TABLE bench_shape AS
SELECT s.*,
       CASE WHEN r_kind < 0.08 THEN 'intake' WHEN r_kind < 0.10 THEN 'withdrawn'
            WHEN r_kind < 0.11 THEN 'merged' WHEN r_kind < 0.12 THEN 'deferred' ELSE 'handled' END AS kind,
       interval '1 hour' * (2 + 420 * r_days * r_days) AS handling,
       CASE WHEN r_tier < 0.1 THEN 1 WHEN r_tier < 0.6 THEN 3 WHEN r_tier < 0.95 THEN 7 ELSE 11 END AS tier,
       st.code AS street_code, st.district_code, c.code AS category_code,
       CASE WHEN r_lead < 0.55 THEN 'street.' || st.code ELSE coalesce(c.sector, 'gov.' || st.district_code)
       END AS lead,
       (ARRAY['hotline','hotline','hotline','hotline','hotline','web','mayor_mailbox','yunguanfu',
              'xiadu_qingjian','shimintong','evening_news','radio_tv','open311'])[1 + floor(r_chan * 13)::int]
         AS channel
FROM bench_stage s
JOIN bench_streets st ON st.i = floor(s.r_place * (SELECT count(*) FROM bench_streets))::int
JOIN bench_cats c ON c.i = floor(s.r_cat * (SELECT count(*) FROM bench_cats))::int
"""

CASES = """
INSERT INTO cases (case_number, tracking_code, channel, appeal_type, status, citizen_name, citizen_phone,
    anonymous, district_code, street_code, address, category_code, tier, title, content,
    lead_department_code, dispatch_mode, due_at, escalation_level, reopen_count, rating, resolved,
    close_reason, merged_into, deferred_until, received_at, updated_at, closed_at, last_event_seq)
SELECT case_number, 'T' || upper(lpad(to_hex(g), 11, '0')), channel,
    CASE WHEN kind = 'intake' THEN 'consultation' WHEN r_out < 0.5 THEN 'help' ELSE 'complaint' END,
    status, '市民', '13800000000', false, district_code, street_code, '某小区' || (g % 500) || '号楼',
    category_code, tier, '群众反映 ' || category_code, '市民来电反映：' || category_code || ' 问题，请尽快处理。',
    CASE WHEN kind = 'intake' THEN NULL ELSE lead END, CASE WHEN kind = 'intake' THEN NULL ELSE 'direct' END,
    CASE WHEN kind = 'intake' THEN NULL ELSE received_at + interval '1 day' * tier END,
    CASE WHEN status = 'handling' AND received_at + interval '1 day' * tier < timestamptz :end
         THEN 1 + floor(r_sign * 3)::int ELSE 0 END,
    CASE WHEN close_reason = 'supervisor_decision' THEN 2 WHEN r_out >= 0.95 AND closed_at IS NOT NULL THEN 1
         ELSE 0 END,
    rating, resolved, close_reason,
    CASE WHEN kind = 'merged' AND g > 1 THEN 'BX' || lpad((g - 1)::text, 8, '0') END,
    CASE WHEN status = 'deferred' THEN received_at + interval '62 days' END,
    received_at, coalesce(closed_at, received_at), closed_at, 5
FROM (
    SELECT x.*,
        CASE WHEN closed_at IS NOT NULL THEN 'closed'
             WHEN kind = 'deferred' THEN 'deferred'
             WHEN received_at + handling < timestamptz :end THEN 'visiting'
             ELSE 'handling' END AS status,
        CASE WHEN closed_at IS NULL OR kind IN ('intake', 'withdrawn') THEN NULL
             WHEN r_out < 0.76 OR r_out >= 0.95 THEN true WHEN r_out < 0.84 THEN false
             WHEN r_out < 0.93 THEN NULL ELSE false END AS resolved,
        CASE WHEN closed_at IS NULL OR kind IN ('intake', 'withdrawn') THEN NULL
             WHEN r_out < 0.62 OR r_out >= 0.95 THEN 'satisfied' WHEN r_out < 0.76 THEN 'basically_satisfied'
             WHEN r_out < 0.84 THEN 'dissatisfied' WHEN r_out < 0.93 THEN NULL ELSE 'dissatisfied' END AS rating,
        CASE WHEN closed_at IS NULL THEN NULL WHEN kind = 'intake' THEN 'resolved_at_intake'
             WHEN kind = 'withdrawn' THEN 'withdrawn' WHEN r_out < 0.84 OR r_out >= 0.95 THEN 'visited'
             WHEN r_out < 0.93 THEN 'unreachable' ELSE 'supervisor_decision' END AS close_reason
    FROM (
        SELECT sh.*,
            CASE WHEN kind = 'intake' THEN received_at + interval '10 minutes'
                 WHEN kind = 'withdrawn' THEN received_at + interval '20 hours'
                 WHEN kind = 'deferred' AND received_at + interval '70 days' + handling < timestamptz :end
                      THEN received_at + interval '70 days' + handling
                 WHEN kind = 'deferred' THEN NULL
                 WHEN received_at + handling + interval '36 hours' < timestamptz :end
                      THEN received_at + handling + interval '36 hours'
            END AS closed_at
        FROM bench_shape sh
    ) AS x
) AS y
"""

# The lead task of every case dispatched (not answered at intake, not a merged duplicate).
LEAD_TASKS = """
INSERT INTO assignments (task_id, case_number, department_code, role, status, assigned_at, due_at,
    signed_at, sign_for_late, overdue, replied_at, reply_text, outcome)
SELECT c.case_number || '-T1', c.case_number, c.lead_department_code, 'lead',
    CASE WHEN c.close_reason = 'withdrawn' OR c.status = 'deferred' THEN 'void'
         WHEN replied IS NOT NULL THEN 'replied' ELSE 'signed' END,
    assigned, assigned + interval '1 day' * c.tier,
    assigned + interval '1 minute' * (150 * s.r_sign), 150 * s.r_sign > 120,
    coalesce(replied > assigned + interval '1 day' * c.tier,
             c.status = 'handling' AND assigned + interval '1 day' * c.tier < timestamptz :end),
    replied, CASE WHEN replied IS NOT NULL THEN '已处理完毕' END, CASE WHEN replied IS NOT NULL THEN 'solved' END
FROM cases c JOIN bench_shape s USING (case_number)
CROSS JOIN LATERAL (SELECT c.received_at + interval '30 minutes' AS assigned) a
CROSS JOIN LATERAL (
    SELECT CASE WHEN s.kind = 'handled' AND c.status IN ('closed', 'visiting')
                     THEN c.received_at + s.handling
                WHEN s.kind = 'deferred' AND c.status = 'closed' THEN c.received_at + interval '70 days' + s.handling
           END AS replied
) r
WHERE s.kind IN ('handled', 'withdrawn', 'deferred')
"""

# An assisting department on a fifth of the handled cases.
ASSISTING_TASKS = """
INSERT INTO assignments (task_id, case_number, department_code, role, status, assigned_at, due_at,
    signed_at, sign_for_late, overdue, replied_at)
SELECT c.case_number || '-T2', c.case_number, 'gov.' || c.district_code, 'assisting',
    CASE WHEN c.status IN ('closed', 'visiting') THEN 'replied' ELSE 'signed' END,
    c.received_at + interval '30 minutes', c.received_at + interval '30 minutes' + interval '1 day' * c.tier,
    c.received_at + interval '50 minutes', false, false,
    CASE WHEN c.status IN ('closed', 'visiting') THEN c.received_at + s.handling * 0.8 END
FROM cases c JOIN bench_shape s USING (case_number)
WHERE s.kind = 'handled' AND s.r_task < 0.2 AND c.lead_department_code <> 'gov.' || c.district_code
"""

# 3 % of handled cases were first sent to a department that returned them (70 % justified).
RETURNED_TASKS = """
INSERT INTO assignments (task_id, case_number, department_code, role, status, assigned_at, due_at,
    signed_at, sign_for_late, overdue, return_reason, return_justified)
SELECT c.case_number || '-T0', c.case_number, 'gov.' || c.district_code, 'lead', 'returned',
    c.received_at + interval '5 minutes', c.received_at + interval '5 minutes' + interval '1 day' * c.tier,
    c.received_at + interval '25 minutes', false, false, '不属本单位职责',
    CASE WHEN s.r_task < 0.965 THEN true ELSE false END
FROM cases c JOIN bench_shape s USING (case_number)
WHERE s.kind = 'handled' AND s.r_task >= 0.95 AND s.r_task < 0.98
"""

EVENTS = """
INSERT INTO case_events (case_number, seq, kind, occurred_at, actor_user, actor_role, summary, data)
SELECT case_number, 1, 'registered', received_at, 'operator', 'dispatcher', '登记', '{}'::json FROM cases
UNION ALL
SELECT case_number, 2, 'dispatched', received_at + interval '30 minutes', 'dispatcher', 'dispatcher', '派单',
       '{}'::json FROM cases WHERE lead_department_code IS NOT NULL
UNION ALL
SELECT c.case_number, 3, 'deferral_ruled', c.received_at + interval '2 days', 'supervisor1', 'supervisor',
       '同意挂账', json_build_object('approve', true, 'target_date', c.received_at + interval '62 days')
FROM cases c JOIN bench_shape s USING (case_number) WHERE s.kind = 'deferred'
UNION ALL
SELECT c.case_number, 4, 'deferral_ended', c.received_at + interval '62 days', 'system', 'system', '恢复办理',
       '{}'::json
FROM cases c JOIN bench_shape s USING (case_number)
WHERE s.kind = 'deferred' AND c.received_at + interval '62 days' < timestamptz :end
UNION ALL
SELECT case_number, 5, 'closed', closed_at, 'system', 'system', '办结', '{}'::json FROM cases
WHERE closed_at IS NOT NULL
"""


async def _fill(sessions: SessionFactory, n: int) -> None:
    # Our own constants, written into the SQL (utility statements such as CREATE TABLE AS take no binds).
    constants = {":start": f"'{START}'", ":end": f"'{END}'", ":n": str(int(n))}
    steps: list[tuple[str, str]] = [
        (
            "helpers",
            "CREATE UNLOGGED TABLE bench_streets AS SELECT (row_number() OVER (ORDER BY code) - 1)::int AS i, "
            "code, district_code FROM streets",
        ),
        (
            "helpers",
            "CREATE UNLOGGED TABLE bench_cats AS SELECT (row_number() OVER (ORDER BY c.code) - 1)::int AS i, "
            "c.code, d.code AS sector FROM categories c LEFT JOIN categories p ON p.code = c.parent_code "
            "LEFT JOIN departments d ON d.code = coalesce(c.sector_department_code, p.sector_department_code) "
            "WHERE c.parent_code IS NOT NULL",
        ),
        ("stage", STAGE),
        ("shape", SHAPE),
        ("cases", CASES),
        (
            "cases",
            "UPDATE cases SET lead_department_code = 'gov.' || district_code WHERE lead_department_code IS NOT "
            "NULL AND lead_department_code NOT IN (SELECT code FROM departments)",
        ),
        ("lead tasks", LEAD_TASKS),
        ("assisting tasks", ASSISTING_TASKS),
        ("returned tasks", RETURNED_TASKS),
        ("events", EVENTS),
        ("clean up", "DROP TABLE bench_stage, bench_shape, bench_streets, bench_cats"),
    ]
    for name, sql in steps:
        started = time.perf_counter()
        for placeholder, value in constants.items():
            sql = sql.replace(placeholder, value)
        async with sessions() as session:
            result = await session.execute(text(sql))
            await session.commit()
        rows = getattr(result, "rowcount", -1)
        print(f"  {name:<16} {rows if rows >= 0 else '':>10} rows  {time.perf_counter() - started:6.1f} s")
    async with sessions() as session:
        connection = await session.connection()
        await connection.exec_driver_sql("COMMIT")
        await connection.exec_driver_sql("VACUUM ANALYZE")


async def _timed(label: str, action: Callable[[], Awaitable[Any]], runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        await action()
        times.append(time.perf_counter() - started)
    best, worst = min(times), max(times)
    verdict = "ok" if worst < TARGET_SECONDS else "OVER TARGET"
    print(f"  {label:<44} best {best:7.3f} s  worst {worst:7.3f} s  {verdict}")
    return worst


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


async def _bench(sessions: SessionFactory, explain: bool) -> None:
    settings = Settings(timezone=TZ)
    december = metrics.Period.month(2025, 12, TZ)
    print("\nmetrics.compute, December 2025 (3 runs each):")
    for dimension in metrics.Dimension:

        async def compute(dimension: metrics.Dimension = dimension) -> Any:
            async with sessions() as session:
                return await metrics.compute(
                    session=session, period=december, dimension=dimension, settings=settings
                )

        await _timed(f"compute({dimension.value})", compute)
    if explain:
        async with sessions() as session:
            statement = metrics._statement(  # benchmark only: the statement compute runs
                "postgresql", december, metrics.Dimension.DEPARTMENT, settings, None
            )
            compiled = statement.compile(session.bind, compile_kwargs={"literal_binds": True})
            plan = await session.execute(text(f"EXPLAIN (ANALYZE, BUFFERS) {compiled}"))
            print("\n".join(row[0] for row in plan))

    async with sessions() as session:
        (city,) = await metrics.compute(
            session=session, period=december, dimension=metrics.Dimension.CITY, settings=settings
        )
    rates = ", ".join(
        f"{name} {getattr(city, name).value:.1%}"
        for name in ("response", "resolution", "satisfaction", "on_time", "reopen", "first_contact")
        if getattr(city, name).value is not None
    )
    print(
        f"  (the city in December: {city.volume:,} cases; {rates}; handling mean "
        f"{city.avg_handling_hours or 0:.0f} h, p90 {city.p90_handling_hours or 0:.0f} h; overdue {city.overdue:,}, "
        f"deferred {city.deferred:,}, returns {city.returns:,} of which unjustified {city.unjustified_returns:,})"
    )

    months = [metrics.Period.month(2025, m, TZ) for m in range(1, 13)]

    async def trend() -> Any:
        async with sessions() as session:
            return await metrics.deferred_trend(session=session, periods=months, settings=settings)

    await _timed("deferred_trend(12 months)", trend)

    print("\ncases.list_cases, 20 runs each, page 1 of 20 with its total:")
    dispatcher = Principal(user_id=1, username="dispatcher", display_name="bench", role=Role.DISPATCHER)
    now = datetime.fromisoformat(END)
    filters = {
        "all, newest first": CaseFilter(),
        "status handling, by due time": CaseFilter(
            status=[CaseStatus.HANDLING], sort=SortKey.DUE_AT, descending=False
        ),
        "district + status closed": CaseFilter(district="chengdong", status=[CaseStatus.CLOSED]),
        "category + received in December": CaseFilter(
            category="water.pipe_burst", received_from=december.since, received_to=december.until
        ),
        "department (any task)": CaseFilter(department="gov.chengxi"),
        "channel + escalated": CaseFilter(channel="web", escalation_min=1),
        "overdue queue": CaseFilter(overdue=True, sort=SortKey.DUE_AT, descending=False),
        "text search": CaseFilter(text="pipe_burst", received_from=december.since),
        "page 50": CaseFilter(page=50),
    }
    for label, case_filter in filters.items():
        times = []
        for _ in range(20):
            started = time.perf_counter()
            async with sessions() as session:
                await cases.list_cases(session=session, principal=dispatcher, case_filter=case_filter)
            times.append(time.perf_counter() - started)
        p95 = _p95(times)
        print(
            f"  {label:<44} p50 {statistics.median(times):7.3f} s  p95 {p95:7.3f} s  "
            f"{'ok' if p95 < TARGET_SECONDS else 'OVER TARGET'}"
        )

    print("\nOther helpers' monthly work, December 2025:")
    try:
        from hotline import evaluation
    except ImportError:
        print("  hotline.evaluation: not there yet")
    else:

        async def evaluate() -> Any:
            async with sessions() as session:
                result = await evaluation.run(
                    session=session, year=2025, month=12, settings=settings, now=now
                )
                await session.commit()
                return result

        await _timed("evaluation.run(2025-12)", evaluate)
    try:
        from hotline import report_builder, report_periods
    except ImportError:
        print("  hotline.report_builder: not there yet")
    else:
        period = report_periods.parse("monthly", "2025-12")

        async def bulletin() -> Any:
            async with sessions() as session:
                return await report_builder.build(session=session, settings=settings, period=period, now=now)

        await _timed("report_builder.build(monthly 2025-12)", bulletin)


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument(
        "--keep", action="store_true", help="keep the database afterwards (its name is printed)"
    )
    parser.add_argument("--database", help="reuse this database, already filled with --keep (no fill)")
    parser.add_argument("--explain", action="store_true", help="print EXPLAIN ANALYZE of a department query")
    args = parser.parse_args()

    server = make_url(os.environ.get("DATABASE_URL") or DEFAULT_SERVER)
    if not server.drivername.startswith("postgresql"):
        raise SystemExit("DATABASE_URL must name a PostgreSQL server")
    name = args.database or f"bench_readmodel_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server.render_as_string(hide_password=False), isolation_level="AUTOCOMMIT")
    url = server.set(database=name).render_as_string(hide_password=False)
    print(f"Read model at scale: {args.cases:,} cases in database {name}")
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}")
    if not args.database:
        async with admin.connect() as connection:
            await connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine = create_engine(url)
    try:
        sessions = session_factory(engine)
        async with sessions() as session:
            print("server:", (await session.execute(text("SELECT version()"))).scalar_one().split(",")[0])
        if not args.database:
            started = time.perf_counter()
            await bootstrap.migrate(url)
            await bootstrap.load_reference_data(sessions)
            print(f"\nFilling (set-based SQL), at {datetime.now(UTC):%H:%M:%S} UTC:")
            await _fill(sessions, args.cases)
            print(f"  filled in {time.perf_counter() - started:.0f} s")
        async with sessions() as session:
            counts = await session.execute(
                text(
                    "SELECT (SELECT count(*) FROM cases), (SELECT count(*) FROM assignments), "
                    "(SELECT count(*) FROM case_events), pg_size_pretty(pg_database_size(current_database()))"
                )
            )
            print("  cases {:,}, tasks {:,}, events {:,}, database {}".format(*counts.one()))
        await _bench(sessions, args.explain)
    finally:
        await engine.dispose()
        if not args.keep and not args.database:
            async with admin.connect() as connection:
                await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            print(f"\ndropped {name}")
        elif args.keep:
            print(f"\nkept {name}: rerun the timings with --database {name}")
        await admin.dispose()


if __name__ == "__main__":
    asyncio.run(main())
