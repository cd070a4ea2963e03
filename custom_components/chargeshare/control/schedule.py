"""Scheduled mode's plan: when to charge the energy still missing so that it is in the car by departure.

- Not enough time left (or departure passed): charge now, continuously.
- With a price (or CO2) forecast: the best hours between now and departure, lowest value first; among
  equal values the later hours, so that the car waits as evcc's planner does. Hours the forecast does not
  cover count as the worst. A partly needed interval is used at its end.
- Without a forecast: as late as possible, ending at departure.

The plan assumes the charger's full power (the maximum current on the phases it will use) and ignores the
fuse, as evcc's planner does; it is recomputed every cycle from the energy still missing, so a slower car
simply gets more hours on the next cycle.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
import math

from .model import PriceKind, PriceSlot
from .reasons import clock, duration

SECONDS_PER_KWH_AT_1_W = 3.6e6
SHOWN_WINDOWS = 3  # the reason shows the first few windows; more would not fit the UI


@dataclass(frozen=True, slots=True)
class Plan:
    """Charging windows (start, end), in time order, and why these."""

    energy_kwh: float
    windows: tuple[tuple[datetime, datetime], ...]
    basis: str  # "cheapest", "greenest", "as late as possible", "not enough time"

    def charging_at(self, now: datetime) -> bool:
        return any(start <= now < end for start, end in self.windows)

    def describe(self, departure: datetime) -> str:
        """ "plan: 7.4 kWh 01:00-03:00 (cheapest)"."""
        zone = departure.tzinfo
        shown = ", ".join(f"{clock(start, zone)}-{clock(end, zone)}" for start, end in self.windows[:SHOWN_WINDOWS])
        more = ", ..." if len(self.windows) > SHOWN_WINDOWS else ""
        return f"plan: {self.energy_kwh:.1f} kWh {shown}{more} ({self.basis})"


def plan_charging(
    now: datetime,
    departure: datetime,
    energy_kwh: float,
    power_w: float,
    *,
    prices: tuple[PriceSlot, ...],
    kind: PriceKind,
) -> Plan:
    """The windows that charge `energy_kwh` at `power_w` by `departure`."""
    needed_s = energy_kwh * SECONDS_PER_KWH_AT_1_W / power_w
    if now + timedelta(seconds=needed_s) > departure:
        basis = f"not enough time: needs {duration(needed_s)}"
        return Plan(energy_kwh, ((now, now + timedelta(seconds=needed_s)),), basis)
    if not prices:
        return Plan(energy_kwh, ((departure - timedelta(seconds=needed_s), departure),), "as late as possible")
    chosen = _best_windows(_intervals(now, departure, prices), needed_s)
    return Plan(energy_kwh, _merged(sorted(chosen)), "greenest" if kind is PriceKind.CO2 else "cheapest")


def _intervals(now: datetime, departure: datetime, prices: tuple[PriceSlot, ...]) -> list[PriceSlot]:
    """The forecast clipped to [now, departure], its gaps filled with the worst value."""
    clipped = sorted(
        (PriceSlot(max(slot.start, now), min(slot.end, departure), slot.value) for slot in prices),
        key=lambda slot: slot.start,
    )
    intervals: list[PriceSlot] = []
    covered_until = now
    for slot in clipped:
        if slot.end <= max(slot.start, covered_until):
            continue  # outside the window, or overlapping one already taken
        start = max(slot.start, covered_until)
        if start > covered_until:
            intervals.append(PriceSlot(covered_until, start, math.inf))
        intervals.append(PriceSlot(start, slot.end, slot.value))
        covered_until = slot.end
    if covered_until < departure:
        intervals.append(PriceSlot(covered_until, departure, math.inf))
    return intervals


def _best_windows(intervals: list[PriceSlot], needed_s: float) -> list[tuple[datetime, datetime]]:
    """Lowest value first, later first among equals; the last one only for the time still needed."""
    chosen: list[tuple[datetime, datetime]] = []
    for slot in sorted(intervals, key=lambda slot: (slot.value, -slot.start.timestamp())):
        if needed_s <= 0:
            break
        length_s = (slot.end - slot.start).total_seconds()
        used_s = min(length_s, needed_s)
        chosen.append((slot.end - timedelta(seconds=used_s), slot.end))
        needed_s -= used_s
    return chosen


def _merged(windows: list[tuple[datetime, datetime]]) -> tuple[tuple[datetime, datetime], ...]:
    """Adjacent windows as one, for a readable plan."""
    merged: list[tuple[datetime, datetime]] = []
    for start, end in windows:
        if merged and merged[-1][1] >= start:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return tuple(merged)
