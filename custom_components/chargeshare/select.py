"""Selects: each charger's charging mode (manual, or one of the controller's)."""

from __future__ import annotations

from homeassistant.components.select import SelectEntity, SelectEntityDescription
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddEntitiesCallback

from .control_entity import ControlSettingEntity
from .control_settings import MODES
from .entity import async_add_charger_entities
from .runtime import ChargeShareConfigEntry

PARALLEL_UPDATES = 1

CHARGING_MODE = SelectEntityDescription(key="charging_mode", translation_key="charging_mode", options=list(MODES))


async def async_setup_entry(
    hass: HomeAssistant, entry: ChargeShareConfigEntry, async_add_entities: AddEntitiesCallback
) -> None:
    async_add_charger_entities(
        hass, entry, async_add_entities, lambda coordinator: (ChargingModeSelect(coordinator, CHARGING_MODE),)
    )


class ChargingModeSelect(ControlSettingEntity, SelectEntity):
    """Manual leaves the charger to the host; the other modes hand it to the controller."""

    @property
    def current_option(self) -> str:
        return self.control.settings.mode

    async def async_select_option(self, option: str) -> None:
        await self.control.async_change(mode=option)
