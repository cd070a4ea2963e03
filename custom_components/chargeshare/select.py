"""Selects: each charger's charging mode (manual, or one of the controller's), its phases where it can switch
them, and how guests charge."""

from __future__ import annotations

from homeassistant.components.select import SelectEntity, SelectEntityDescription
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.entity_platform import AddEntitiesCallback

from .charger import Capability
from .control_entity import ControlSettingEntity
from .control_settings import MODES, PHASE_POLICIES
from .coordinator import ChargerCoordinator
from .entity import async_add_charger_entities
from .runtime import ChargeShareConfigEntry
from .sharing_entity import SharingEntity
from .sharing_settings import GUEST_POWER_OPTIONS

PARALLEL_UPDATES = 1

CHARGING_MODE = SelectEntityDescription(key="charging_mode", translation_key="charging_mode", options=list(MODES))
PHASES = SelectEntityDescription(
    key="phases", translation_key="phases", options=PHASE_POLICIES, entity_category=EntityCategory.CONFIG
)
GUEST_CHARGING = SelectEntityDescription(
    key="guest_charging",
    translation_key="guest_charging",
    options=GUEST_POWER_OPTIONS,
    entity_category=EntityCategory.CONFIG,
)


async def async_setup_entry(
    hass: HomeAssistant, entry: ChargeShareConfigEntry, async_add_entities: AddEntitiesCallback
) -> None:
    def build(coordinator: ChargerCoordinator) -> list[Entity]:
        entities: list[Entity] = [ChargingModeSelect(coordinator, CHARGING_MODE)]
        if Capability.PHASE_SWITCHING in coordinator.data.capabilities:
            entities.append(PhasesSelect(coordinator, PHASES))
        entities.append(GuestChargingSelect(coordinator, GUEST_CHARGING))
        return entities

    async_add_charger_entities(hass, entry, async_add_entities, build)


class ChargingModeSelect(ControlSettingEntity, SelectEntity):
    """Manual leaves the charger to the host; the other modes hand it to the controller."""

    @property
    def current_option(self) -> str:
        return self.control.settings.mode

    async def async_select_option(self, option: str) -> None:
        await self.control.async_change(mode=option)


class PhasesSelect(ControlSettingEntity, SelectEntity):
    """Auto lets the controller switch between 1 and 3 phases with the surplus; 1 or 3 fixes them."""

    @property
    def current_option(self) -> str:
        return self.control.settings.phases

    async def async_select_option(self, option: str) -> None:
        await self.control.async_change(phases=option)


class GuestChargingSelect(SharingEntity, SelectEntity):
    """A guest's car charges at a fixed current, from surplus only, or at the minimum plus surplus."""

    @property
    def current_option(self) -> str:
        return self.sharing.settings.guest_power

    async def async_select_option(self, option: str) -> None:
        self.sharing.change(guest_power=option)
