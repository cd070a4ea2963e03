"""Sessions and CDRs as OCPI 2.2.1 JSON. Amounts are stored in minor units and shown in the currency's units;
energy is stored in Wh and shown in kWh, durations in hours, as OCPI has them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from ..listings.ocpi_json import ocpi_time, place_json
from ..listings.tables import Connector, Evse, Location
from ..tariff_catalog.documents import HUB_COUNTRY_CODE, HUB_PARTY_ID, json_ready
from ..tariffs import Activity, Cost, Dimension, Tariff, minor_unit_exponent, to_minor_units
from ..tariffs.usage import seconds
from .metering import Stretch
from .tables import Cdr, ChargingSession

_HOUR = Decimal(3600)
_DIMENSION_TOTALS = {
    Dimension.FLAT: "total_fixed_cost",
    Dimension.ENERGY: "total_energy_cost",
    Dimension.TIME: "total_time_cost",
    Dimension.PARKING_TIME: "total_parking_cost",
}


def cdr_location(location: Location, evse: Evse, connector: Connector) -> dict[str, Any]:
    """OCPI CdrLocation: the place as it was when the session started."""
    return _without_none(
        {
            "id": location.id,
            **place_json(location),
            "evse_uid": evse.uid,
            "evse_id": evse.evse_id or evse.uid,
            "connector_id": connector.connector_id,
            "connector_standard": connector.standard,
            "connector_format": connector.format,
            "connector_power_type": connector.power_type,
        }
    )


def cdr_token(session: ChargingSession) -> dict[str, Any]:
    """A booking's tag was issued to the driver's app account; any other tag is whatever the charger read."""
    return {
        "country_code": HUB_COUNTRY_CODE,
        "party_id": HUB_PARTY_ID,
        "uid": session.id_tag,
        "type": "APP_USER" if session.booking_id is not None else "OTHER",
        "contract_id": session.id_tag,
    }


def session_json(session: ChargingSession, cdr: Cdr | None) -> dict[str, Any]:
    """The OCPI Session, plus the hub's `booking_id`; `total_cost` once its CDR exists."""
    return _without_none(
        {
            "country_code": HUB_COUNTRY_CODE,
            "party_id": HUB_PARTY_ID,
            "id": session.id,
            "start_date_time": ocpi_time(session.start_date_time),
            "end_date_time": None if session.end_date_time is None else ocpi_time(session.end_date_time),
            "kwh": json_ready(Decimal(session.energy_wh).scaleb(-3)),
            "cdr_token": cdr_token(session),
            "auth_method": session.auth_method,
            "location_id": session.location_id,
            "evse_uid": session.evse_uid,
            "connector_id": session.connector_id,
            "currency": session.currency,
            "total_cost": None if cdr is None else cdr.document["total_cost"],
            "status": session.status,
            "booking_id": session.booking_id,
            "last_updated": ocpi_time(session.last_updated),
        }
    )


def cdr_document(
    session: ChargingSession, pieces: Sequence[Stretch], tariff: Tariff | None, cost: Cost | None, now: datetime
) -> dict[str, Any]:
    """The CDR of an ended session; `cost` is None when no tariff applied (free charging)."""
    assert session.end_date_time is not None
    charging = sum((seconds(s.period.duration) for s in pieces if s.period.activity is Activity.CHARGING), Decimal(0))
    parking = sum((seconds(s.period.duration) for s in pieces if s.period.activity is Activity.PARKING), Decimal(0))
    document: dict[str, Any] = {
        "country_code": HUB_COUNTRY_CODE,
        "party_id": HUB_PARTY_ID,
        "id": session.id,
        "start_date_time": ocpi_time(session.start_date_time),
        "end_date_time": ocpi_time(session.end_date_time),
        "session_id": session.id,
        "cdr_token": cdr_token(session),
        "auth_method": session.auth_method,
        "cdr_location": session.cdr_location,
        "currency": session.currency,
        "tariffs": session.tariffs,
        "charging_periods": [_charging_period(piece, tariff) for piece in pieces],
        "total_cost": price_json(*cost_minor(cost, session.currency), session.currency),
        "total_energy": json_ready(Decimal(session.energy_wh).scaleb(-3)),
        "total_time": json_ready(_hours(charging + parking)),
        "total_parking_time": json_ready(_hours(parking)) if parking else None,
        "last_updated": ocpi_time(now),
    }
    for dimension_cost in () if cost is None else cost.dimensions:
        excl = to_minor_units(dimension_cost.excl_vat, session.currency)
        incl = None if dimension_cost.incl_vat is None else to_minor_units(dimension_cost.incl_vat, session.currency)
        document[_DIMENSION_TOTALS[dimension_cost.dimension]] = price_json(excl, incl, session.currency)
    return _without_none(document)


def cost_minor(cost: Cost | None, currency: str) -> tuple[int, int | None]:
    """Total excl. and incl. VAT in minor units (incl. None when VAT is not known); free without a cost."""
    if cost is None:
        return 0, 0
    incl = None if cost.incl_vat is None else to_minor_units(cost.incl_vat, currency)
    return to_minor_units(cost.excl_vat, currency), incl


def price_json(excl_minor: int, incl_minor: int | None, currency: str) -> dict[str, Any]:
    price = {"excl_vat": _units(excl_minor, currency)}
    if incl_minor is not None:
        price["incl_vat"] = _units(incl_minor, currency)
    return price


def _charging_period(piece: Stretch, tariff: Tariff | None) -> dict[str, Any]:
    period = piece.period
    hours = json_ready(_hours(seconds(period.duration)))
    dimensions = (
        [{"type": "ENERGY", "volume": json_ready(period.energy_kwh)}, {"type": "TIME", "volume": hours}]
        if period.activity is Activity.CHARGING
        else [{"type": "PARKING_TIME", "volume": hours}]
    )
    return _without_none(
        {
            "start_date_time": ocpi_time(piece.start),
            "dimensions": dimensions,
            "tariff_id": None if tariff is None else tariff.id,
        }
    )


def _hours(duration_s: Decimal) -> Decimal:
    """Hours to the second's precision OCPI readers need, without float noise: 4 decimals (0.36 s)."""
    return (duration_s / _HOUR).quantize(Decimal("0.0001"))


def _units(minor: int, currency: str) -> Any:
    return json_ready(Decimal(minor).scaleb(-minor_unit_exponent(currency)))


def _without_none(document: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in document.items() if value is not None}
