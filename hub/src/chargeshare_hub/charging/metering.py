"""From meter readings to what a tariff prices: stretches of charging (the meter went up) and of parking
(connected, the meter stood still), one per pair of consecutive readings.

Energy between two readings is taken as delivered evenly between them, so power restrictions see the power
of each stretch. A reading lower than an earlier one (a meter reset, or readings out of order) adds nothing:
the register only counts up.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from itertools import pairwise

from ..tariffs import UsagePeriod


@dataclass(frozen=True, slots=True)
class Stretch:
    start: datetime
    period: UsagePeriod


def stretches(
    start: datetime, meter_start_wh: int, readings: Sequence[tuple[datetime, int]], end: datetime, meter_stop_wh: int
) -> list[Stretch]:
    """The session from `start` to `end`, readings outside it ignored."""
    inside = sorted(reading for reading in readings if start < reading[0] < end)
    points = [(start, meter_start_wh), *inside, (end, meter_stop_wh)]
    found: list[Stretch] = []
    counted = meter_start_wh
    for (begin, _), (finish, meter_wh) in pairwise(points):
        energy_wh = max(meter_wh - counted, 0)
        counted += energy_wh
        if energy_wh:
            found.append(Stretch(begin, UsagePeriod.charging(finish - begin, Decimal(energy_wh).scaleb(-3))))
        elif finish > begin:
            found.append(Stretch(begin, UsagePeriod.parking(finish - begin)))
    return found
