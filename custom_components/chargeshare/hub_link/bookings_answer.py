"""The host's answer to a booking request, sent up the link as `booking.answer`.

Two ways in: the services `approve_booking` / `decline_booking`, and the event `chargeshare_booking_answered`
that the notification blueprint (blueprints/automation/chargeshare/booking_request_notify.yaml) or any
automation fires. A request is answered once: a service call for an answered, unknown or expired request is
refused with a message; a later event for it is ignored (README, "Event contracts": the first answer wins).
"""

from __future__ import annotations

from dataclasses import replace

from homeassistant.core import Event, HomeAssistant, ServiceCall, callback
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv
from homeassistant.util import dt as dt_util
import voluptuous as vol

from ..const import DOMAIN, LOGGER
from .bookings import RequestState
from .bookings_book import async_booking_book
from .bookings_link import attached_link

SERVICE_APPROVE = "approve_booking"
SERVICE_DECLINE = "decline_booking"
EVENT_BOOKING_ANSWERED = "chargeshare_booking_answered"
ATTR_BOOKING_ID = "booking_id"
SCHEMA = vol.Schema({vol.Required(ATTR_BOOKING_ID): vol.All(cv.string, vol.Strip, vol.Length(min=1, max=64))})


def _invalid(key: str, message: str, booking_id: str) -> ServiceValidationError:
    return ServiceValidationError(
        message, translation_domain=DOMAIN, translation_key=key, translation_placeholders={"booking_id": booking_id}
    )


async def async_answer(hass: HomeAssistant, booking_id: str, accept: bool) -> None:
    """Send the host's answer; ServiceValidationError when there is nothing (left) to answer."""
    link = attached_link(hass)
    if link is None:
        raise _invalid("hub_not_linked", "No ChargeShare hub is linked to answer booking requests", booking_id)
    book = await async_booking_book(hass)
    booking = book.booking(booking_id)
    if booking is None or booking.request is None:
        raise _invalid("unknown_booking_request", f"{booking_id} is not a booking request", booking_id)
    if booking.request is RequestState.ANSWERED:
        raise _invalid("booking_already_answered", f"Booking request {booking_id} is answered already", booking_id)
    if booking.respond_by is not None and booking.respond_by <= dt_util.utcnow():
        raise _invalid("booking_request_expired", f"Booking request {booking_id} has expired", booking_id)
    await link.send("booking.answer", {"booking_id": booking_id, "accept": accept})
    await book.async_update(replace(booking, request=RequestState.ANSWERED))


@callback
def async_setup_booking_answers(hass: HomeAssistant) -> None:
    """Register the services and listen for the blueprint's answers (for as long as Home Assistant runs)."""

    async def _approve(call: ServiceCall) -> None:
        await async_answer(hass, call.data[ATTR_BOOKING_ID], True)

    async def _decline(call: ServiceCall) -> None:
        await async_answer(hass, call.data[ATTR_BOOKING_ID], False)

    async def _answered(event: Event) -> None:
        booking_id, approved = event.data.get(ATTR_BOOKING_ID), event.data.get("approved")
        if not isinstance(booking_id, str) or not isinstance(approved, bool):
            LOGGER.warning("Ignored %s without a booking_id and approved true/false: %s", event.event_type, event.data)
            return
        try:
            await async_answer(hass, booking_id, approved)
        except ServiceValidationError as err:
            LOGGER.info("Ignored the answer to booking request %s: %s", booking_id, err)

    hass.services.async_register(DOMAIN, SERVICE_APPROVE, _approve, schema=SCHEMA)
    hass.services.async_register(DOMAIN, SERVICE_DECLINE, _decline, schema=SCHEMA)
    hass.bus.async_listen(EVENT_BOOKING_ANSWERED, _answered)
