"""A listing is open for a span only when its weekly windows and dated exceptions cover all of it, in its own zone."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from chargeshare_hub.listings.opening import open_throughout
from chargeshare_hub.listings.tables import ExceptionalPeriod, RegularHours

BERLIN = "Europe/Berlin"
UTC = ZoneInfo("UTC")


def at(text: str, zone: str = BERLIN) -> datetime:
    """A local wall-clock time as an aware UTC moment."""
    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(zone)).astimezone(UTC)


def weekly(weekday: int, begin: str, end: str) -> RegularHours:
    return RegularHours(weekday=weekday, period_begin=begin, period_end=end)


def dated(is_opening: bool, begin: str, end: str) -> ExceptionalPeriod:
    return ExceptionalPeriod(is_opening=is_opening, period_begin=at(begin), period_end=at(end))


EVENINGS = [weekly(day, "18:00", "22:00") for day in range(1, 6)]  # Monday to Friday
OVERNIGHT = [weekly(1, "18:00", "24:00"), weekly(2, "00:00", "08:00")]


@pytest.mark.parametrize(
    ("case", "regular", "start", "end", "expected"),
    [
        ("inside a weekday window", EVENINGS, "2026-11-23T18:30", "2026-11-23T21:00", True),
        ("exactly the window", EVENINGS, "2026-11-23T18:00", "2026-11-23T22:00", True),
        ("starting before the window", EVENINGS, "2026-11-23T17:59", "2026-11-23T20:00", False),
        ("running past the window", EVENINGS, "2026-11-23T21:00", "2026-11-23T22:01", False),
        ("on a day without windows", EVENINGS, "2026-11-22T18:30", "2026-11-22T19:00", False),
        ("across two days' windows", EVENINGS, "2026-11-23T20:00", "2026-11-24T19:00", False),
        ("overnight through touching windows", OVERNIGHT, "2026-11-23T20:00", "2026-11-24T07:00", True),
        ("overnight past the morning window", OVERNIGHT, "2026-11-23T20:00", "2026-11-24T08:30", False),
        (
            "local time on the day summer time starts",
            [weekly(7, "18:00", "22:00")],
            "2026-03-29T18:00",
            "2026-03-29T22:00",
            True,
        ),
        (
            "local time on the day summer time ends",
            [weekly(7, "18:00", "22:00")],
            "2026-10-25T18:00",
            "2026-10-25T22:00",
            True,
        ),
    ],
)
def test_weekly_windows_are_local_times(
    case: str, regular: list[RegularHours], start: str, end: str, expected: bool
) -> None:
    assert open_throughout(BERLIN, False, regular, [], at(start), at(end)) is expected, case


def test_windows_are_placed_in_the_locations_zone_not_in_utc() -> None:
    monday_morning = [weekly(1, "07:00", "09:00")]
    start, end = at("2026-11-23T07:30", "Pacific/Auckland"), at("2026-11-23T08:30", "Pacific/Auckland")

    assert start.weekday() == 6  # Sunday evening in UTC
    assert open_throughout("Pacific/Auckland", False, monday_morning, [], start, end)
    assert not open_throughout(BERLIN, False, monday_morning, [], start, end)


def test_a_listing_without_opening_times_is_always_open() -> None:
    assert open_throughout(BERLIN, None, [], [], at("2026-11-22T03:00"), at("2026-11-29T03:00"))


def test_a_dated_closing_wins_over_around_the_clock_and_weekly_windows() -> None:
    closed = [dated(False, "2026-11-23T19:00", "2026-11-23T19:30")]

    assert not open_throughout(BERLIN, True, [], closed, at("2026-11-23T18:00", BERLIN), at("2026-11-23T19:01"))
    assert not open_throughout(BERLIN, False, EVENINGS, closed, at("2026-11-23T18:00"), at("2026-11-23T20:00"))
    assert open_throughout(BERLIN, False, EVENINGS, closed, at("2026-11-23T19:30"), at("2026-11-23T22:00"))


def test_a_dated_opening_adds_time_and_joins_a_weekly_window() -> None:
    saturday = [dated(True, "2026-11-28T10:00", "2026-11-28T16:00")]
    friday_late = [dated(True, "2026-11-27T22:00", "2026-11-28T01:00")]

    assert open_throughout(BERLIN, False, EVENINGS, saturday, at("2026-11-28T10:00"), at("2026-11-28T16:00"))
    assert open_throughout(BERLIN, False, EVENINGS, friday_late, at("2026-11-27T20:00"), at("2026-11-28T00:30"))
    assert not open_throughout(BERLIN, False, EVENINGS, [], at("2026-11-27T20:00"), at("2026-11-28T00:30"))


def test_an_empty_span_is_a_mistake() -> None:
    with pytest.raises(ValueError, match="must end after it begins"):
        open_throughout(BERLIN, True, [], [], at("2026-11-23T18:00"), at("2026-11-23T18:00"))
