"""The base of every ChargeShare entity, and how platforms create entities for each charger."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any, Protocol, TypeVar

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.dispatcher import async_dispatcher_connect
from homeassistant.helpers.entity import Entity, EntityDescription
from homeassistant.helpers.entity_platform import AddEntitiesCallback
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .charger import Capability
from .coordinator import ChargerCoordinator
from .runtime import ChargeShareConfigEntry, signal_charger_added


class _NeedsCapability(Protocol):
    @property
    def capability(self) -> Capability: ...


_D = TypeVar("_D", bound=_NeedsCapability)


def supported(coordinator: ChargerCoordinator, descriptions: Iterable[_D]) -> Iterator[_D]:
    """The descriptions of what this charger can do; an OCPP charger not yet booted is assumed to do it all."""
    capabilities = coordinator.data.capabilities
    return (description for description in descriptions if description.capability in capabilities)


class ChargeShareEntity(CoordinatorEntity[ChargerCoordinator]):
    """An entity of one charger's device, available while the charger is connected."""

    _attr_has_entity_name = True

    def __init__(self, coordinator: ChargerCoordinator, description: EntityDescription) -> None:
        super().__init__(coordinator)
        self._last_shown: tuple[Any, ...] | None = None
        self.entity_description = description
        self._attr_unique_id = f"{coordinator.unique_id}_{description.key}"
        identity = coordinator.data.identity
        self._attr_device_info = DeviceInfo(
            identifiers={coordinator.device_identifier},
            name=coordinator.device_name,
            manufacturer=identity.vendor,
            model=identity.model,
            serial_number=identity.serial,
            sw_version=identity.firmware,
        )

    @property
    def available(self) -> bool:
        return super().available and self.coordinator.data.online

    @callback
    def _handle_coordinator_update(self) -> None:
        """Write the state only when what this entity shows changed: most updates touch a few meter sensors."""
        shown = self._shown()
        if shown != self._last_shown:
            self._last_shown = shown
            self.async_write_ha_state()

    def _shown(self) -> tuple[Any, ...]:
        """What the frontend would see change."""
        return (self.available, self.state)


def async_add_charger_entities(
    hass: HomeAssistant,
    entry: ChargeShareConfigEntry,
    async_add_entities: AddEntitiesCallback,
    build: Callable[[ChargerCoordinator], Iterable[Entity]],
) -> None:
    """Add `build(coordinator)` for every charger now, and for chargers added later."""
    async_add_entities(e for c in entry.runtime_data.coordinators.values() for e in build(c))

    @callback
    def _charger_added(coordinator: ChargerCoordinator) -> None:
        async_add_entities(build(coordinator))

    entry.async_on_unload(async_dispatcher_connect(hass, signal_charger_added(entry), _charger_added))
