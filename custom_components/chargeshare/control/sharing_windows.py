"""Weekly sharing windows in the host's local time: the compact text the options store, and when they are open.

Text: windows separated by ";", each "<days> <start>-<end>", e.g. "mon-fri 08:00-18:00; sat,sun 00:00-24:00".
Days are mon..sun, listed with "," and ranges with "-" (a range may wrap: "fri-mon"). The days are the
days a window *starts*: an end at or before the start ends the next day ("fri 22:00-06:00" is Friday 22:00
to Saturday 06:00), and "00:00-24:00" is the whole day.

Daylight saving (times are wall-clock times in the host's zone, resolved with zoneinfo):
- skipped hour (spring, Europe/Berlin 02:00-03:00 on 2026-03-29): a start or end inside it is read with the
  offset from before the change, as RFC 5545 does: it happens an hour later on the clock (02:30 -> 03:30)
  and a window keeps its length. A window that would then end before it starts does not happen that day.
- repeated hour (autumn, 02:00-03:00 twice on 2026-10-25): a window starts at the first 02:30 and ends at
  the second, so it covers every moment the clock shows a time inside it (it runs an hour longer).

Everything computed here is returned as UTC-aware datetimes: two aware datetimes with the same zoneinfo
compare by wall clock, ignoring the DST offset, which is wrong across a change.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
import enum
import re
from typing import NamedTuple
from zoneinfo import ZoneInfo


class Weekday(enum.IntEnum):
    """Numbered as datetime.weekday() numbers them."""

    MON = 0
    TUE = 1
    WED = 2
    THU = 3
    FRI = 4
    SAT = 5
    SUN = 6

    @property
    def short(self) -> str:
        return self.name.lower()


_MIDNIGHT = time(0, 0)
_TIME = re.compile(r"(\d{1,2}):(\d{2})")
# Windows repeat every week, so eight days from any moment reach the next start of every window.
_HORIZON = timedelta(days=8)


@dataclass(frozen=True, slots=True)
class SharingWindow:
    """Sharing is open from `start` to `end` (local wall clock) on each of `days`; see the module docstring."""

    days: frozenset[Weekday]
    start: time
    end: time  # at or before `start`: the next day; 00:00 is midnight at the end of the day ("24:00")

    def __post_init__(self) -> None:
        if not self.days:
            raise ValueError("a sharing window needs at least one day")
        for moment in (self.start, self.end):
            # The text keeps whole minutes and no zone: anything finer would not survive a save.
            if moment.tzinfo is not None or moment.second or moment.microsecond:
                raise ValueError(f"{moment} must be a local time in whole minutes")
        if self.start == self.end != _MIDNIGHT:
            raise ValueError(f"start equals end ({self.start:%H:%M}); a whole day is 00:00-24:00")

    @classmethod
    def parse(cls, text: str) -> SharingWindow:
        """Read "mon-fri 08:00-18:00"; ValueError names the text and what is wrong with it."""
        window_text = " ".join(text.split())
        days_text, _, hours_text = window_text.partition(" ")
        start_text, dash, end_text = hours_text.replace(" ", "").partition("-")
        if not days_text or not dash:
            raise ValueError(f"{window_text}: expected days and hours, e.g. 'mon-fri 08:00-18:00'")
        try:
            days = _parse_days(days_text)
            start = _parse_time(start_text, is_end=False)
            end = _parse_time(end_text, is_end=True)
            if start == end and end_text != "24:00":
                raise ValueError("start equals end; a whole day is 00:00-24:00")
        except ValueError as err:
            raise ValueError(f"{window_text}: {err}") from None
        return cls(days, start, end)

    def __str__(self) -> str:
        end = "24:00" if self.end == _MIDNIGHT else f"{self.end:%H:%M}"
        return f"{_format_days(self.days)} {self.start:%H:%M}-{end}"

    def occurrence(self, day: date, zone: ZoneInfo) -> tuple[datetime, datetime] | None:
        """When the window that starts on `day` (a local date) is open, in UTC; None if it does not happen then."""
        if Weekday(day.weekday()) not in self.days:
            return None
        # fold=0: the first of a repeated time; a skipped time is read with the offset from before the change.
        start = datetime.combine(day, self.start, tzinfo=zone)
        end_day = day if self.start < self.end else day + timedelta(days=1)
        end = datetime.combine(end_day, self.end, tzinfo=zone)
        # The later of the two readings: the second of a repeated time, the first of a skipped one.
        start_utc, end_utc = start.astimezone(UTC), max(end.astimezone(UTC), end.replace(fold=1).astimezone(UTC))
        return (start_utc, end_utc) if start_utc < end_utc else None


class OpenPeriod(NamedTuple):
    start: datetime  # UTC
    end: datetime  # UTC


class CurrentPeriod(NamedTuple):
    start: datetime  # UTC; at or before the moment asked about: the windows are open then
    end: datetime | None  # UTC; None: the windows never close


def parse_windows(text: str) -> tuple[SharingWindow, ...]:
    """Read windows separated by ";"; empty text is no windows (sharing at any hour)."""
    return tuple(SharingWindow.parse(part) for part in text.split(";") if part.strip())


def format_windows(windows: Iterable[SharingWindow]) -> str:
    return "; ".join(str(window) for window in windows)


def open_periods(
    windows: Iterable[SharingWindow], zone: ZoneInfo, since: datetime, until: datetime
) -> list[OpenPeriod]:
    """The periods between `since` and `until` in which some window is open, overlapping ones merged, clipped."""
    if since.tzinfo is None or until.tzinfo is None:
        raise ValueError("since and until must be timezone-aware")
    since, until = since.astimezone(UTC), until.astimezone(UTC)
    first_day = since.astimezone(zone).date() - timedelta(days=1)  # a window from yesterday may still be open
    day_count = (until.astimezone(zone).date() - first_day).days + 1
    occurrences = sorted(
        occurrence
        for window in windows
        for offset in range(day_count)
        if (occurrence := window.occurrence(first_day + timedelta(days=offset), zone))
        and occurrence[1] > since
        and occurrence[0] < until
    )
    periods: list[OpenPeriod] = []
    for start, end in occurrences:
        if periods and start <= periods[-1].end:
            periods[-1] = OpenPeriod(periods[-1].start, max(end, periods[-1].end))
        else:
            periods.append(OpenPeriod(start, end))
    return [OpenPeriod(max(start, since), min(end, until)) for start, end in periods]


def period_at(windows: tuple[SharingWindow, ...], zone: ZoneInfo, now: datetime) -> CurrentPeriod:
    """The open period going on at `now`, else the next one: the hub's "available until" and "available from"."""
    if not windows:
        return CurrentPeriod(start=now.astimezone(UTC), end=None)
    horizon = now + _HORIZON
    # Every window happens at least once a week (a skipped hour drops one day's at most): never empty.
    first = open_periods(windows, zone, now, horizon)[0]
    # Open for the whole horizon means open all week, every week: the windows never close.
    return CurrentPeriod(first.start, None if first.end >= horizon else first.end)


def _parse_days(text: str) -> frozenset[Weekday]:
    days: set[Weekday] = set()
    for part in text.lower().split(","):
        first_text, dash, last_text = part.partition("-")
        first = _parse_day(first_text)
        last = _parse_day(last_text) if dash else first
        days.update(Weekday((first + step) % 7) for step in range((last - first) % 7 + 1))
    return frozenset(days)


def _parse_day(text: str) -> Weekday:
    try:
        return Weekday[text.upper()]
    except KeyError:
        names = ", ".join(day.short for day in Weekday)
        raise ValueError(f"{text!r} is not a day ({names})") from None


def _parse_time(text: str, *, is_end: bool) -> time:
    match = _TIME.fullmatch(text)
    if not match:
        raise ValueError(f"{text or 'nothing'} is not a time (HH:MM)")
    hour, minute = int(match[1]), int(match[2])
    if (hour, minute) == (24, 0):
        if not is_end:
            raise ValueError("24:00 can only end a window")
        return _MIDNIGHT
    if hour > 23 or minute > 59:
        raise ValueError(f"{text} is not a time")
    return time(hour, minute)


def _format_days(days: frozenset[Weekday]) -> str:
    """Runs of three or more days as ranges, Monday first: "mon-wed,fri,sat"."""
    runs: list[list[Weekday]] = []
    for day in sorted(days):
        if runs and runs[-1][-1] == day - 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    parts = [f"{run[0].short}-{run[-1].short}" if len(run) > 2 else ",".join(d.short for d in run) for run in runs]
    return ",".join(parts)
