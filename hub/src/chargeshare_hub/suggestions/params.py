"""The query strings of an estimate and of suggestions; every refusal is a 400 naming the parameter."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from multidict import MultiMapping

from ..vehicles.params import MAX_ENERGY_KWH, energy_wh
from ..web.errors import bad_request
from .service import MAX_WINDOW


@dataclass(frozen=True, slots=True)
class ChargeAsked:
    vehicle_id: str
    energy_wh: int


def _parameter(name: str, description: str, schema: dict[str, Any], *, required: bool = True) -> dict[str, Any]:
    return {"name": name, "description": description, "required": required, "schema": schema}


_CHARGE = (
    _parameter("vehicle", "The id of one of the driver's vehicles", {"type": "string"}),
    _parameter("energy_kwh", f"The energy to charge, above 0 up to {MAX_ENERGY_KWH}",
               {"type": "number", "minimum": 0, "maximum": MAX_ENERGY_KWH}),
)  # fmt: skip
ESTIMATE_PARAMETERS = (
    *_CHARGE,
    _parameter("start", "RFC 3339: when charging starts, for time-of-day prices; default now",
               {"type": "string", "format": "date-time"}, required=False),
)  # fmt: skip
SUGGESTION_PARAMETERS = (
    *_CHARGE,
    _parameter("from", "RFC 3339: the earliest start", {"type": "string", "format": "date-time"}),
    _parameter("to", f"RFC 3339: the latest end, at most {MAX_WINDOW.days} days after from",
               {"type": "string", "format": "date-time"}),
)  # fmt: skip


def charge_of(params: MultiMapping[str], known: tuple[dict[str, Any], ...]) -> ChargeAsked:
    names = {parameter["name"] for parameter in known}
    for name in params:
        if name not in names:
            raise bad_request("invalid", f"{name} is not a parameter here.", name)
        if len(params.getall(name)) > 1:
            raise bad_request("invalid", f"Give {name} once.", name)
    return ChargeAsked(_required(params, "vehicle"), energy_wh(_required(params, "energy_kwh")))


def window_of(params: MultiMapping[str]) -> tuple[datetime, datetime]:
    start, end = moment(_required(params, "from"), "from"), moment(_required(params, "to"), "to")
    if end <= start:
        raise bad_request("invalid", "to is after from.", "to")
    if end - start > MAX_WINDOW:
        raise bad_request("invalid", f"The window spans at most {MAX_WINDOW.days} days.", "to")
    return start, end


def moment(text: str, name: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise bad_request("invalid", f"{name} is a date-time such as 2026-05-01T18:00:00Z.", name) from None
    if value.tzinfo is None:
        raise bad_request("invalid", f"Give {name} with its offset or Z.", name)
    return value


def _required(params: MultiMapping[str], name: str) -> str:
    value = params.get(name)
    if value is None or not value:
        raise bad_request("invalid", f"{name} is required.", name)
    return value
