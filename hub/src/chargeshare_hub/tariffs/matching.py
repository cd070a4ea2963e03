"""Whether a tariff element's restrictions hold at a moment of a session or reservation."""

from __future__ import annotations

from datetime import time
from decimal import Decimal

from .model import TariffElement
from .restrictions import DayOfWeek, ReservationRestriction, Restrictions
from .timeline import Moment
from .usage import Reservation

_MIDNIGHT = time(0)
_UNRESTRICTED = Restrictions()


def applies(element: TariffElement, moment: Moment, reservation: Reservation | None) -> bool:
    """`reservation` is the one being priced, or None while pricing the charging session.

    Reservation elements price only reservations, all others only charging sessions.
    """
    restrictions = element.restrictions or _UNRESTRICTED
    local = moment.local_time
    return (
        _reservation_matches(restrictions.reservation, reservation)
        and _within_time_of_day(local.time(), restrictions.start_time, restrictions.end_time)
        and (restrictions.start_date is None or local.date() >= restrictions.start_date)
        and (restrictions.end_date is None or local.date() < restrictions.end_date)
        and (not restrictions.day_of_week or DayOfWeek.of(local.date()) in restrictions.day_of_week)
        and _within(moment.energy_kwh, restrictions.min_kwh, restrictions.max_kwh)
        and _within(moment.current_a, restrictions.min_current, restrictions.max_current)
        and _within(moment.power_kw, restrictions.min_power, restrictions.max_power)
        and _within(moment.elapsed_seconds, restrictions.min_duration, restrictions.max_duration)
    )


def _reservation_matches(required: ReservationRestriction | None, reservation: Reservation | None) -> bool:
    if reservation is None or required is None:
        return reservation is None and required is None
    return required is ReservationRestriction.RESERVATION or reservation.expired


def _within_time_of_day(local: time, start: time | None, end: time | None) -> bool:
    """From start (inclusive) to end (exclusive); an end at or before the start wraps past midnight."""
    start = start or _MIDNIGHT
    if end is None or end == _MIDNIGHT:
        return local >= start
    if start < end:
        return start <= local < end
    return local >= start or local < end


def _within(value: Decimal | None, low: Decimal | int | None, high: Decimal | int | None) -> bool:
    """Between low (inclusive) and high (exclusive); an unknown value meets no bound."""
    if low is None and high is None:
        return True
    if value is None:
        return False
    return (low is None or value >= low) and (high is None or value < high)
