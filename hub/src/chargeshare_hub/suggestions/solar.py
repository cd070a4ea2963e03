"""Where the sun stands: its elevation above the horizon for a place and a moment, pure and offline.

The NOAA "general solar position" approximation (fractional year, equation of time, declination as Fourier
series; NOAA Global Monitoring Laboratory, "General Solar Position Calculations"): within about a degree of
the exact position between the polar circles, which is far finer than a charging slot needs. No
atmospheric refraction: near the horizon the sun shows a little higher than computed.
"""

from __future__ import annotations

from datetime import UTC, datetime
import math


def sun_elevation_deg(latitude: float, longitude: float, moment: datetime) -> float:
    """Degrees above the horizon (negative: below) of the sun's centre at `moment` (aware) seen from the point."""
    utc = moment.astimezone(UTC)
    day_of_year = utc.timetuple().tm_yday
    hours = utc.hour + utc.minute / 60 + (utc.second + utc.microsecond / 1e6) / 3600
    days_in_year = 366 if _leap(utc.year) else 365
    gamma = 2 * math.pi / days_in_year * (day_of_year - 1 + (hours - 12) / 24)
    equation_of_time_min = 229.18 * (
        0.000075 + 0.001868 * math.cos(gamma) - 0.032077 * math.sin(gamma)
        - 0.014615 * math.cos(2 * gamma) - 0.040849 * math.sin(2 * gamma)
    )  # fmt: skip
    declination = (
        0.006918 - 0.399912 * math.cos(gamma) + 0.070257 * math.sin(gamma)
        - 0.006758 * math.cos(2 * gamma) + 0.000907 * math.sin(2 * gamma)
        - 0.002697 * math.cos(3 * gamma) + 0.00148 * math.sin(3 * gamma)
    )  # fmt: skip
    true_solar_time_min = hours * 60 + equation_of_time_min + 4 * longitude
    hour_angle = math.radians(true_solar_time_min / 4 - 180)
    lat = math.radians(latitude)
    sin_elevation = math.sin(lat) * math.sin(declination) + math.cos(lat) * math.cos(declination) * math.cos(hour_angle)
    return math.degrees(math.asin(max(-1.0, min(1.0, sin_elevation))))


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
