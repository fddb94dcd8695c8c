"""Each report's content on the hand-made week of tests/reports/dataset.py, figures worked out by hand."""

from __future__ import annotations

from datetime import date

import pytest

from hotline import report_builder
from hotline.db import SessionFactory
from hotline.report_content import AnnualReport, DailyReport, MonthlyReport, WeeklyReport
from hotline.report_periods import ReportKind, containing, last_complete, parse
from hotline.settings import Settings
from tests.reports import dataset


def test_periods_are_named_by_local_dates() -> None:
    assert parse("daily", "2009-03-11").key == "2009-03-11"
    week = parse("weekly", "2009-03-11")
    assert (week.key, week.start, week.end) == ("2009-W11", date(2009, 3, 9), date(2009, 3, 16))
    assert parse("weekly", "2009-W11") == week and week.previous().start == date(2009, 3, 2)
    month = parse("monthly", "2009-12")
    assert (month.start, month.end, month.previous().key) == (date(2009, 12, 1), date(2010, 1, 1), "2009-11")
    assert parse("annual", "2009").end == date(2010, 1, 1)
    # The daily schedule fires at 00:30 local on 03-12 (16:30 UTC on 03-11): it reports on 03-11.
    assert last_complete(ReportKind.DAILY, dataset.NOW, "Asia/Shanghai").key == "2009-03-11"
    assert last_complete(ReportKind.MONTHLY, dataset.NOW, "Asia/Shanghai").key == "2009-02"
    assert containing(ReportKind.WEEKLY, date(2009, 3, 15)).start == date(2009, 3, 9)


@pytest.mark.parametrize("text", ["2009-13", "yesterday", "2009-W60"])
def test_a_period_that_does_not_exist_is_refused(text: str) -> None:
    from hotline.errors import Invalid

    with pytest.raises(Invalid):
        parse("monthly" if text != "2009-W60" else "weekly", text)


async def test_the_daily_report(sessions: SessionFactory, settings: Settings) -> None:
    await dataset.load(sessions)
    async with sessions() as session:
        report = await report_builder.build(
            session=session, settings=settings, period=parse("daily", "2009-03-11"), now=dataset.NOW
        )
    assert isinstance(report, DailyReport)
    # Received on local 03-11: A, B (01:00 local) and C (23:59 local); not D (03-10 23:00), not E (03-12).
    assert report.city.volume == 3
    # Tasks assigned that day: A's signed in time, B's signed late → 1 of 2.
    assert (report.city.response.numerator, report.city.response.denominator) == (1, 2)
    # Closed that day: B (resolved, satisfied) and D (not resolved, dissatisfied) → 1 of 2 each.
    assert (report.city.resolution.numerator, report.city.resolution.denominator) == (1, 2)
    assert report.city.satisfaction.value == 0.5
    channels = {row.key: row for row in report.by_channel}
    assert (channels["hotline"].volume, channels["web"].volume) == (2, 1)
    assert (channels["hotline"].resolution.numerator, channels["hotline"].resolution.denominator) == (0, 1)
    assert channels["web"].resolution.value == 1.0
    assert [row.key for row in report.by_channel] == ["hotline", "web"]  # most cases first
    districts = {row.key: row.volume for row in report.by_district}
    assert districts == {"chengxi": 2, "chengdong": 1}
    # Overdue at 00:30 local on 03-12: case A (due 03-11 10:00 UTC) and A's task (due 12:00 UTC).
    assert report.overdue_now.cases == 1
    assert [(c.key, c.count) for c in report.overdue_now.by_department] == [("company.water", 1)]
    assert DailyReport.model_validate_json(report.model_dump_json()) == report  # JSON and back


async def test_the_weekly_analysis_compares_each_figure_with_the_week_before(
    sessions: SessionFactory, settings: Settings
) -> None:
    await dataset.load(sessions)
    async with sessions() as session:
        report = await report_builder.build(
            session=session, settings=settings, period=parse("weekly", "2009-W11"), now=dataset.NOW
        )
    assert isinstance(report, WeeklyReport)
    assert report.period.key == "2009-W11" and report.previous_period.key == "2009-W10"
    changes = {c.figure: c for c in report.changes}
    # This week A–E are received (5), the week before F and G (2): +3, +150 %.
    volume = changes["volume"]
    assert (volume.current, volume.previous, volume.change, volume.relative) == (5, 2, 3, 1.5)
    # Resolution: this week B and D closed, 1 of 2 resolved (0.5); the week before F, 1 of 1 (1.0).
    resolution = changes["resolution"]
    assert (resolution.current, resolution.previous, resolution.change) == (0.5, 1.0, -0.5)
    assert resolution.unit == "rate" and resolution.relative is None
    assert changes["avg_handling_hours"].unit == "hours"
    # Top categories: food.hygiene 3 (A, C, D; none the week before), water.pipe_burst 2 (B, E; F, G before).
    assert [(r.key, r.volume, r.previous_volume, r.change) for r in report.top_categories] == [
        ("food.hygiene", 3, 0, 3),
        ("water.pipe_burst", 2, 2, 0),
    ]
    # Top places: dongguan 3 (A, B, C; F the week before), xiguan 1 (D); E has no street.
    assert [(r.key, r.volume, r.previous_volume) for r in report.top_places] == [
        ("chengdong.dongguan", 3, 1),
        ("chengxi.xiguan", 1, 0),
    ]


async def test_the_monthly_bulletin(sessions: SessionFactory, settings: Settings) -> None:
    await dataset.load(sessions)
    async with sessions() as session:
        report = await report_builder.build(
            session=session, settings=settings, period=parse("monthly", "2009-03"), now=dataset.NOW
        )
    assert isinstance(report, MonthlyReport)
    assert report.city.volume == 7
    departments = {row.key: row for row in report.by_department}
    # company.water's two tasks: A's signed in time, B's late.
    assert departments["company.water"].response.numerator == 1
    assert departments["company.water"].response.denominator == 2
    assert {row.key: row.volume for row in report.by_district} == {"chengdong": 5, "chengxi": 2}


async def test_the_annual_summary_goes_month_by_month(sessions: SessionFactory, settings: Settings) -> None:
    await dataset.load(sessions)
    async with sessions() as session:
        report = await report_builder.build(
            session=session, settings=settings, period=parse("annual", "2009"), now=dataset.NOW
        )
    assert isinstance(report, AnnualReport)
    assert [m.month for m in report.months] == [f"2009-{n:02d}" for n in range(1, 13)]
    assert report.months[2].figures.volume == 7 and report.months[3].figures.volume == 0
    assert report.totals.volume == 7
    assert report.totals.resolution.numerator == 2 and report.totals.resolution.denominator == 3
