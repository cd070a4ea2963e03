"""Texts: each charger's weekly sharing hours."""

from __future__ import annotations

from homeassistant.components.text import TextEntity, TextEntityDescription
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddEntitiesCallback

from .entity import async_add_charger_entities
from .runtime import ChargeShareConfigEntry
from .sharing_entity import SharingEntity

PARALLEL_UPDATES = 1

SHARING_WINDOWS = TextEntityDescription(
    key="sharing_windows",
    translation_key="sharing_windows",
    entity_category=EntityCategory.CONFIG,
    native_max=255,  # a state holds at most 255 characters
)


async def async_setup_entry(
    hass: HomeAssistant, entry: ChargeShareConfigEntry, async_add_entities: AddEntitiesCallback
) -> None:
    async_add_charger_entities(
        hass, entry, async_add_entities, lambda coordinator: (SharingWindowsText(coordinator, SHARING_WINDOWS),)
    )


class SharingWindowsText(SharingEntity, TextEntity):
    """ "mon-fri 08:00-18:00; sat,sun 00:00-24:00" in the host's time; empty: at any hour.

    Text the parser refuses raises a translated error with its reason and changes nothing; accepted text is
    stored and shown in its canonical form.
    """

    @property
    def native_value(self) -> str:
        return self.sharing.settings.windows

    async def async_set_value(self, value: str) -> None:
        self.sharing.change(windows=value)
