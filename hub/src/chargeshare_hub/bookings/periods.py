"""Whether a requested period may be booked under a listing's terms and opening hours.

The step grid is the location's wall clock: with 15-minute steps a booking starts at :00, :15, :30 or :45
local time, also in zones whose offset is not a whole hour.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from ..listings.opening import open_throughout
from ..listings.tables import ExceptionalPeriod, Location, RegularHours
from ..web.errors import bad_request
from .terms import Terms

PERIOD_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["start_from", "end_before"],
    "properties": {
        "start_from": {"type": "string", "format": "date-time"},
        "end_before": {"type": "string", "format": "date-time"},
    },
}
START, END = "period.start_from", "period.end_before"


@dataclass(frozen=True, slots=True)
class Hours:
    """A listing's opening hours, as `open_throughout` reads them."""

    location: Location
    regular: Sequence[RegularHours]
    exceptions: Sequence[ExceptionalPeriod]


def parse_period(period: dict[str, str]) -> tuple[datetime, datetime]:
    start, end = _instant(period["start_from"], START), _instant(period["end_before"], END)
    if end <= start:
        raise bad_request("invalid_period", "The period must end after it starts.", END)
    return start, end


def check_period(terms: Terms, hours: Hours, start: datetime, end: datetime, now: datetime) -> None:
    """Refuses, naming the field, a period the terms or the opening hours do not allow."""
    if start < now:
        raise bad_request("in_the_past", "The period starts in the past.", START)
    if start > now + timedelta(days=terms.max_days_ahead):
        raise bad_request("too_far_ahead", f"Book at most {terms.max_days_ahead} days ahead.", START)
    step = timedelta(minutes=terms.step_size_minutes)
    local = start.astimezone(ZoneInfo(hours.location.time_zone))
    if (local - local.replace(hour=0, minute=0, second=0, microsecond=0)) % step:
        raise bad_request("off_grid", f"Start on a {terms.step_size_minutes}-minute step of the local clock.", START)
    duration = end - start
    if duration % step:
        raise bad_request("off_grid", f"Book whole {terms.step_size_minutes}-minute steps.", END)
    if duration < timedelta(minutes=terms.min_duration_minutes):
        raise bad_request("too_short", f"Book at least {terms.min_duration_minutes} minutes.", END)
    if duration > timedelta(minutes=terms.max_duration_minutes):
        raise bad_request("too_long", f"Book at most {terms.max_duration_minutes} minutes.", END)
    location = hours.location
    if not open_throughout(location.time_zone, location.twentyfourseven, hours.regular, hours.exceptions, start, end):
        raise bad_request("closed", "The charger is not open for the whole period.", "period")


def _instant(text: str, field: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise bad_request("invalid", "Give a date-time as 2026-05-01T18:00:00Z.", field) from None
    if moment.tzinfo is None:
        raise bad_request("invalid", "Give the time's offset or Z.", field)
    return moment
