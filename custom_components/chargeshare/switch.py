"""Switches: whether charging is allowed, whether the charger is in service, and whether it is shared."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from homeassistant.components.switch import SwitchEntity, SwitchEntityDescription
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.entity_platform import AddEntitiesCallback

from .charger import Capability, ChargerState
from .coordinator import ChargerCoordinator
from .entity import ChargeShareEntity, async_add_charger_entities, supported
from .runtime import ChargeShareConfigEntry
from .sharing_entity import SharingEntity

PARALLEL_UPDATES = 1


@dataclass(frozen=True, kw_only=True)
class ChargeShareSwitchDescription(SwitchEntityDescription):
    is_on_fn: Callable[[ChargerState], bool | None]
    set_fn: Callable[[ChargerCoordinator, bool], Awaitable[None]]
    capability: Capability = Capability.NONE


SWITCHES: tuple[ChargeShareSwitchDescription, ...] = (
    ChargeShareSwitchDescription(
        key="charging_allowed",
        translation_key="charging_allowed",
        is_on_fn=lambda state: state.enabled,
        set_fn=lambda coordinator, on: coordinator.charger.async_enable(on),
    ),
    ChargeShareSwitchDescription(
        key="available",
        translation_key="available",
        entity_category=EntityCategory.CONFIG,
        capability=Capability.AVAILABILITY,
        is_on_fn=lambda state: state.available,
        set_fn=lambda coordinator, on: coordinator.ocpp.async_set_available(on),
    ),
)

# Stored by us, default off: a new installation shares nothing until the host says so.
SHARING = SwitchEntityDescription(key="sharing", translation_key="sharing")


async def async_setup_entry(
    hass: HomeAssistant, entry: ChargeShareConfigEntry, async_add_entities: AddEntitiesCallback
) -> None:
    def build(coordinator: ChargerCoordinator) -> list[Entity]:
        return [
            *(ChargeShareSwitch(coordinator, d) for d in supported(coordinator, SWITCHES)),
            SharingSwitch(coordinator, SHARING),
        ]

    async_add_charger_entities(hass, entry, async_add_entities, build)


class ChargeShareSwitch(ChargeShareEntity, SwitchEntity):
    entity_description: ChargeShareSwitchDescription

    @property
    def available(self) -> bool:
        return super().available and self.entity_description.capability in self.coordinator.data.capabilities

    @property
    def is_on(self) -> bool | None:
        return self.entity_description.is_on_fn(self.coordinator.data)

    async def async_turn_on(self, **kwargs: Any) -> None:
        await self._async_set(True)

    async def async_turn_off(self, **kwargs: Any) -> None:
        await self._async_set(False)

    async def _async_set(self, on: bool) -> None:
        await self.coordinator.async_command(lambda: self.entity_description.set_fn(self.coordinator, on))
        self.async_write_ha_state()


class SharingSwitch(SharingEntity, SwitchEntity):
    """Whether the hub may offer this charger to guests; off never ends a guest session already running."""

    @property
    def is_on(self) -> bool:
        return self.sharing.settings.enabled

    async def async_turn_on(self, **kwargs: Any) -> None:
        self.sharing.change(enabled=True)

    async def async_turn_off(self, **kwargs: Any) -> None:
        self.sharing.change(enabled=False)
