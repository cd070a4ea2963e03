"""Numbers in the words the UI shows: "1.4 kW", "8 A", "2 min", "01:00"."""

from __future__ import annotations

from datetime import datetime, tzinfo

SECONDS_PER_MINUTE = 60
SECONDS_PER_HOUR = 3600


def kilowatts(power_w: float) -> str:
    """One decimal: "1.4 kW"."""
    return f"{power_w / 1000:.1f} kW"


def amps(current_a: float) -> str:
    """Whole amps without decimals, fine steps with one: "8 A", "7.5 A"."""
    return f"{round(current_a, 1):g} A"


def duration(seconds: float) -> str:
    """Coarse enough to read at a glance: "45 s", "2 min", "3 h 20 min"."""
    whole = max(0, round(seconds))
    if whole < 90:
        return f"{whole} s"
    minutes = round(whole / SECONDS_PER_MINUTE)
    if minutes < 90:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"


def clock(moment: datetime, zone: tzinfo | None) -> str:
    """Hours and minutes in the zone the host gave its departure in: "01:00"."""
    return moment.astimezone(zone).strftime("%H:%M")
