"""The base of the sharing entities: a charger's device entity that follows its ChargerSharing."""

from __future__ import annotations

from homeassistant.helpers.entity import EntityDescription

from .control_entity import control_of
from .coordinator import ChargerCoordinator
from .entity import ChargeShareEntity


class SharingEntity(ChargeShareEntity):
    """Always available: the settings are ours, and "not available for sharing" is an answer while offline."""

    def __init__(self, coordinator: ChargerCoordinator, description: EntityDescription) -> None:
        super().__init__(coordinator, description)
        self.sharing = control_of(coordinator).sharing

    @property
    def available(self) -> bool:
        return True

    async def async_added_to_hass(self) -> None:
        await super().async_added_to_hass()
        self.async_on_remove(self.sharing.add_listener(self._handle_coordinator_update))
