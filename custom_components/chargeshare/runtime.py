"""A loaded config entry: its OCPP server, chargers, coordinators and store, and live option changes.

Changing a charger's settings, adding or removing one, or editing the id tags applies at once, without a
reload: a reload would drop every charger's connection, and some chargers take many minutes to redial.
Only the server's own settings (port, TLS) restart it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeAlias

from homeassistant.config_entries import SOURCE_INTEGRATION_DISCOVERY, ConfigEntry
from homeassistant.const import CONF_PASSWORD
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr, discovery_flow
from homeassistant.helpers.dispatcher import async_dispatcher_send

from .const import (
    CONF_CHARGE_POINT_ID,
    CONF_CHARGERS,
    CONF_ID_TAGS,
    CONF_MAX_CURRENT,
    CONF_PHASES,
    CONF_SKIP_SCHEMA_VALIDATION,
    DEFAULT_MAX_CURRENT,
    DOMAIN,
)
from .coordinator import ChargerCoordinator
from .ocpp.authorization import IdTagAuthorizer
from .ocpp.charger import REMOTE_START_TAG, OcppCharger, OcppChargerSettings
from .ocpp.protocol16 import BootInfo
from .ocpp.server import OcppServer, UnknownChargerHandler
from .storage import ChargerStore

# Chargers write every charging profile to flash: limits change at most this often (the newest wins).
PROFILE_WRITE_INTERVAL_S = 10.0


@dataclass(kw_only=True)
class ChargeShareRuntime:
    """What a loaded config entry holds."""

    server: OcppServer
    store: ChargerStore
    server_config: Mapping[str, Any]
    coordinators: dict[str, ChargerCoordinator] = field(default_factory=dict)
    discovered: set[str] = field(default_factory=set)


if TYPE_CHECKING:  # ConfigEntry is generic from Home Assistant 2024.4; subscripting it fails on 2024.3
    ChargeShareConfigEntry: TypeAlias = ConfigEntry[ChargeShareRuntime]
else:
    ChargeShareConfigEntry = ConfigEntry


def signal_charger_added(entry: ConfigEntry) -> str:
    """Dispatcher signal the platforms listen to, with the new charger's coordinator."""
    return f"{DOMAIN}_{entry.entry_id}_charger_added"


def charger_settings(charge_point_id: str, options: Mapping[str, Any]) -> OcppChargerSettings:
    return OcppChargerSettings(
        charge_point_id=charge_point_id,
        password=options.get(CONF_PASSWORD) or None,
        max_current_a=float(options.get(CONF_MAX_CURRENT, DEFAULT_MAX_CURRENT)),
        phases=int(options.get(CONF_PHASES, 3)),
        validate_messages=not options.get(CONF_SKIP_SCHEMA_VALIDATION, False),
    )


def authorizer(entry: ConfigEntry) -> IdTagAuthorizer:
    return IdTagAuthorizer(entry.options.get(CONF_ID_TAGS, {}), REMOTE_START_TAG)


def add_charger(
    hass: HomeAssistant, entry: ConfigEntry, runtime: ChargeShareRuntime, settings: OcppChargerSettings
) -> ChargerCoordinator:
    """Create the charger and its coordinator; ValueError if its stored data is unusable."""
    stored = runtime.store.stored(settings.charge_point_id)
    charger = OcppCharger(
        settings,
        authorizer(entry),
        stored=stored,
        on_persist=runtime.store.schedule_save,
        profile_interval_s=PROFILE_WRITE_INTERVAL_S,
    )
    runtime.store.track(charger)
    coordinator = ChargerCoordinator(hass, charger)
    coordinator.config_entry = entry
    runtime.coordinators[charger.charger_id] = coordinator
    runtime.server.add(charger)
    return coordinator


def unknown_charger_handler(
    hass: HomeAssistant, entry: ConfigEntry, runtime: ChargeShareRuntime
) -> UnknownChargerHandler:
    """Offer a charger that is not configured to the user, once per run."""

    @callback
    def _offer(charge_point_id: str, boot: BootInfo) -> None:
        if charge_point_id in runtime.discovered:
            return
        runtime.discovered.add(charge_point_id)
        discovery_flow.async_create_flow(
            hass,
            DOMAIN,
            context={"source": SOURCE_INTEGRATION_DISCOVERY},
            data={
                "entry_id": entry.entry_id,
                CONF_CHARGE_POINT_ID: charge_point_id,
                "vendor": boot.vendor,
                "model": boot.model,
            },
        )

    return _offer


def server_settings_changed(entry: ConfigEntry, runtime: ChargeShareRuntime) -> bool:
    return dict(entry.data) != dict(runtime.server_config)


async def async_apply_options(hass: HomeAssistant, entry: ChargeShareConfigEntry) -> None:
    """Bring the running chargers in line with the entry's options."""
    runtime = entry.runtime_data
    wanted = {
        cp_id: charger_settings(cp_id, options) for cp_id, options in entry.options.get(CONF_CHARGERS, {}).items()
    }
    tags = authorizer(entry)
    for charger_id in set(runtime.coordinators) - set(wanted):
        coordinator = runtime.coordinators.pop(charger_id)
        await runtime.server.async_remove(charger_id)
        await coordinator.async_shutdown()
        runtime.store.forget(charger_id)
        device = coordinator.device()
        if device is not None:
            dr.async_get(hass).async_remove_device(device.id)
    for charger_id, settings in wanted.items():
        coordinator = runtime.coordinators.get(charger_id)
        if coordinator is None:
            coordinator = add_charger(hass, entry, runtime, settings)
            runtime.discovered.discard(charger_id)
            async_dispatcher_send(hass, signal_charger_added(entry), coordinator)
        elif coordinator.charger.settings != settings:
            coordinator.charger.update_settings(settings)
        coordinator.charger.authorizer = tags
