"""How green a slot's energy is: the listing's energy mix, with its solar part following the sun.

The model, simple on purpose:

- A listing's OCPI `energy_mix` gives the shares of its sources in percent, as averages over time. Renewable
  are GENERAL_GREEN, SOLAR, WIND and WATER. A mix without sources is all renewable when `is_green_energy`,
  else none. A listing without an energy mix has no green share (None): unknown, not zero.
- The renewable sources other than solar deliver their share steadily, day and night.
- Solar delivers in proportion to clear-sky sunshine on a level panel, sin(sun elevation) while the sun is up
  (see `solar`), scaled so that over the solar day around the moment it averages the mix's solar share: none
  at night, several times the average around noon. Where steady and solar shares together pass 100 % the sun
  covers the whole demand, and the share is 1. No clouds, no panel orientation, no battery.
- A slot's share is the mean over its charging time, sampled at the middle of every 5 minutes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
import math
from typing import Any

from .solar import sun_elevation_deg

STEADY_SOURCES = frozenset({"GENERAL_GREEN", "WIND", "WATER"})
SOLAR = "SOLAR"
SAMPLE = timedelta(minutes=5)
_DAY_SAMPLES = 96  # every 15 minutes, for a day's mean sunshine


@dataclass(frozen=True, slots=True)
class Mix:
    """Shares of the energy, 0 to 1: renewables other than solar, and solar."""

    steady: float
    solar: float


def mix_of(energy_mix: dict[str, Any] | None) -> Mix | None:
    if energy_mix is None:
        return None
    sources = energy_mix.get("energy_sources") or []
    if not sources:
        return Mix(1.0 if energy_mix.get("is_green_energy") else 0.0, 0.0)
    # Shares are percentages of the whole; a list that adds up to more than 100 is read as proportions.
    total = max(100.0, sum(source["percentage"] for source in sources))
    steady = sum(source["percentage"] for source in sources if source["source"] in STEADY_SOURCES)
    solar = sum(source["percentage"] for source in sources if source["source"] == SOLAR)
    return Mix(steady / total, solar / total)


@dataclass(slots=True)
class GreenShare:
    """The green share of one listing's energy over time; remembers the sun positions it worked out."""

    mix: Mix
    latitude: float
    longitude: float
    _sunshine: dict[datetime, float] = field(default_factory=dict)
    _daily_mean: dict[datetime, float] = field(default_factory=dict)

    def at(self, moment: datetime) -> float:
        if not self.mix.solar:
            return self.mix.steady
        mean = self._mean_sunshine(moment)
        solar = self.mix.solar * self._sunshine_at(moment) / mean if mean else 0.0
        return min(1.0, self.mix.steady + solar)

    def over(self, start: datetime, end: datetime) -> float:
        """The mean share over [start, end)."""
        samples = max(1, math.ceil((end - start) / SAMPLE))
        step = (end - start) / samples
        return sum(self.at(start + step * (index + 0.5)) for index in range(samples)) / samples

    def _sunshine_at(self, moment: datetime) -> float:
        found = self._sunshine.get(moment)
        if found is None:
            elevation = sun_elevation_deg(self.latitude, self.longitude, moment)
            found = self._sunshine[moment] = max(0.0, math.sin(math.radians(elevation)))
        return found

    def _mean_sunshine(self, moment: datetime) -> float:
        """Mean sunshine over the local solar day holding `moment`: from solar midnight to solar midnight."""
        solar_offset = timedelta(hours=self.longitude / 15)
        local = moment.astimezone(UTC) + solar_offset
        day_start = datetime(local.year, local.month, local.day, tzinfo=UTC) - solar_offset
        found = self._daily_mean.get(day_start)
        if found is None:
            step = timedelta(days=1) / _DAY_SAMPLES
            found = self._daily_mean[day_start] = (
                sum(self._sunshine_at(day_start + step * (index + 0.5)) for index in range(_DAY_SAMPLES)) / _DAY_SAMPLES
            )
        return found
