"""Sensors from the hub link's booking book: a charger's next booking, and what the hub's CDRs earned today."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import CALLBACK_TYPE, callback
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.event import async_track_point_in_utc_time
from homeassistant.util import dt as dt_util

from .coordinator import ChargerCoordinator
from .entity import ChargeShareEntity
from .hub_link.bookings import Booking
from .hub_link.bookings_book import BookingBook
from .hub_link.bookings_charger import evse_uid_of
from .hub_link.entity import hub_device_info
from .hub_link.entry import CONF_HUB_URL

NEXT_BOOKING = SensorEntityDescription(
    key="next_booking", translation_key="next_booking", device_class=SensorDeviceClass.TIMESTAMP
)
TODAYS_EARNINGS = SensorEntityDescription(
    key="todays_earnings",
    translation_key="todays_earnings",
    device_class=SensorDeviceClass.MONETARY,
    state_class=SensorStateClass.TOTAL,
    suggested_display_precision=2,
)


class _Alarm:
    """One pending wake-up of an entity: a new one replaces the old."""

    def __init__(self) -> None:
        self._cancel: CALLBACK_TYPE | None = None

    def set(self, cancel: CALLBACK_TYPE | None) -> None:
        self.clear()
        self._cancel = cancel

    def clear(self) -> None:
        if self._cancel is not None:
            self._cancel()
            self._cancel = None


class NextBookingSensor(ChargeShareEntity, SensorEntity):
    """When the booking under way or coming next starts; unknown without one. Moves on when it ends."""

    def __init__(self, coordinator: ChargerCoordinator, book: BookingBook) -> None:
        super().__init__(coordinator, NEXT_BOOKING)
        self._book = book
        self._alarm = _Alarm()

    @property
    def available(self) -> bool:
        return True  # the bookings are the hub's, known whether or not the charger is connected

    def _booking(self) -> Booking | None:
        return self._book.next_booking(evse_uid_of(self.coordinator), dt_util.utcnow())

    @property
    def native_value(self) -> datetime | None:
        booking = self._booking()
        return None if booking is None else booking.start

    @property
    def extra_state_attributes(self) -> dict[str, Any] | None:
        booking = self._booking()
        if booking is None:
            return None
        return {"booking_id": booking.booking_id, "end": booking.end.isoformat(), "driver": booking.driver}

    async def async_added_to_hass(self) -> None:
        await super().async_added_to_hass()
        self.async_on_remove(self._book.add_listener(self._refresh))
        self.async_on_remove(self._alarm.clear)
        self._refresh()

    @callback
    def _refresh(self, _now: datetime | None = None) -> None:
        booking = self._booking()
        self._alarm.set(
            None if booking is None else async_track_point_in_utc_time(self.hass, self._refresh, booking.end)
        )
        self.async_write_ha_state()


class TodaysEarningsSensor(SensorEntity):
    """The CDRs the hub issued since local midnight, in the currency of the latest one; 0 again at midnight."""

    _attr_has_entity_name = True
    entity_description = TODAYS_EARNINGS

    def __init__(self, book: BookingBook, device_info: DeviceInfo, unique_id: str) -> None:
        self._book = book
        self._attr_device_info = device_info
        self._attr_unique_id = unique_id
        self._alarm = _Alarm()

    @property
    def native_unit_of_measurement(self) -> str | None:
        return self._book.last_currency()

    @property
    def native_value(self) -> float | None:
        currency = self._book.last_currency()
        if currency is None:
            return None  # no CDR yet: not even the currency is known
        return self._book.earnings_since(self.last_reset).get(currency, 0.0)

    @property
    def last_reset(self) -> datetime:
        return dt_util.start_of_local_day()

    async def async_added_to_hass(self) -> None:
        await super().async_added_to_hass()
        self.async_on_remove(self._book.add_listener(self.async_write_ha_state))
        self.async_on_remove(self._alarm.clear)
        self._at_midnight()

    @callback
    def _at_midnight(self, _now: datetime | None = None) -> None:
        midnight = dt_util.start_of_local_day(dt_util.now() + timedelta(days=1))
        self._alarm.set(async_track_point_in_utc_time(self.hass, self._at_midnight, midnight))
        self.async_write_ha_state()


def todays_earnings(entry: ConfigEntry, book: BookingBook) -> TodaysEarningsSensor:
    """The earnings sensor of the hub link entry's device: CDRs name sessions, not chargers."""
    device = hub_device_info(entry, entry.data[CONF_HUB_URL])
    return TodaysEarningsSensor(book, device, f"hub_link_{entry.entry_id}_todays_earnings")
