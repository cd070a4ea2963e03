"""What a tariff prices: a charging session, and the reservation that may have preceded it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_HOUR = Decimal(3600)


class Activity(StrEnum):
    CHARGING = "CHARGING"
    PARKING = "PARKING"  # connected but not charging


@dataclass(frozen=True, slots=True)
class UsagePeriod:
    """A stretch of a session doing one thing, its energy delivered evenly over its duration.

    A charging period may last no time at all: the energy is then priced as if delivered at its start.
    Power defaults to the period's average; current (A, summed over phases) unknown stays unknown.
    """

    activity: Activity
    duration: timedelta
    energy_kwh: Decimal = Decimal(0)
    power_kw: Decimal | None = None
    current_a: Decimal | None = None

    def __post_init__(self) -> None:
        if self.duration < timedelta(0):
            raise ValueError(f"a period cannot last {self.duration}")
        for name in ("energy_kwh", "power_kw", "current_a"):
            value = getattr(self, name)
            if value is not None and value < 0:
                raise ValueError(f"{name} cannot be negative: {value}")
        if self.activity is Activity.PARKING and (self.energy_kwh or self.power_kw or self.current_a):
            raise ValueError("a parking period delivers no energy")

    @classmethod
    def charging(
        cls,
        duration: timedelta,
        energy_kwh: Decimal,
        *,
        power_kw: Decimal | None = None,
        current_a: Decimal | None = None,
    ) -> UsagePeriod:
        return cls(Activity.CHARGING, duration, energy_kwh, power_kw, current_a)

    @classmethod
    def charging_at_power(
        cls, energy_kwh: Decimal, power_kw: Decimal, *, current_a: Decimal | None = None
    ) -> UsagePeriod:
        """Charging at a constant power, for as long as that takes to deliver the energy."""
        if power_kw <= 0:
            raise ValueError(f"charging needs a positive power, not {power_kw}")
        microseconds = (energy_kwh / power_kw * _HOUR).scaleb(6).to_integral_value()
        return cls.charging(
            timedelta(microseconds=int(microseconds)), energy_kwh, power_kw=power_kw, current_a=current_a
        )

    @classmethod
    def parking(cls, duration: timedelta) -> UsagePeriod:
        return cls(Activity.PARKING, duration)

    @property
    def average_power_kw(self) -> Decimal | None:
        """The power restrictions compare with: the stated one, else the average (unknown for an instant)."""
        if self.power_kw is not None:
            return self.power_kw
        if self.activity is Activity.PARKING:
            return Decimal(0)
        if not self.duration:
            return None
        return self.energy_kwh / (seconds(self.duration) / _HOUR)

    @property
    def current_drawn_a(self) -> Decimal | None:
        return Decimal(0) if self.activity is Activity.PARKING else self.current_a


@dataclass(frozen=True, slots=True)
class Reservation:
    """Booking time, from making the reservation until charging started or the reservation ran out."""

    duration: timedelta
    expired: bool = False  # ran out and no charging followed

    def __post_init__(self) -> None:
        if self.duration < timedelta(0):
            raise ValueError(f"a reservation cannot last {self.duration}")


@dataclass(frozen=True, slots=True)
class Usage:
    """A session at a charger in `time_zone` (IANA name), whose periods follow one another from `start`.

    `start` is when charging began; with an expired reservation, when the reservation ran out. A reservation
    ends at `start`.
    """

    time_zone: str
    start: datetime
    periods: tuple[UsagePeriod, ...] = ()
    reservation: Reservation | None = None

    def __post_init__(self) -> None:
        if self.start.utcoffset() is None:
            raise ValueError("start must be an aware datetime")
        try:
            ZoneInfo(self.time_zone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone: {self.time_zone!r}") from None
        if self.reservation is not None and self.reservation.expired and self.periods:
            raise ValueError("an expired reservation is not followed by a session")

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)


def seconds(duration: timedelta) -> Decimal:
    """Exactly, to the microsecond."""
    return Decimal(duration // timedelta(microseconds=1)).scaleb(-6)
