"""The hub's booking messages (docs/hub-link.md, "Messages down"), applied to the booking book.

`booking.requested` asks the host (the event `chargeshare_booking_requested`); `booking.reserved`,
`.changed` and `.cancelled` put the booking in the charger's calendar and authorization window, or take it
out; `cdr.issued` counts towards today's earnings. A handler returns once its change is stored, so the link
acks only what is applied; a payload that breaks the contract is refused (LinkRefusal → nack) and changes
nothing. A booking for an EVSE that no loaded charger has is kept all the same: the charger's entry may
simply not be set up yet.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import replace
from typing import Any, Protocol

from homeassistant.core import HomeAssistant, callback
from homeassistant.util import dt as dt_util

from ..const import DOMAIN, LOGGER
from .bookings import Booking, BookingPayloadError, Request, booking_from_ocpi, request_from_ocpi
from .bookings_book import BookingBook, IssuedCdr, async_booking_book
from .bookings_charger import Reservations, coordinator_for_evse
from .bookings_commands import CommandHandlers, ReportedSessions
from .link import LinkRefusal

EVENT_BOOKING_REQUESTED = "chargeshare_booking_requested"
_ATTACHED_KEY = f"{DOMAIN}_booking_link"

Handler = Callable[[dict[str, Any]], Awaitable[None]]


class BookingLink(Protocol):
    """What the booking handlers need of the hub link (hub_link/link.py's HubLink)."""

    async def send(self, type_: str, payload: dict[str, Any]) -> str: ...

    def register(self, type_: str, handler: Handler) -> None: ...


async def async_attach_bookings(
    hass: HomeAssistant, link: BookingLink, sessions: ReportedSessions
) -> Callable[[], None]:
    """Handle the link's booking, command and CDR messages, and answer requests through it.

    The link entry calls this at setup, with its record of the guest sessions it reported (`command.stop` names
    one); the function it returns detaches the link (call it at unload).
    """
    book = await async_booking_book(hass)
    reservations = Reservations(hass, book)
    handlers = BookingHandlers(hass, book, reservations)
    commands = CommandHandlers(hass, book, link, sessions)
    for type_, handler in {**handlers.handlers(), **commands.handlers()}.items():
        link.register(type_, handler)
    stop_reserving = reservations.start()
    hass.data[_ATTACHED_KEY] = link

    @callback
    def detach() -> None:
        stop_reserving()
        if hass.data.get(_ATTACHED_KEY) is link:
            del hass.data[_ATTACHED_KEY]

    return detach


async def async_forget_bookings(hass: HomeAssistant) -> None:
    """The host removed the hub link: its bookings and CDRs go with it (their id tags are ordinary cards again)."""
    await (await async_booking_book(hass)).async_clear()


@callback
def attached_link(hass: HomeAssistant) -> BookingLink | None:
    """The link the bookings came down, which the host's answers go up."""
    link: BookingLink | None = hass.data.get(_ATTACHED_KEY)
    return link


def refusal(err: BookingPayloadError) -> LinkRefusal:
    return LinkRefusal("invalid", str(err), err.field)


class BookingHandlers:
    def __init__(self, hass: HomeAssistant, book: BookingBook, reservations: Reservations) -> None:
        self._hass = hass
        self._book = book
        self._reservations = reservations

    def handlers(self) -> dict[str, Handler]:
        return {
            "booking.requested": self._async_requested,
            "booking.reserved": self._async_reserved,
            "booking.changed": self._async_changed,
            "booking.cancelled": self._async_cancelled,
            "cdr.issued": self._async_cdr_issued,
        }

    async def _async_requested(self, payload: dict[str, Any]) -> None:
        """A new booking (PENDING), or a change of a reserved one, which stays as it is until the host accepts."""
        try:
            request = request_from_ocpi(payload)
        except BookingPayloadError as err:
            raise refusal(err) from err
        await self._book.async_put(request.booking)
        self._hass.bus.async_fire(EVENT_BOOKING_REQUESTED, self._request_event(request))

    def _request_event(self, request: Request) -> dict[str, Any]:
        booking = request.booking
        coordinator = coordinator_for_evse(self._hass, booking.evse_uid)
        device = None if coordinator is None else coordinator.device()
        return {
            "booking_id": booking.booking_id,
            "device_id": None if device is None else device.id,
            "charger": None if coordinator is None else coordinator.device_name,
            "evse_uid": booking.evse_uid,
            "driver": booking.driver,
            "start": request.start.isoformat(),
            "end": request.end.isoformat(),
            "change": request.is_change,
            "respond_by": None if booking.respond_by is None else booking.respond_by.isoformat(),
        }

    async def _async_reserved(self, payload: dict[str, Any]) -> None:
        try:
            booking = booking_from_ocpi(payload, needs_id_tag=True)
        except BookingPayloadError as err:
            raise refusal(err) from err
        await self._async_store(booking)

    async def _async_changed(self, payload: dict[str, Any]) -> None:
        """The whole booking again; what it leaves out (its id tag, the driver's name) stays as it was."""
        try:
            booking = booking_from_ocpi(payload, needs_id_tag=False)
        except BookingPayloadError as err:
            raise refusal(err) from err
        previous = self._book.booking(booking.booking_id)
        if previous is not None:
            booking = replace(
                booking, id_tag=booking.id_tag or previous.id_tag, driver=booking.driver or previous.driver
            )
        if booking.holds_slot and booking.id_tag is None:
            raise LinkRefusal("invalid", "a reserved booking needs its id_tag", "id_tag")
        await self._async_store(booking)

    async def _async_store(self, booking: Booking) -> None:
        previous = await self._book.async_put(booking)
        stored = self._book.booking(booking.booking_id)
        assert stored is not None
        await self._reservations.async_release(previous, stored)
        await self._reservations.async_reserve_due()

    async def _async_cancelled(self, payload: dict[str, Any]) -> None:
        booking_id, reason = payload.get("booking_id"), payload.get("reason")
        if not isinstance(booking_id, str) or not booking_id:
            raise LinkRefusal("invalid", "booking_id must be a non-empty string", "booking_id")
        if reason is not None and not isinstance(reason, str):
            raise LinkRefusal("invalid", "reason must be a string", "reason")
        booking = self._book.booking(booking_id)
        if booking is None:  # never sent to us, or long past: nothing to take back
            LOGGER.info("The hub cancelled booking %s, which this Home Assistant does not have", booking_id)
            return
        await self._async_store(booking.cancelled(reason))

    async def _async_cdr_issued(self, payload: dict[str, Any]) -> None:
        try:
            cdr = _cdr(payload)
        except BookingPayloadError as err:
            raise refusal(err) from err
        await self._book.async_add_cdr(cdr)


def _cdr(payload: Mapping[str, Any]) -> IssuedCdr:
    """What the host earned: the price with VAT when the CDR states it (what the driver paid), else without."""
    for name in ("session_id", "cdr_id", "currency"):
        if not isinstance(payload.get(name), str) or not payload[name]:
            raise BookingPayloadError(name, f"{name} must be a non-empty string")
    if len(payload["currency"]) != 3:
        raise BookingPayloadError("currency", "currency must be an ISO 4217 code")
    price = payload.get("total_cost")
    if not isinstance(price, Mapping):
        raise BookingPayloadError("total_cost", "total_cost must be an OCPI Price")
    amount = price.get("incl_vat")
    if amount is None:
        amount = price.get("excl_vat")
    if isinstance(amount, bool) or not isinstance(amount, int | float) or amount < 0:
        raise BookingPayloadError("total_cost.excl_vat", "total_cost needs a number excl_vat (and incl_vat)")
    return IssuedCdr(payload["cdr_id"], payload["session_id"], float(amount), payload["currency"], dt_util.utcnow())
