"""Binary sensors: whether each charger is connected, available for sharing, and charging a guest; and whether
the hub link is connected (the link entry's one entity)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from homeassistant.components.binary_sensor import (
    BinarySensorDeviceClass,
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.entity_platform import AddEntitiesCallback

from .coordinator import ChargerCoordinator
from .entity import ChargeShareEntity, async_add_charger_entities
from .hub_link.entry import is_hub_link, link_entities
from .runtime import ChargeShareConfigEntry
from .sharing_entity import SharingEntity
from .sharing_entry import ChargerSharing

PARALLEL_UPDATES = 0

ONLINE = BinarySensorEntityDescription(
    key="online",
    translation_key="online",
    device_class=BinarySensorDeviceClass.CONNECTIVITY,
    entity_category=EntityCategory.DIAGNOSTIC,
)


@dataclass(frozen=True, kw_only=True)
class SharingBinarySensorDescription(BinarySensorEntityDescription):
    is_on_fn: Callable[[ChargerSharing], bool]


SHARING_BINARY_SENSORS: tuple[SharingBinarySensorDescription, ...] = (
    SharingBinarySensorDescription(
        key="sharing_available",
        translation_key="sharing_available",
        is_on_fn=lambda sharing: sharing.availability.available,
    ),
    SharingBinarySensorDescription(  # only the hub link sets it (ChargerSharing.set_guest_session)
        key="guest_session",
        translation_key="guest_session",
        device_class=BinarySensorDeviceClass.RUNNING,
        is_on_fn=lambda sharing: sharing.guest_session_active,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant, entry: ChargeShareConfigEntry, async_add_entities: AddEntitiesCallback
) -> None:
    if is_hub_link(entry):
        async_add_entities(link_entities(entry))
        return

    def build(coordinator: ChargerCoordinator) -> list[Entity]:
        return [
            ChargerOnlineSensor(coordinator, ONLINE),
            *(SharingBinarySensor(coordinator, description) for description in SHARING_BINARY_SENSORS),
        ]

    async_add_charger_entities(hass, entry, async_add_entities, build)


class ChargerOnlineSensor(ChargeShareEntity, BinarySensorEntity):
    """On while the charger's websocket is connected; the one entity that stays available offline."""

    @property
    def available(self) -> bool:
        return self.coordinator.last_update_success

    @property
    def is_on(self) -> bool:
        return self.coordinator.data.online


class SharingBinarySensor(SharingEntity, BinarySensorEntity):
    entity_description: SharingBinarySensorDescription

    @property
    def is_on(self) -> bool:
        return self.entity_description.is_on_fn(self.sharing)
