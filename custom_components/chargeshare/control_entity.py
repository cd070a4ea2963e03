"""The base of the controller's entities: a charger's device entity that also follows its ChargerControl."""

from __future__ import annotations

from homeassistant.helpers.entity import EntityDescription

from .control_entry import ChargerControl
from .coordinator import ChargerCoordinator
from .entity import ChargeShareEntity
from .runtime import ChargeShareConfigEntry


def control_of(coordinator: ChargerCoordinator) -> ChargerControl:
    entry: ChargeShareConfigEntry = coordinator.config_entry
    return entry.runtime_data.controls[coordinator.charger.charger_id]


class ControlEntity(ChargeShareEntity):
    """Shows the controller's decision: available while the charger is online, like the charger's own."""

    def __init__(self, coordinator: ChargerCoordinator, description: EntityDescription) -> None:
        super().__init__(coordinator, description)
        self.control = control_of(coordinator)

    async def async_added_to_hass(self) -> None:
        await super().async_added_to_hass()
        self.async_on_remove(self.control.add_listener(self._handle_coordinator_update))


class ControlSettingEntity(ControlEntity):
    """A setting of the controller: stored by us, so it can be changed while the charger is away."""

    @property
    def available(self) -> bool:
        return True
