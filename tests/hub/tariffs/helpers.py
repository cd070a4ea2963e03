"""Small tariffs and sessions written the way the tests talk about them."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from chargeshare_hub.tariffs import Cost, Dimension, Reservation, Tariff, Usage, UsagePeriod

ZONE = "Europe/Amsterdam"


def component(dimension: str, unit_price: str, step_size: int = 1, vat: str | None = None) -> dict[str, Any]:
    values: dict[str, Any] = {"type": dimension, "price": Decimal(unit_price), "step_size": step_size}
    if vat is not None:
        values["vat"] = Decimal(vat)
    return values


def element(*components: dict[str, Any], **restrictions: Any) -> dict[str, Any]:
    values: dict[str, Any] = {"price_components": list(components)}
    if restrictions:
        values["restrictions"] = restrictions
    return values


def tariff_json(*elements: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {
        "country_code": "NL",
        "party_id": "CSH",
        "id": "t1",
        "currency": "EUR",
        "elements": list(elements),
        **fields,
    }


def tariff(*elements: dict[str, Any], **fields: Any) -> Tariff:
    return Tariff.from_ocpi(tariff_json(*elements, **fields))


def local(text: str) -> datetime:
    """'2024-01-08 16:55' on the charger's clock (2024-01-08 is a Monday)."""
    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(ZONE))


def charging(
    minutes: float, kwh: str = "0", *, power_kw: str | None = None, current_a: str | None = None
) -> UsagePeriod:
    return UsagePeriod.charging(
        timedelta(minutes=minutes),
        Decimal(kwh),
        power_kw=None if power_kw is None else Decimal(power_kw),
        current_a=None if current_a is None else Decimal(current_a),
    )


def parking(minutes: float) -> UsagePeriod:
    return UsagePeriod.parking(timedelta(minutes=minutes))


def session(start: str, *periods: UsagePeriod, reservation: Reservation | None = None) -> Usage:
    return Usage(ZONE, local(start), periods, reservation)


def reserved(minutes: float, *, expired: bool = False) -> Reservation:
    return Reservation(timedelta(minutes=minutes), expired)


def billed(cost: Cost, dimension: Dimension, *, reservation: bool = False) -> Decimal:
    """The billed quantity of one dimension: Wh, seconds, or 1 for FLAT (0 when not billed)."""
    return next(
        (d.quantity for d in cost.dimensions if d.dimension is dimension and d.reservation is reservation),
        Decimal(0),
    )


def hours(value: str) -> Decimal:
    return Decimal(value) * 3600
