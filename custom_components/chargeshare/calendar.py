"""A calendar per charger: the bookings the hub reserved on it (from the hub link's booking book)."""

from __future__ import annotations

from datetime import datetime

from homeassistant.components.calendar import CalendarEntity, CalendarEvent
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity import EntityDescription
from homeassistant.helpers.entity_platform import AddEntitiesCallback
from homeassistant.util import dt as dt_util

from .coordinator import ChargerCoordinator
from .entity import ChargeShareEntity, async_add_charger_entities
from .hub_link.bookings import Booking
from .hub_link.bookings_book import BookingBook, async_booking_book
from .hub_link.bookings_charger import evse_uid_of
from .runtime import ChargeShareConfigEntry

PARALLEL_UPDATES = 0
BOOKINGS = EntityDescription(key="bookings", translation_key="bookings")


async def async_setup_entry(
    hass: HomeAssistant, entry: ChargeShareConfigEntry, async_add_entities: AddEntitiesCallback
) -> None:
    book = await async_booking_book(hass)
    async_add_charger_entities(hass, entry, async_add_entities, lambda c: [BookingCalendar(c, book)])


def booking_event(booking: Booking) -> CalendarEvent:
    """The booked slot; the id tag's window around it (early start, late stop) is in the description."""
    window = f"{dt_util.as_local(booking.opens):%H:%M}-{dt_util.as_local(booking.closes):%H:%M}"
    return CalendarEvent(
        start=booking.start,
        end=booking.end,
        summary=f"Booked by {booking.driver}" if booking.driver else "Booked",
        description=f"Booking {booking.booking_id}, id tag {booking.id_tag}, may charge {window}",
        uid=booking.booking_id,
    )


class BookingCalendar(ChargeShareEntity, CalendarEntity):
    """Shows the bookings whether or not the charger is connected: they are the hub's, not the charger's."""

    def __init__(self, coordinator: ChargerCoordinator, book: BookingBook) -> None:
        super().__init__(coordinator, BOOKINGS)
        self._book = book

    @property
    def available(self) -> bool:
        return True

    @property
    def event(self) -> CalendarEvent | None:
        booking = self._book.next_booking(evse_uid_of(self.coordinator), dt_util.utcnow())
        return None if booking is None else booking_event(booking)

    async def async_get_events(
        self, hass: HomeAssistant, start_date: datetime, end_date: datetime
    ) -> list[CalendarEvent]:
        return [
            booking_event(b)
            for b in self._book.holding(evse_uid_of(self.coordinator))
            if b.start < end_date and b.end > start_date
        ]

    async def async_added_to_hass(self) -> None:
        await super().async_added_to_hass()
        self.async_on_remove(self._book.add_listener(self._on_book_changed))

    @callback
    def _on_book_changed(self) -> None:
        self.async_write_ha_state()
