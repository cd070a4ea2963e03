"""Times: each charger's departure time for scheduled charging."""

from __future__ import annotations

from datetime import time

from homeassistant.components.time import TimeEntity, TimeEntityDescription
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddEntitiesCallback

from .control_entity import ControlSettingEntity
from .entity import async_add_charger_entities
from .runtime import ChargeShareConfigEntry

PARALLEL_UPDATES = 1

DEPARTURE = TimeEntityDescription(key="departure", translation_key="departure", entity_category=EntityCategory.CONFIG)


async def async_setup_entry(
    hass: HomeAssistant, entry: ChargeShareConfigEntry, async_add_entities: AddEntitiesCallback
) -> None:
    async_add_charger_entities(
        hass, entry, async_add_entities, lambda coordinator: (DepartureTime(coordinator, DEPARTURE),)
    )


class DepartureTime(ControlSettingEntity, TimeEntity):
    """When the car must have its target energy (scheduled mode): the next time the clock shows it."""

    @property
    def native_value(self) -> time | None:
        return self.control.settings.departure

    async def async_set_value(self, value: time) -> None:
        await self.control.async_change(departure=value)
