"""Numbers: each charger's current limit."""

from __future__ import annotations

from typing import Any

from homeassistant.components.number import NumberDeviceClass, NumberEntity, NumberEntityDescription, NumberMode
from homeassistant.const import UnitOfElectricCurrent
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddEntitiesCallback

from .charger import Capability
from .const import MIN_CURRENT
from .entity import ChargeShareEntity, async_add_charger_entities
from .runtime import ChargeShareConfigEntry

PARALLEL_UPDATES = 1

CURRENT_LIMIT = NumberEntityDescription(
    key="current_limit",
    translation_key="current_limit",
    device_class=NumberDeviceClass.CURRENT,
    native_unit_of_measurement=UnitOfElectricCurrent.AMPERE,
    native_min_value=MIN_CURRENT,
    native_step=1,
    mode=NumberMode.SLIDER,
)


async def async_setup_entry(
    hass: HomeAssistant, entry: ChargeShareConfigEntry, async_add_entities: AddEntitiesCallback
) -> None:
    async_add_charger_entities(
        hass, entry, async_add_entities, lambda coordinator: (CurrentLimitNumber(coordinator, CURRENT_LIMIT),)
    )


class CurrentLimitNumber(ChargeShareEntity, NumberEntity):
    """The most current the car may draw per phase; written to the charger as a charging profile."""

    @property
    def available(self) -> bool:
        return super().available and Capability.SMART_CHARGING in self.coordinator.data.capabilities

    @property
    def native_max_value(self) -> float:
        return self.coordinator.data.max_current_a

    @property
    def native_value(self) -> float:
        state = self.coordinator.data
        return state.max_current_a if state.current_limit_a is None else state.current_limit_a

    def _shown(self) -> tuple[Any, ...]:
        return (*super()._shown(), self.native_max_value)

    async def async_set_native_value(self, value: float) -> None:
        charger = self.coordinator.charger
        await self.coordinator.async_command(lambda: charger.async_set_current(value))
        self.async_write_ha_state()
