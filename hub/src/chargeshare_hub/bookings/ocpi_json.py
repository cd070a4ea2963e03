"""A booking as JSON: an OCPI 2.3 Booking, plus the hub's `id_tag`, `qr_link`, fees and local times.

Periods are UTC as OCPI writes them; `local_period` shows the same in the location's time zone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from ..listings.ocpi_json import ocpi_time
from ..listings.tables import Location
from .tables import Booking, BookingCharge, BookingRequest
from .terms import Terms, terms_json


@dataclass(slots=True)
class BookingView:
    """A booking with everything shown with it, read in one session."""

    booking: Booking
    location: Location
    evse_uid: str
    terms: Terms
    requests: list[BookingRequest] = field(default_factory=list)
    charges: list[BookingCharge] = field(default_factory=list)


def qr_link(base_url: str, booking_id: str) -> str:
    return f"{base_url}/bookings/{booking_id}"


def booking_json(view: BookingView, *, base_url: str) -> dict[str, Any]:
    booking, zone = view.booking, ZoneInfo(view.location.time_zone)
    document: dict[str, Any] = {
        "id": booking.id,
        "request_id": booking.request_id,
        "location_id": booking.location_id,
        "evse_uid": view.evse_uid,
        "connector_id": booking.connector_id,
        "period": _period(booking.starts_at, booking.ends_at),
        "local_period": {
            "start_from": booking.starts_at.astimezone(zone).isoformat(),
            "end_before": booking.ends_at.astimezone(zone).isoformat(),
        },
        "time_zone": view.location.time_zone,
        "reservation_status": booking.reservation_status,
        "respond_by": None if booking.respond_by is None else ocpi_time(booking.respond_by),
        "canceled": None
        if booking.cancellation_reason is None
        else {"cancellation_reason": booking.cancellation_reason, "who_canceled": booking.who_canceled},
        "access_methods": [{"location_access": "TOKEN", "value": booking.id_tag}],
        "authorization_reference": booking.id_tag,
        "booking_tokens": [{"uid": booking.id_tag, "type": "APP_USER"}],
        "booking_terms": terms_json(view.terms),
        "booking_requests": [_request_json(request, view.evse_uid, booking) for request in view.requests],
        "charges": [_charge_json(charge) for charge in view.charges],
        "id_tag": booking.id_tag,
        "qr_link": qr_link(base_url, booking.id),
        "driver_id": booking.driver_id,
        "last_updated": ocpi_time(booking.last_updated),
    }
    return {name: value for name, value in document.items() if value is not None}


def _period(start: datetime, end: datetime) -> dict[str, str]:
    return {"start_from": ocpi_time(start), "end_before": ocpi_time(end)}


def _request_json(request: BookingRequest, evse_uid: str, booking: Booking) -> dict[str, Any]:
    asked: dict[str, Any] = {"period": _period(request.starts_at, request.ends_at), "evse_uid": evse_uid}
    if booking.connector_id is not None:
        asked["connector_id"] = booking.connector_id
    document = {
        "request_status": request.request_status,
        "booking_request": asked,
        "request_received": ocpi_time(request.request_received),
    }
    if request.respond_by is not None:
        document["respond_by"] = ocpi_time(request.respond_by)
    return document


def _charge_json(charge: BookingCharge) -> dict[str, Any]:
    return {
        "kind": charge.kind,
        "amount_minor": charge.amount_minor,
        "currency": charge.currency,
        "created_at": ocpi_time(charge.created_at),
    }
