"""What a loaded config entry holds, whichever transport its chargers use."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeAlias

from homeassistant.config_entries import ConfigEntry

from .const import CONF_TRANSPORT, DOMAIN, TRANSPORT_OCPP
from .control_entry import ChargerControl
from .coordinator import ChargerCoordinator
from .ocpp.server import OcppServer
from .storage import ChargerStore


@dataclass(kw_only=True)
class ChargeShareRuntime:
    """An OCPP entry's server and chargers, or a Modbus entry's one charger."""

    store: ChargerStore
    config: Mapping[str, Any]  # the entry data it was set up with: a change means a restart
    coordinators: dict[str, ChargerCoordinator] = field(default_factory=dict)
    controls: dict[str, ChargerControl] = field(default_factory=dict)  # same keys as `coordinators`
    server: OcppServer | None = None
    discovered: set[str] = field(default_factory=set)  # OCPP charge point ids offered to the user this run


if TYPE_CHECKING:  # ConfigEntry is generic from Home Assistant 2024.4; subscripting it fails on 2024.3
    ChargeShareConfigEntry: TypeAlias = ConfigEntry[ChargeShareRuntime]
else:
    ChargeShareConfigEntry = ConfigEntry


def transport(entry: ConfigEntry) -> str:
    """ "ocpp" or "modbus"; entries from before Modbus existed are OCPP."""
    return str(entry.data.get(CONF_TRANSPORT, TRANSPORT_OCPP))


def signal_charger_added(entry: ConfigEntry) -> str:
    """Dispatcher signal the platforms listen to, with the new charger's coordinator."""
    return f"{DOMAIN}_{entry.entry_id}_charger_added"
