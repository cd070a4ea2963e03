"""Persistence of the chargers' sessions, energy registers, controller and sharing settings, one Store per entry."""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryError
from homeassistant.helpers.storage import Store

from .charger import Charger
from .const import DOMAIN

STORAGE_VERSION = 1
# Meter values come every few seconds; a crash loses at most this much (the charger's register,
# read again after the restart, still has every kWh).
SAVE_DELAY_S = 10


class ChargerStore:
    """Saves every charger of a config entry in one file, coalescing frequent changes."""

    def __init__(self, hass: HomeAssistant, entry_id: str) -> None:
        self._store: Store[dict[str, Any]] = Store(hass, STORAGE_VERSION, f"{DOMAIN}.{entry_id}")
        self._chargers: dict[str, Charger] = {}
        self._stored: dict[str, Any] = {}
        self._control: dict[str, dict[str, Any]] = {}
        self._sharing: dict[str, dict[str, Any]] = {}
        self._save_scheduled = False

    async def async_load(self) -> None:
        data = await self._store.async_load() or {}
        self._stored = data.get("chargers", {})
        self._control = data.get("control", {})
        self._sharing = data.get("sharing", {})

    def stored(self, charger_id: str) -> dict[str, Any] | None:
        return self._stored.get(charger_id)

    def control_settings(self, charger_id: str) -> dict[str, Any] | None:
        """The charger's controller settings (control_settings.py), as last saved."""
        return self._control.get(charger_id)

    def save_control_settings(self, charger_id: str, settings: dict[str, Any]) -> None:
        self._control[charger_id] = settings
        self.schedule_save()

    def sharing_settings(self, charger_id: str) -> dict[str, Any] | None:
        """The charger's sharing settings (sharing_settings.py), as last saved."""
        return self._sharing.get(charger_id)

    def save_sharing_settings(self, charger_id: str, settings: dict[str, Any]) -> None:
        self._sharing[charger_id] = settings
        self.schedule_save()

    def track(self, charger: Charger) -> None:
        self._chargers[charger.charger_id] = charger

    def forget(self, charger_id: str) -> None:
        self._chargers.pop(charger_id, None)
        self._stored.pop(charger_id, None)
        self._control.pop(charger_id, None)
        self._sharing.pop(charger_id, None)
        self.schedule_save()

    def schedule_save(self) -> None:
        if not self._save_scheduled:
            self._save_scheduled = True
            self._store.async_delay_save(self._data, SAVE_DELAY_S)

    async def async_save(self) -> None:
        await self._store.async_save(self._data())

    async def async_remove(self) -> None:
        await self._store.async_remove()

    def _data(self) -> dict[str, Any]:
        self._save_scheduled = False
        chargers = dict(self._stored)  # chargers not running now (for example removed from options) keep theirs
        chargers.update({charger_id: c.persisted() for charger_id, c in self._chargers.items()})
        return {"chargers": chargers, "control": dict(self._control), "sharing": dict(self._sharing)}


def stored_data_error(entry: ConfigEntry, charger_id: str, err: ValueError) -> ConfigEntryError:
    """Setup stops on unreadable stored sessions, leaving the file as it is for the user to repair."""
    return ConfigEntryError(
        f"The stored sessions of charger {charger_id} are unreadable ({err}); they are kept as they are",
        translation_domain=DOMAIN,
        translation_key="stored_data_invalid",
        translation_placeholders={
            "charger": charger_id,
            "error": str(err),
            "file": f".storage/{DOMAIN}.{entry.entry_id}",
        },
    )
