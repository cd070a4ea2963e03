"""When a local wall clock reaches given times of day, daylight saving time included."""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

_RESOLUTION = timedelta(microseconds=1)


def clock_changes(zone: ZoneInfo, start: datetime, end: datetime, times_of_day: Collection[time]) -> list[datetime]:
    """UTC instants strictly between start and end at which the local clock shows midnight or one of
    times_of_day, or jumps. A time of day skipped by a DST jump is reached at the jump; one that repeats is
    reached twice.
    """
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    changes: set[datetime] = set()
    day = start.astimezone(zone).date() - timedelta(days=1)
    while day <= end.astimezone(zone).date() + timedelta(days=1):
        for clock_time in {time(0), *times_of_day}:
            for fold in (0, 1):
                instant = datetime.combine(day, clock_time, tzinfo=zone).replace(fold=fold).astimezone(UTC)
                if start < instant < end:
                    changes.add(instant)
        day += timedelta(days=1)
    # With midnight among the times, consecutive instants are at most a day apart: one jump at most.
    jumps = [
        _jump(zone, earlier, later)
        for earlier, later in pairwise(sorted({start, end, *changes}))
        if _offset(zone, earlier) != _offset(zone, later)
    ]
    return sorted(changes.union(jump for jump in jumps if jump < end))


def _offset(zone: ZoneInfo, instant: datetime) -> timedelta | None:
    return instant.astimezone(zone).utcoffset()


def _jump(zone: ZoneInfo, before: datetime, after: datetime) -> datetime:
    """The first instant with the UTC offset `after` has, found by halving the interval."""
    offset_before = _offset(zone, before)
    while after - before > _RESOLUTION:
        middle = before + (after - before) // 2
        if _offset(zone, middle) == offset_before:
            before = middle
        else:
            after = middle
    return after
