"""Buttons: restart a charger, unlock its connector."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from homeassistant.components.button import ButtonDeviceClass, ButtonEntity, ButtonEntityDescription
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddEntitiesCallback

from .charger import Capability
from .coordinator import ChargerCoordinator
from .entity import ChargeShareEntity, async_add_charger_entities, supported
from .runtime import ChargeShareConfigEntry

PARALLEL_UPDATES = 1


@dataclass(frozen=True, kw_only=True)
class ChargeShareButtonDescription(ButtonEntityDescription):
    press_fn: Callable[[ChargerCoordinator], Awaitable[None]]
    capability: Capability


BUTTONS: tuple[ChargeShareButtonDescription, ...] = (
    ChargeShareButtonDescription(
        key="reset",
        translation_key="reset",
        device_class=ButtonDeviceClass.RESTART,
        entity_category=EntityCategory.CONFIG,
        capability=Capability.RESET,
        press_fn=lambda coordinator: coordinator.ocpp.async_reset(),
    ),
    ChargeShareButtonDescription(
        key="unlock",
        translation_key="unlock",
        entity_category=EntityCategory.CONFIG,
        capability=Capability.UNLOCK,
        press_fn=lambda coordinator: coordinator.ocpp.async_unlock(),
    ),
)


async def async_setup_entry(
    hass: HomeAssistant, entry: ChargeShareConfigEntry, async_add_entities: AddEntitiesCallback
) -> None:
    async_add_charger_entities(
        hass,
        entry,
        async_add_entities,
        lambda coordinator: (ChargeShareButton(coordinator, d) for d in supported(coordinator, BUTTONS)),
    )


class ChargeShareButton(ChargeShareEntity, ButtonEntity):
    entity_description: ChargeShareButtonDescription

    @property
    def available(self) -> bool:
        return super().available and self.entity_description.capability in self.coordinator.data.capabilities

    async def async_press(self) -> None:
        await self.coordinator.async_command(lambda: self.entity_description.press_fn(self.coordinator))
