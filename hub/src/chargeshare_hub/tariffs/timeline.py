"""A session or reservation cut into slices within which no tariff restriction can change."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from itertools import pairwise
from zoneinfo import ZoneInfo

from .clock import clock_changes
from .model import Dimension, Tariff
from .usage import Activity, Reservation, Usage, seconds

# Cut points found by interpolation are rounded to this grid (seconds, kWh), so that adding slices up is exact.
_GRID = Decimal("1e-12")
_ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class Moment:
    """What restrictions are checked against; it holds throughout a slice."""

    local_time: datetime  # the charger's wall clock
    elapsed_seconds: Decimal  # since the session (or reservation) started
    energy_kwh: Decimal  # delivered so far
    power_kw: Decimal | None  # None: unknown
    current_a: Decimal | None


@dataclass(frozen=True, slots=True)
class Slice:
    moment: Moment
    time_dimension: Dimension  # what its duration counts as: TIME (charging, reserved) or PARKING_TIME
    seconds: Decimal
    energy_kwh: Decimal


@dataclass(frozen=True, slots=True)
class SplitPoints:
    """Where a tariff's restrictions can change: times of day, session durations (s) and energies (kWh)."""

    times_of_day: frozenset[time]
    durations: frozenset[Decimal]
    energies: frozenset[Decimal]

    @classmethod
    def of(cls, tariff: Tariff) -> SplitPoints:
        found = [element.restrictions for element in tariff.elements if element.restrictions is not None]
        return cls(
            times_of_day=frozenset(t for r in found for t in (r.start_time, r.end_time) if t is not None),
            durations=frozenset(Decimal(d) for r in found for d in (r.min_duration, r.max_duration) if d is not None),
            energies=frozenset(e for r in found for e in (r.min_kwh, r.max_kwh) if e is not None),
        )


@dataclass(frozen=True, slots=True)
class _Segment:
    """A period as the slicer needs it."""

    time_dimension: Dimension
    duration: timedelta
    energy_kwh: Decimal
    power_kw: Decimal | None
    current_a: Decimal | None


def reservation_slices(usage: Usage, reservation: Reservation, points: SplitPoints) -> list[Slice]:
    """The reserved time, ending where the session starts; TIME prices it, and nothing is drawn meanwhile."""
    reserved = _Segment(Dimension.TIME, reservation.duration, _ZERO, _ZERO, _ZERO)
    return _slices(usage.start.astimezone(UTC) - reservation.duration, usage.zone, [reserved], points)


def session_slices(usage: Usage, points: SplitPoints) -> list[Slice]:
    segments = [
        _Segment(
            Dimension.TIME if period.activity is Activity.CHARGING else Dimension.PARKING_TIME,
            period.duration,
            period.energy_kwh,
            period.average_power_kw,
            period.current_drawn_a,
        )
        for period in usage.periods
    ]
    # A session in which nothing happened still has a start, where its FLAT fee is decided.
    idle = _Segment(Dimension.PARKING_TIME, timedelta(0), _ZERO, _ZERO, _ZERO)
    return _slices(usage.start, usage.zone, segments or [idle], points)


def _slices(origin: datetime, zone: ZoneInfo, segments: list[_Segment], points: SplitPoints) -> list[Slice]:
    # In UTC, because arithmetic on datetimes of one zone follows the wall clock, daylight saving jumps ignored.
    origin = origin.astimezone(UTC)
    end = origin + sum((segment.duration for segment in segments), timedelta(0))
    clock_instants = clock_changes(zone, origin, end, points.times_of_day)
    clock_offsets = [seconds(instant - origin) for instant in clock_instants]
    time_cuts = sorted({*clock_offsets, *points.durations})
    energy_cuts = sorted(points.energies)
    result: list[Slice] = []
    elapsed, energy = _ZERO, _ZERO
    for segment in segments:
        corners = _corners((elapsed, energy), seconds(segment.duration), segment.energy_kwh, time_cuts, energy_cuts)
        for (start_s, start_kwh), (end_s, end_kwh) in pairwise(corners):
            middle_s = (start_s + end_s) / 2
            # The clock state between two changes is the one at the earlier change (or at the origin).
            last_change = bisect_right(clock_offsets, middle_s) - 1
            clock = clock_instants[last_change] if last_change >= 0 else origin
            moment = Moment(
                local_time=clock.astimezone(zone),
                elapsed_seconds=middle_s,
                energy_kwh=(start_kwh + end_kwh) / 2,
                power_kw=segment.power_kw,
                current_a=segment.current_a,
            )
            result.append(Slice(moment, segment.time_dimension, end_s - start_s, end_kwh - start_kwh))
        elapsed, energy = corners[-1]
    return result


def _corners(
    start: tuple[Decimal, Decimal],
    duration_s: Decimal,
    energy_kwh: Decimal,
    time_cuts: list[Decimal],
    energy_cuts: list[Decimal],
) -> list[tuple[Decimal, Decimal]]:
    """(seconds, kWh) points along one segment where slices meet, both coordinates growing together linearly."""
    start_s, start_kwh = start
    end = (start_s + duration_s, start_kwh + energy_kwh)
    inner = [
        (cut, start_kwh + _along(cut - start_s, duration_s, energy_kwh)) for cut in time_cuts if start_s < cut < end[0]
    ] + [
        (start_s + _along(cut - start_kwh, energy_kwh, duration_s), cut)
        for cut in energy_cuts
        if start_kwh < cut < end[1]
    ]
    corners = [start]
    for point in sorted(inner):
        # Rounding may put an interpolated coordinate a grid step out of order: keep both non-decreasing.
        previous = corners[-1]
        corners.append((min(max(point[0], previous[0]), end[0]), min(max(point[1], previous[1]), end[1])))
    corners.append(end)
    return corners


def _along(part: Decimal, whole: Decimal, other_whole: Decimal) -> Decimal:
    """The share of other_whole that goes with `part` of `whole`."""
    return (part * other_whole / whole).quantize(_GRID, rounding=ROUND_HALF_EVEN)
