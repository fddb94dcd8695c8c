"""Due times from tiers: natural days, and working days that skip statutory holidays and weekends but
count make-up workdays (调休)."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from activities.deadlines import DeadlineActivities
from hotline.calendar import CalendarKind, add_working_days, due_at, is_working_day
from hotline.contracts import DueTimeRequest
from hotline.settings import Settings

XINING = ZoneInfo("Asia/Shanghai")


def local(year: int, month: int, day: int, hour: int = 10) -> datetime:
    return datetime(year, month, day, hour, tzinfo=XINING)


def test_natural_days_count_every_day() -> None:
    start = local(2026, 9, 30)
    assert due_at(start, 1, CalendarKind.NATURAL, XINING) == start + timedelta(days=1)


def test_working_days_skip_the_national_day_holiday() -> None:
    # 2026-10-01..07 is the National Day holiday; the 30th of September is a Wednesday.
    assert not is_working_day(local(2026, 10, 1).date())
    assert add_working_days(local(2026, 9, 30), 1, XINING) == local(2026, 10, 8)


def test_a_make_up_workday_on_a_saturday_counts() -> None:
    # Saturday 2026-10-10 is a make-up workday (调休上班).
    assert is_working_day(local(2026, 10, 10).date())
    assert add_working_days(local(2026, 10, 9), 1, XINING) == local(2026, 10, 10)


def test_an_appeal_on_a_sunday_starts_counting_on_monday() -> None:
    assert add_working_days(local(2026, 11, 29), 3, XINING) == local(2026, 12, 2)


def test_the_due_time_keeps_utc_whatever_the_local_zone() -> None:
    start = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)  # Friday 10:00 in Xining
    assert add_working_days(start, 1, XINING) == datetime(2026, 11, 30, 2, 0, tzinfo=UTC)


def test_years_beyond_the_holiday_table_fall_back_to_weekdays() -> None:
    assert is_working_day(datetime(2099, 6, 1).date())  # a Monday
    assert not is_working_day(datetime(2099, 6, 6).date())  # a Saturday


async def test_the_activity_uses_the_tier_calendar_from_settings() -> None:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    activities = DeadlineActivities(settings)
    friday = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)
    one_day = await activities.compute_due_at(DueTimeRequest(start=friday, tier=1))
    three_days = await activities.compute_due_at(DueTimeRequest(start=friday, tier=3))
    assert one_day == friday + timedelta(days=1)  # tier 1 runs on natural days
    assert three_days == datetime(2026, 12, 2, 2, 0, tzinfo=UTC)  # Mon, Tue, Wed


async def test_the_policy_comes_from_settings() -> None:
    settings = Settings(escalation_hours=[2.0, 6.0], reopen_limit=1, _env_file=None)  # type: ignore[call-arg]
    policy = await DeadlineActivities(settings).case_policy()
    assert policy.escalation_delays == [timedelta(hours=2), timedelta(hours=6)]
    assert policy.reopen_limit == 1
    assert policy.sign_for_window(1) == timedelta(minutes=30)
