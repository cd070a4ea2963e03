"""Sharing windows: the stored text, and when they are open across midnight, weeks and DST changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, strategies as st
import pytest

from custom_components.chargeshare.control.sharing_windows import (
    OpenPeriod,
    SharingWindow,
    Weekday,
    format_windows,
    open_periods,
    parse_windows,
    period_at,
)

BERLIN = ZoneInfo("Europe/Berlin")
WEEKDAYS = frozenset(Weekday) - {Weekday.SAT, Weekday.SUN}


def berlin(text: str, fold: int = 0) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=BERLIN, fold=fold)


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "days", "start", "end", "formatted"),
    [
        ("mon-fri 08:00-18:00", WEEKDAYS, time(8), time(18), "mon-fri 08:00-18:00"),
        ("sat,sun 00:00-24:00", {Weekday.SAT, Weekday.SUN}, time(0), time(0), "sat,sun 00:00-24:00"),
        ("fri 22:00-06:00", {Weekday.FRI}, time(22), time(6), "fri 22:00-06:00"),
        ("  FRI-Mon   8:00 - 9:30 ", {Weekday.FRI, Weekday.SAT, Weekday.SUN, Weekday.MON}, time(8), time(9, 30),
         "mon,fri-sun 08:00-09:30"),
        ("mon,tue,wed,fri 07:15-23:59", frozenset(Weekday) - {Weekday.THU, Weekday.SAT, Weekday.SUN}, time(7, 15),
         time(23, 59), "mon-wed,fri 07:15-23:59"),
        ("sun-sat 22:00-00:00", frozenset(Weekday), time(22), time(0), "mon-sun 22:00-24:00"),
    ],
)  # fmt: skip
def test_text_is_read_and_written_back_in_canonical_form(
    text: str, days: frozenset[Weekday], start: time, end: time, formatted: str
) -> None:
    window = SharingWindow.parse(text)
    assert window == SharingWindow(frozenset(days), start, end)
    assert str(window) == formatted


def test_several_windows_are_separated_by_semicolons() -> None:
    windows = parse_windows("mon-fri 08:00-18:00;sat,sun 10:00-14:00; ")
    assert windows == (SharingWindow(WEEKDAYS, time(8), time(18)), SharingWindow.parse("sat,sun 10:00-14:00"))
    assert format_windows(windows) == "mon-fri 08:00-18:00; sat,sun 10:00-14:00"
    assert parse_windows("  ") == ()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("tue-fri 25:00-18:00", "tue-fri 25:00-18:00: 25:00 is not a time"),
        ("mon 12:60-13:00", "mon 12:60-13:00: 12:60 is not a time"),
        ("mon 8-9", "mon 8-9: 8 is not a time (HH:MM)"),
        ("mon 08:00-", "mon 08:00-: nothing is not a time (HH:MM)"),
        ("mon 24:00-08:00", "mon 24:00-08:00: 24:00 can only end a window"),
        ("mon 08:00-08:00", "mon 08:00-08:00: start equals end; a whole day is 00:00-24:00"),
        ("mon 00:00-00:00", "mon 00:00-00:00: start equals end; a whole day is 00:00-24:00"),
        ("mon 08:00", "mon 08:00: expected days and hours, e.g. 'mon-fri 08:00-18:00'"),
        ("08:00-18:00", "08:00-18:00: expected days and hours, e.g. 'mon-fri 08:00-18:00'"),
        ("mo-fr 08:00-18:00", "mo-fr 08:00-18:00: 'mo' is not a day (mon, tue, wed, thu, fri, sat, sun)"),
        ("mon,,fri 08:00-18:00", "mon,,fri 08:00-18:00: '' is not a day (mon, tue, wed, thu, fri, sat, sun)"),
    ],
)
def test_bad_text_names_the_window_and_the_reason(text: str, message: str) -> None:
    with pytest.raises(ValueError, match="^" + message.replace("(", r"\(").replace(")", r"\)") + "$"):
        parse_windows(f"sat 10:00-11:00; {text}")


@pytest.mark.parametrize(
    ("days", "start", "end", "message"),
    [
        (frozenset(), time(8), time(9), "at least one day"),
        (WEEKDAYS, time(8, 0, 30), time(9), "whole minutes"),
        (WEEKDAYS, time(8), time(9, tzinfo=UTC), "local time"),
        (WEEKDAYS, time(8), time(8), "start equals end"),
    ],
)
def test_windows_that_text_could_not_hold_are_refused(
    days: frozenset[Weekday], start: time, end: time, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        SharingWindow(days, start, end)


@pytest.mark.parametrize(
    ("now", "open_", "change_at"),
    [
        ("2026-06-01 07:59", False, "2026-06-01 08:00"),  # Monday
        ("2026-06-01 08:00", True, "2026-06-01 18:00"),
        ("2026-06-02 12:00", True, "2026-06-02 18:00"),
        ("2026-06-03 17:59", True, "2026-06-03 18:00"),
        ("2026-06-04 18:00", False, "2026-06-05 08:00"),
        ("2026-06-05 12:00", True, "2026-06-05 18:00"),  # Friday
        ("2026-06-05 18:30", False, "2026-06-08 08:00"),  # over the weekend
        ("2026-06-06 12:00", False, "2026-06-08 08:00"),
        ("2026-06-07 23:59", False, "2026-06-08 08:00"),
    ],
)
def test_office_hours_every_weekday(now: str, open_: bool, change_at: str) -> None:
    period = period_at(parse_windows("mon-fri 08:00-18:00"), BERLIN, berlin(now))
    assert (period.start <= berlin(now)) is open_
    assert (period.end if open_ else period.start) == berlin(change_at)


@pytest.mark.parametrize(
    ("windows", "now", "start", "end"),
    [
        # Crossing midnight: Friday night to Saturday morning; the next is a week on.
        ("fri 22:00-06:00", "2026-06-05 21:59", "2026-06-05 22:00", "2026-06-06 06:00"),
        ("fri 22:00-06:00", "2026-06-06 05:59", "2026-06-06 05:59", "2026-06-06 06:00"),
        ("fri 22:00-06:00", "2026-06-06 06:00", "2026-06-12 22:00", "2026-06-13 06:00"),
        ("fri 22:00-06:00", "2026-06-04 23:00", "2026-06-05 22:00", "2026-06-06 06:00"),
        # Whole days run into each other; adjacent and overlapping windows merge.
        ("sat,sun 00:00-24:00", "2026-06-06 00:00", "2026-06-06 00:00", "2026-06-08 00:00"),
        ("mon 08:00-12:00; mon 12:00-14:00; mon 13:00-13:30", "2026-06-01 09:00", "2026-06-01 09:00",
         "2026-06-01 14:00"),
        ("sun 20:00-02:00; mon 01:00-03:00", "2026-06-07 19:00", "2026-06-07 20:00", "2026-06-08 03:00"),
        # Once a week: from just after it to the next week's.
        ("mon 08:00-09:00", "2026-06-01 09:00", "2026-06-08 08:00", "2026-06-08 09:00"),
    ],
)  # fmt: skip
def test_periods_across_midnight_and_weeks(windows: str, now: str, start: str, end: str) -> None:
    assert period_at(parse_windows(windows), BERLIN, berlin(now)) == (berlin(start), berlin(end))


@pytest.mark.parametrize("windows", ["", "mon-sun 00:00-24:00", "mon-sun 12:00-24:00; mon-sun 00:00-12:00"])
def test_windows_that_never_close(windows: str) -> None:
    now = utc("2026-10-25 00:30")  # the first 02:30 of the repeated hour
    assert period_at(parse_windows(windows), BERLIN, now) == (now, None)


@pytest.mark.parametrize(
    ("windows", "now", "start", "end"),
    [
        # Spring, 2026-03-29: 02:00 CET becomes 03:00 CEST (UTC+1 -> UTC+2).
        ("sun 01:00-04:00", "2026-03-29 00:00", "2026-03-29 00:00", "2026-03-29 02:00"),  # 2 h, not 3
        ("sun 02:30-05:00", "2026-03-29 00:00", "2026-03-29 01:30", "2026-03-29 03:00"),  # starts 03:30 CEST
        ("sun 02:00-02:30", "2026-03-29 00:00", "2026-03-29 01:00", "2026-03-29 01:30"),  # 03:00-03:30 CEST
        ("sun 02:30-03:00", "2026-03-29 00:00", "2026-04-05 00:30", "2026-04-05 01:00"),  # not this Sunday
        ("sat 22:00-06:00", "2026-03-28 20:00", "2026-03-28 21:00", "2026-03-29 04:00"),  # 7 h
        # Autumn, 2026-10-25: 03:00 CEST becomes 02:00 CET again (UTC+2 -> UTC+1).
        ("sun 01:00-02:30", "2026-10-24 22:00", "2026-10-24 23:00", "2026-10-25 01:30"),  # to the second 02:30
        ("sun 01:00-02:30", "2026-10-25 01:15", "2026-10-25 01:15", "2026-10-25 01:30"),  # 02:15 CET: still open
        ("sun 02:30-04:00", "2026-10-24 22:00", "2026-10-25 00:30", "2026-10-25 03:00"),  # from the first 02:30
        ("sat 22:00-06:00", "2026-10-24 19:00", "2026-10-24 20:00", "2026-10-25 05:00"),  # 9 h
    ],
)
def test_daylight_saving_changes_in_berlin(windows: str, now: str, start: str, end: str) -> None:
    assert period_at(parse_windows(windows), BERLIN, utc(now)) == (utc(start), utc(end))


def test_open_periods_for_a_calendar_are_clipped_to_the_range() -> None:
    periods = open_periods(
        parse_windows("mon-fri 08:00-18:00; fri 22:00-06:00"), BERLIN, berlin("2026-06-01 12:00"),
        berlin("2026-06-06 03:00"),
    )  # fmt: skip
    assert periods == [
        OpenPeriod(berlin("2026-06-01 12:00"), berlin("2026-06-01 18:00")),
        *(OpenPeriod(berlin(f"2026-06-0{day} 08:00"), berlin(f"2026-06-0{day} 18:00")) for day in range(2, 6)),
        OpenPeriod(berlin("2026-06-05 22:00"), berlin("2026-06-06 03:00")),
    ]
    assert all(period.start.tzinfo is UTC for period in periods)


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        open_periods(parse_windows("mon 08:00-09:00"), BERLIN, datetime(2026, 6, 1), berlin("2026-06-02 00:00"))  # noqa: DTZ001


minutes = st.builds(time, st.integers(0, 23), st.integers(0, 59))


@st.composite
def valid_windows(draw: st.DrawFn) -> SharingWindow:
    start, end = draw(minutes), draw(minutes)
    if start == end:
        start = end = time(0)
    return SharingWindow(draw(st.frozensets(st.sampled_from(Weekday), min_size=1)), start, end)


@given(st.lists(valid_windows(), max_size=4))
def test_text_round_trips(windows: list[SharingWindow]) -> None:
    assert parse_windows(format_windows(windows)) == tuple(windows)


def _open_by_wall_clock(windows: list[SharingWindow], moment: datetime) -> bool:
    """The plain reading of the windows, on days without a DST change."""
    local = moment.astimezone(BERLIN).replace(tzinfo=None)
    for window in windows:
        for day in (local.date() - timedelta(days=1), local.date()):
            start = datetime.combine(day, window.start)
            end = datetime.combine(day if window.start < window.end else day + timedelta(days=1), window.end)
            if Weekday(day.weekday()) in window.days and start <= local < end:
                return True
    return False


# Summer time all along, horizon included: wall clock and instants agree. Hypothesis takes naive bounds.
summer_minutes = st.datetimes(datetime(2026, 4, 2), datetime(2026, 10, 10)).map(  # noqa: DTZ001
    lambda moment: moment.replace(second=0, microsecond=0, tzinfo=BERLIN)
)


@given(st.lists(valid_windows(), min_size=1, max_size=3), summer_minutes)
def test_period_at_agrees_with_the_wall_clock(windows: list[SharingWindow], now: datetime) -> None:
    period = period_at(tuple(windows), BERLIN, now)
    minute = timedelta(minutes=1)
    assert (period.start <= now) is _open_by_wall_clock(windows, now)
    if period.start > now:
        assert period.start - now <= timedelta(days=7)
        assert not _open_by_wall_clock(windows, period.start - minute)
        assert _open_by_wall_clock(windows, period.start)
    if period.end is not None:
        assert _open_by_wall_clock(windows, period.end - minute)
        assert not _open_by_wall_clock(windows, period.end)


def test_weekday_names_are_short_and_lower_case() -> None:
    assert [day.short for day in Weekday] == ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    assert Weekday(date(2026, 3, 29).weekday()) is Weekday.SUN
