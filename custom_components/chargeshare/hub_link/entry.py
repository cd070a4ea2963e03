"""The hub link config entry: the third kind of ChargeShare entry, one per Home Assistant.

Its data is the hub's address and the link token (never the host's password); its options are the listing.
Setting it up loads the outbox and the link's state, attaches the booking handlers, starts following the
chargers of the other entries and opens the connection.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, TypeAlias

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import Platform, __version__ as ha_version
from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.loader import async_get_integration

from ..const import CONF_TRANSPORT, DOMAIN, KIND_HUB_LINK
from .bookings_link import async_attach_bookings, async_forget_bookings
from .entity import LinkConnectedSensor
from .feed import ChargerFeed
from .health import LinkHealth
from .link import HubLink
from .listing import ListingPublisher
from .outbox import Outbox, outbox_key
from .state import LinkState, state_key

CONF_HUB_URL: Final = "hub_url"
CONF_TOKEN: Final = "token"  # noqa: S105 - the key of the link token (revocable on the hub, scope `link`)
CONF_TOKEN_ID: Final = "token_id"  # noqa: S105 - a key name
PLATFORMS: Final = [Platform.BINARY_SENSOR, Platform.SENSOR]


@dataclass(kw_only=True)
class HubLinkRuntime:
    config: Mapping[str, Any]  # the entry data it was set up with: a change (a new token) means a restart
    link: HubLink
    state: LinkState
    feed: ChargerFeed
    listing: ListingPublisher
    stop_bookings: Callable[[], None]


if TYPE_CHECKING:  # ConfigEntry is generic from Home Assistant 2024.4; subscripting it fails on 2024.3
    HubLinkConfigEntry: TypeAlias = ConfigEntry[HubLinkRuntime]
else:
    HubLinkConfigEntry = ConfigEntry


def is_hub_link(entry: ConfigEntry) -> bool:
    return entry.data.get(CONF_TRANSPORT) == KIND_HUB_LINK


async def async_setup_hub_link(hass: HomeAssistant, entry: HubLinkConfigEntry) -> bool:
    hub_url = entry.data[CONF_HUB_URL]
    outbox = Outbox(hass, outbox_key(entry.entry_id))
    await outbox.async_load()
    state = LinkState(hass, state_key(entry.entry_id))
    await state.async_load()
    integration = await async_get_integration(hass, DOMAIN)

    def hello() -> dict[str, Any]:
        return {"integration_version": str(integration.version), "ha_version": ha_version, "chargers": feed.evse_uids}

    link = HubLink(
        hass,
        hub_url=hub_url,
        token=entry.data[CONF_TOKEN],
        outbox=outbox,
        health=LinkHealth(hass, hub_url),
        hello=hello,
        on_auth_refused=lambda: entry.async_start_reauth(hass),
        session=async_get_clientsession(hass),
    )
    feed = ChargerFeed(hass, link, state, entry.entry_id)
    entry.runtime_data = HubLinkRuntime(
        config=dict(entry.data),
        link=link,
        state=state,
        feed=feed,
        listing=ListingPublisher(
            hass, link, state, entry.entry_id, on_location_known=feed.location_known, options=lambda: entry.options
        ),
        stop_bookings=await async_attach_bookings(hass, link, state),
    )
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    feed.start()
    entry.async_on_unload(entry.runtime_data.listing.start())
    link.start()
    entry.async_on_unload(entry.add_update_listener(_async_entry_updated))
    return True


async def _async_entry_updated(hass: HomeAssistant, entry: HubLinkConfigEntry) -> None:
    """New options publish the listing; new data (a token from reauthentication, another hub) restart the link."""
    runtime = entry.runtime_data
    if dict(entry.data) != dict(runtime.config):
        hass.config_entries.async_schedule_reload(entry.entry_id)
        return
    await runtime.listing.async_publish(entry.options)


async def async_unload_hub_link(hass: HomeAssistant, entry: HubLinkConfigEntry) -> bool:
    unloaded = await hass.config_entries.async_unload_platforms(entry, PLATFORMS)
    if unloaded:
        runtime = entry.runtime_data
        runtime.stop_bookings()
        await runtime.feed.async_stop()  # first: what it decided still goes into the outbox
        await runtime.link.async_stop()
        await runtime.state.async_flush()
    return unloaded


async def async_remove_hub_link(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """The host removed the link: its outbox and state go too, and so do its repair issues."""
    await Outbox(hass, outbox_key(entry.entry_id)).async_remove()
    await LinkState(hass, state_key(entry.entry_id)).async_remove()
    LinkHealth(hass, entry.data.get(CONF_HUB_URL, "")).remove()
    await async_forget_bookings(hass)


def link_entities(entry: HubLinkConfigEntry) -> list[LinkConnectedSensor]:
    """The binary sensors of the link entry's device."""
    return [LinkConnectedSensor(entry, entry.runtime_data.link, entry.data[CONF_HUB_URL])]
