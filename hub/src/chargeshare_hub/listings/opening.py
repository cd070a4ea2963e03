"""Whether a listing is open for a whole span of time: weekly windows in its own time zone, with exceptions.

Weekly windows are local times, so each one is placed on its calendar day in the location's zone and only then
turned into UTC: a window "18:00-22:00" stays 18:00-22:00 on both sides of a change to or from summer time.
Windows that touch (Monday until 24:00, Tuesday from 00:00) join into one. A dated opening adds time; a dated
closing removes it, and wins over everything else.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from .tables import ExceptionalPeriod, RegularHours

Span = tuple[datetime, datetime]


def open_throughout(  # noqa: PLR0917 (the published call: a location's hours, then the span)
    time_zone: str,
    twentyfourseven: bool | None,
    regular: Sequence[RegularHours],
    exceptions: Sequence[ExceptionalPeriod],
    start: datetime,
    end: datetime,
) -> bool:
    """Whether the location is open for all of [start, end); a listing without opening times is always open."""
    if end <= start:
        raise ValueError("the span must end after it begins")
    if any(
        not period.is_opening and _overlap(period.period_begin, period.period_end, start, end) for period in exceptions
    ):
        return False
    if twentyfourseven is None or twentyfourseven:
        return True
    zone = ZoneInfo(time_zone)
    spans = list(_weekly_spans(regular, zone, start, end))
    spans += [(period.period_begin, period.period_end) for period in exceptions if period.is_opening]
    return _covers(_joined(spans), start, end)


def _weekly_spans(regular: Sequence[RegularHours], zone: ZoneInfo, start: datetime, end: datetime) -> Iterable[Span]:
    # A day either side: a window late on the day before can still be open at `start` in UTC.
    day = start.astimezone(zone).date() - timedelta(days=1)
    last = end.astimezone(zone).date() + timedelta(days=1)
    while day <= last:
        for window in regular:
            if window.weekday == day.isoweekday():
                yield _moment(day, window.period_begin, zone), _moment(day, window.period_end, zone)
        day += timedelta(days=1)


def _moment(day: date, hh_mm: str, zone: ZoneInfo) -> datetime:
    hours, minutes = (int(part) for part in hh_mm.split(":"))
    if hours == 24:
        day, hours = day + timedelta(days=1), 0
    return datetime.combine(day, time(hours, minutes), tzinfo=zone).astimezone(ZoneInfo("UTC"))


def _joined(spans: list[Span]) -> list[Span]:
    joined: list[Span] = []
    for begin, finish in sorted(spans):
        if joined and begin <= joined[-1][1]:
            joined[-1] = (joined[-1][0], max(joined[-1][1], finish))
        else:
            joined.append((begin, finish))
    return joined


def _covers(spans: list[Span], start: datetime, end: datetime) -> bool:
    return any(begin <= start and end <= finish for begin, finish in spans)


def _overlap(begin: datetime, finish: datetime, start: datetime, end: datetime) -> bool:
    return begin < end and start < finish
