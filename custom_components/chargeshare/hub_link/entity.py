"""The "link connected" binary sensor of the hub link entry's device (the hub, as Home Assistant sees it)."""

from __future__ import annotations

from homeassistant.components.binary_sensor import (
    BinarySensorDeviceClass,
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import EntityCategory
from homeassistant.helpers.device_registry import DeviceInfo

from ..const import DOMAIN
from .link import HubLink

LINK_CONNECTED = BinarySensorEntityDescription(
    key="hub_link_connected",
    translation_key="hub_link_connected",
    device_class=BinarySensorDeviceClass.CONNECTIVITY,
    entity_category=EntityCategory.DIAGNOSTIC,
)


def hub_device_info(entry: ConfigEntry, hub_url: str) -> DeviceInfo:
    return DeviceInfo(
        identifiers={(DOMAIN, f"hub_link_{entry.entry_id}")},
        name="ChargeShare hub",
        manufacturer="ChargeShare",
        model="Hub link",
        configuration_url=hub_url,
    )


class LinkConnectedSensor(BinarySensorEntity):
    """On while the websocket to the hub is up (after its welcome)."""

    _attr_has_entity_name = True
    _attr_should_poll = False

    def __init__(self, entry: ConfigEntry, link: HubLink, hub_url: str) -> None:
        self.entity_description = LINK_CONNECTED
        self._link = link
        self._attr_unique_id = f"hub_link_{entry.entry_id}_connected"
        self._attr_device_info = hub_device_info(entry, hub_url)

    async def async_added_to_hass(self) -> None:
        self.async_on_remove(self._link.add_listener(self.async_write_ha_state))

    @property
    def is_on(self) -> bool:
        return self._link.connected
