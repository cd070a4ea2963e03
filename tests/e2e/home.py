"""The host's Home Assistant as the host sets it up: the hub link through the config flow (the hub's address and
a pairing code), the listing through the link's options; and what the tests read back: the link, the booking
book, the charger's calendar."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from homeassistant import config_entries
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import entity_registry as er

from custom_components.chargeshare.const import DOMAIN
from custom_components.chargeshare.hub_link.bookings import Booking
from custom_components.chargeshare.hub_link.bookings_book import BookingBook, loaded_booking_book
from custom_components.chargeshare.hub_link.link import HubLink
from custom_components.chargeshare.hub_link.state import LinkState
from sim.ocpp_charge_point import SimulatedChargePoint
from tests.integration.helpers import ConnectCharger
from tests.waiting import until

WAIT_S = 20.0  # generous: two processes and a Home Assistant share two cores

# The listing as the host fills in the link's options: 0.35 EUR per kWh and 1 EUR per session, no VAT given.
PRICE_PER_KWH = 0.35
SESSION_FEE = 1.00
LISTING = {
    "name": "Driveway on Elm Street",
    "address": "Elm Street 5",
    "city": "Utrecht",
    "postal_code": "3511 AB",
    "country": "NLD",
    "latitude": 52.0907,
    "longitude": 5.1214,
    "price_per_kwh": PRICE_PER_KWH,
    "session_fee": SESSION_FEE,
    "currency": "EUR",
    "publish": True,
}


async def link_to_hub(hass: HomeAssistant, hub_url: str, code: str) -> ConfigEntry:
    """Settings → Add integration → ChargeShare → "Link a ChargeShare hub", with the code from the hub's page;
    returns the link entry once its connection is up."""
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": config_entries.SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {"next_step_id": "hub_link"})
    assert (result["type"], result["step_id"]) == (FlowResultType.FORM, "hub_link")
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {"hub_url": hub_url, "code": code})
    assert result["type"] == FlowResultType.CREATE_ENTRY, result
    entry: ConfigEntry = result["result"]
    await until(lambda: link_of(entry).connected, WAIT_S)
    return entry


async def publish_listing(hass: HomeAssistant, entry: ConfigEntry) -> str:
    """The host saves the listing in the link's options; returns the listing's id on the hub (listing.saved)."""
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert (result["type"], result["step_id"]) == (FlowResultType.FORM, "listing")
    result = await hass.config_entries.options.async_configure(result["flow_id"], LISTING)
    assert result["type"] == FlowResultType.CREATE_ENTRY, result
    await until(lambda: state_of(entry).location_id is not None, WAIT_S)
    location_id = state_of(entry).location_id
    assert location_id is not None
    return location_id


def link_of(entry: ConfigEntry) -> HubLink:
    link: HubLink = entry.runtime_data.link
    return link


def state_of(entry: ConfigEntry) -> LinkState:
    state: LinkState = entry.runtime_data.state
    return state


def book_of(hass: HomeAssistant) -> BookingBook:
    book = loaded_booking_book(hass)
    assert book is not None
    return book


def arrived(hass: HomeAssistant, booking_id: str) -> bool:
    """Whether the hub has sent the booking down and Home Assistant stored it."""
    return book_of(hass).booking(booking_id) is not None


def booking_at_home(hass: HomeAssistant, booking_id: str) -> Booking:
    """The booking as Home Assistant keeps it; it must have arrived."""
    booking = book_of(hass).booking(booking_id)
    assert booking is not None, f"booking {booking_id} never reached Home Assistant"
    return booking


def earnings(hass: HomeAssistant, since: datetime) -> dict[str, float]:
    """What the CDRs that came down the link add up to, per currency."""
    return book_of(hass).earnings_since(since)


async def calendar_events(hass: HomeAssistant, start: datetime, end: datetime) -> list[dict[str, Any]]:
    """The events of the charger's booking calendar between `start` and `end`, as a dashboard reads them."""
    calendar = er.async_get(hass).async_get_entity_id("calendar", DOMAIN, "ocpp_CP1_bookings")
    assert calendar is not None
    response = await hass.services.async_call(
        "calendar",
        "get_events",
        {"entity_id": calendar, "start_date_time": start.isoformat(), "end_date_time": end.isoformat()},
        blocking=True,
        return_response=True,
    )
    assert response is not None
    events: list[dict[str, Any]] = response[calendar]["events"]
    return events


async def charge_wh(charge_point: SimulatedChargePoint, wh: float) -> None:
    """Let the car draw `wh` at the charger's current power; the charger reports its meter at the end."""
    assert charge_point.power_w > 0, f"the charger does not charge ({charge_point.status}, {charge_point.limit_a} A)"
    await charge_point.charge(wh * 3600 / charge_point.power_w)


# What a charger keeps through a lost connection: its session, its meter, its clock, the limits it was sent.
_CHARGER_MEMORY = ("status", "car_connected", "transaction_id", "id_tag", "register_wh", "elapsed_s", "profiles")


async def redial(connect_charger: ConnectCharger, charge_point: SimulatedChargePoint) -> SimulatedChargePoint:
    """The same charger dials in again (a new websocket, no reboot) and reports its status, as chargers do."""
    again = await connect_charger(charge_point.id, boot=False, options=charge_point.options)
    for name in _CHARGER_MEMORY:
        setattr(again, name, getattr(charge_point, name))
    await again.send_status(charge_point.status)
    return again
