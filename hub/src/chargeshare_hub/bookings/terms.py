"""A listing's booking terms: OCPI 2.3 BookingTerms and the hub's own rules, their defaults, checks and JSON.

OCPI counts `early_start_time`, `noshow_timeout` and `late_stop_time` in minutes, as the hub does. The hub
supports one access method, TOKEN: the booking's id tag, presented at the charger.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from datetime import datetime, timedelta
from typing import Any

from ..web.errors import bad_request
from .tables import BookingTermsRow

INSTANT = "INSTANT"
HOST_APPROVAL = "HOST_APPROVAL"
MAX_MINUTES = 7 * 24 * 60


@dataclass(frozen=True, slots=True)
class Terms:
    approval: str = INSTANT
    change_until_minutes: int = 60
    cancel_until_minutes: int = 60
    change_not_allowed: bool = False
    early_start_allowed: bool = True
    early_start_time: int = 10
    noshow_timeout: int = 15
    noshow_fee: bool = False
    late_stop_allowed: bool = False
    late_stop_time: int = 0
    step_size_minutes: int = 15
    min_duration_minutes: int = 30
    max_duration_minutes: int = 12 * 60
    max_days_ahead: int = 30
    response_deadline_minutes: int = 12 * 60

    @classmethod
    def of(cls, row: BookingTermsRow | None) -> Terms:
        if row is None:
            return cls()
        return cls(**{item.name: getattr(row, item.name) for item in fields(cls)})

    def respond_by(self, now: datetime, start: datetime) -> datetime:
        """A request waits for the host at most `response_deadline_minutes`, and never past the slot's start."""
        return min(now + timedelta(minutes=self.response_deadline_minutes), start)

    def write_to(self, row: BookingTermsRow) -> None:
        for name, value in asdict(self).items():
            setattr(row, name, value)


def _minutes(maximum: int, minimum: int = 0) -> dict[str, Any]:
    return {"type": "integer", "minimum": minimum, "maximum": maximum}


TERMS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "Booking terms; a field left out takes its default.",
    "additionalProperties": False,
    "properties": {
        "approval": {"enum": [INSTANT, HOST_APPROVAL]},
        "change_until_minutes": _minutes(MAX_MINUTES),
        "cancel_until_minutes": _minutes(MAX_MINUTES),
        "change_not_allowed": {"type": "boolean"},
        "early_start_allowed": {"type": "boolean"},
        "early_start_time": _minutes(240),
        "noshow_timeout": _minutes(24 * 60, 1),
        "noshow_fee": {"type": "boolean"},
        "late_stop_allowed": {"type": "boolean"},
        "late_stop_time": _minutes(240),
        "step_size_minutes": {"enum": [5, 10, 15, 20, 30, 60]},
        "min_duration_minutes": _minutes(24 * 60, 5),
        "max_duration_minutes": _minutes(MAX_MINUTES, 5),
        "max_days_ahead": {"type": "integer", "minimum": 1, "maximum": 365},
        "response_deadline_minutes": _minutes(MAX_MINUTES, 5),
    },
}


def terms_from_body(body: dict[str, Any]) -> Terms:
    """Checks what the schema cannot: durations in whole steps, the minimum below the maximum."""
    terms = replace(Terms(), **body)
    step = terms.step_size_minutes
    for name in ("min_duration_minutes", "max_duration_minutes"):
        if getattr(terms, name) % step:
            raise bad_request("invalid", f"{name} must be a whole number of {step}-minute steps.", name)
    if terms.min_duration_minutes > terms.max_duration_minutes:
        raise bad_request("invalid", "The minimum duration exceeds the maximum.", "min_duration_minutes")
    return terms


def terms_json(terms: Terms) -> dict[str, Any]:
    return {
        "supported_access_methods": ["TOKEN"],
        "overlapping_bookings_allowed": False,
        **asdict(terms),
    }
