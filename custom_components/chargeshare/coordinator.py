"""The one place that holds a charger's live state and pushes it to the entities."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import TypeVar

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator

from .charger import (
    Charger,
    ChargerError,
    ChargerNotSupported,
    ChargerOffline,
    ChargerRejected,
    ChargerState,
    ChargerTimeout,
)
from .const import DOMAIN, LOGGER
from .ocpp.charger import OcppCharger

_T = TypeVar("_T")

# Meter values can arrive several times a second; entities need not follow faster than this.
ENTITY_UPDATE_COOLDOWN_S = 1.0
# While a session runs its duration grows without any message from the charger.
REFRESH_INTERVAL = timedelta(minutes=1)
_ERRORS: tuple[tuple[type[ChargerError], str], ...] = (
    (ChargerOffline, "charger_offline"),
    (ChargerTimeout, "charger_timeout"),
    (ChargerNotSupported, "charger_not_supported"),
    (ChargerRejected, "charger_rejected"),
    (ChargerError, "charger_error"),
)


class ChargerCoordinator(DataUpdateCoordinator[ChargerState]):
    """Follows one charger: its pushes become entity updates, its errors translated messages."""

    config_entry: ConfigEntry

    def __init__(
        self, hass: HomeAssistant, entry: ConfigEntry, charger: Charger, *, unique_id: str, device_name: str
    ) -> None:
        super().__init__(hass, LOGGER, name=f"{DOMAIN} {charger.charger_id}", update_interval=REFRESH_INTERVAL)
        self.config_entry = entry
        self.charger = charger
        self.device_name = device_name
        self._unique_id = unique_id
        self.data = charger.state
        self._cooldown: asyncio.TimerHandle | None = None
        self._changed_in_cooldown = False
        self._remove_listener = charger.add_listener(self._on_charger_change)

    @property
    def unique_id(self) -> str:
        """The prefix of every unique id of this charger's entities."""
        return self._unique_id

    @property
    def device_identifier(self) -> tuple[str, str]:
        return (DOMAIN, self._unique_id)

    @property
    def ocpp(self) -> OcppCharger:
        """The charger as an OCPP charger, for what only OCPP offers (configuration keys, reset, ...)."""
        if not isinstance(self.charger, OcppCharger):
            raise ChargerNotSupported(f"{self.device_name} is not an OCPP charger")
        return self.charger

    async def _async_update_data(self) -> ChargerState:
        return self.charger.state

    @callback
    def _on_charger_change(self) -> None:
        state = self.charger.state
        if state.identity != self.data.identity:
            self._update_device(state)
        if state.online != self.data.online:
            LOGGER.info("Charger %s is %s", self.device_name, "online" if state.online else "offline")
            self._publish()  # entities become (un)available at once
        elif self._cooldown is not None:
            self._changed_in_cooldown = True
        else:
            self._publish()

    def _publish(self) -> None:
        if self._cooldown is not None:
            self._cooldown.cancel()
        self._changed_in_cooldown = False
        self.async_set_updated_data(self.charger.state)
        self._cooldown = self.hass.loop.call_later(ENTITY_UPDATE_COOLDOWN_S, self._end_cooldown)

    def _end_cooldown(self) -> None:
        self._cooldown = None
        if self._changed_in_cooldown:
            self._publish()

    def device(self) -> dr.DeviceEntry | None:
        """The charger's device (looked up through its entry, as Home Assistant 2026 wants)."""
        identifier = self.device_identifier
        devices = dr.async_entries_for_config_entry(dr.async_get(self.hass), self.config_entry.entry_id)
        return next((device for device in devices if identifier in device.identifiers), None)

    def _update_device(self, state: ChargerState) -> None:
        device = self.device()
        if device is not None:
            identity = state.identity
            dr.async_get(self.hass).async_update_device(
                device.id,
                manufacturer=identity.vendor,
                model=identity.model,
                sw_version=identity.firmware,
                serial_number=identity.serial,
            )

    async def async_command(self, command: Callable[[], Awaitable[_T]]) -> _T:
        """Run a charger command; its failure becomes a translated HomeAssistantError."""
        try:
            return await command()
        except ChargerError as err:
            key = next(key for kind, key in _ERRORS if isinstance(err, kind))
            raise HomeAssistantError(
                str(err),
                translation_domain=DOMAIN,
                translation_key=key,
                translation_placeholders={"charger": self.device_name, "error": str(err)},
            ) from err

    async def async_shutdown(self) -> None:
        self._remove_listener()
        if self._cooldown is not None:
            self._cooldown.cancel()
            self._cooldown = None
        await super().async_shutdown()
