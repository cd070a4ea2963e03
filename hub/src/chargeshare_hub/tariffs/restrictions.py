"""OCPI 2.2.1 TariffRestrictions: when a tariff element applies."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal
from enum import StrEnum

from .ocpi_json import JsonObject, TariffError, format_time_of_day, read_choice


class DayOfWeek(StrEnum):
    """In ISO order: the value's position is `date.weekday()`."""

    MONDAY = "MONDAY"
    TUESDAY = "TUESDAY"
    WEDNESDAY = "WEDNESDAY"
    THURSDAY = "THURSDAY"
    FRIDAY = "FRIDAY"
    SATURDAY = "SATURDAY"
    SUNDAY = "SUNDAY"

    @classmethod
    def of(cls, day: date) -> DayOfWeek:
        return list(cls)[day.weekday()]


class ReservationRestriction(StrEnum):
    RESERVATION = "RESERVATION"  # any reservation, expired or not
    RESERVATION_EXPIRES = "RESERVATION_EXPIRES"  # only a reservation that ran out unused


_DECIMAL_FIELDS = ("min_kwh", "max_kwh", "min_current", "max_current", "min_power", "max_power")
_FIELDS = (
    "start_time",
    "end_time",
    "start_date",
    "end_date",
    *_DECIMAL_FIELDS,
    "min_duration",
    "max_duration",
    "day_of_week",
    "reservation",
)

_RANGES = (
    ("start_date", "end_date"),
    ("min_kwh", "max_kwh"),
    ("min_current", "max_current"),
    ("min_power", "max_power"),
    ("min_duration", "max_duration"),
)


@dataclass(frozen=True, slots=True)
class Restrictions:
    """All that are set must hold. Lower bounds are inclusive, upper bounds exclusive.

    Times and dates are local to the charger. An `end_time` at or before `start_time` wraps past midnight
    (equal ones cover the whole day) and an `end_time` of 00:00 means the end of the day. Energy counts what
    was delivered so far in the session, duration the seconds since it started, current (A, summed over
    phases) and power (kW) what is drawn at the moment.
    """

    start_time: time | None = None
    end_time: time | None = None
    start_date: date | None = None
    end_date: date | None = None
    min_kwh: Decimal | None = None
    max_kwh: Decimal | None = None
    min_current: Decimal | None = None
    max_current: Decimal | None = None
    min_power: Decimal | None = None
    max_power: Decimal | None = None
    min_duration: int | None = None
    max_duration: int | None = None
    day_of_week: tuple[DayOfWeek, ...] = ()  # empty: any day
    reservation: ReservationRestriction | None = None

    @classmethod
    def from_ocpi(cls, data: object, path: str) -> Restrictions:
        reader = JsonObject(data, path, _FIELDS)
        restrictions = cls(
            start_time=reader.optional_time_of_day("start_time"),
            end_time=reader.optional_time_of_day("end_time"),
            start_date=reader.optional_date("start_date"),
            end_date=reader.optional_date("end_date"),
            min_kwh=reader.optional_number("min_kwh"),
            max_kwh=reader.optional_number("max_kwh"),
            min_current=reader.optional_number("min_current"),
            max_current=reader.optional_number("max_current"),
            min_power=reader.optional_number("min_power"),
            max_power=reader.optional_number("max_power"),
            min_duration=reader.optional_integer("min_duration", positive=False),
            max_duration=reader.optional_integer("max_duration", positive=False),
            day_of_week=_days(reader),
            reservation=reader.optional_choice("reservation", ReservationRestriction),
        )
        restrictions._check_ranges(reader)
        return restrictions

    def _check_ranges(self, reader: JsonObject) -> None:
        """An empty range would make the element dead: that is a mistake, not a tariff."""
        for low_name, high_name in _RANGES:
            low, high = getattr(self, low_name), getattr(self, high_name)
            if low is not None and high is not None and high <= low:
                raise TariffError(reader.path_of(high_name), f"must be greater than {low_name}")

    def to_ocpi(self) -> dict[str, object]:
        values: dict[str, object] = {
            "start_time": None if self.start_time is None else format_time_of_day(self.start_time),
            "end_time": None if self.end_time is None else format_time_of_day(self.end_time),
            "start_date": None if self.start_date is None else self.start_date.isoformat(),
            "end_date": None if self.end_date is None else self.end_date.isoformat(),
            **{name: getattr(self, name) for name in _DECIMAL_FIELDS},
            "min_duration": self.min_duration,
            "max_duration": self.max_duration,
            "day_of_week": [day.value for day in self.day_of_week] or None,
            "reservation": None if self.reservation is None else self.reservation.value,
        }
        return {name: value for name, value in values.items() if value is not None}


def _days(reader: JsonObject) -> tuple[DayOfWeek, ...]:
    items = reader.items("day_of_week")
    days = tuple(read_choice(item, path, DayOfWeek) for item, path in items)
    for index, ((_, path), day) in enumerate(zip(items, days, strict=True)):
        if day in days[:index]:
            raise TariffError(path, f"{day} is listed twice")
    return days
