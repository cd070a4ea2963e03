"""End to end, in real processes on 127.0.0.1: a hub (`python -m chargeshare_hub serve`, SQLite in the test's
temporary folder), a test Home Assistant with the integration (an OCPP central system and a hub link made
through the config flow), and a simulated OCPP charger dialling in to the central system.

`home` sets up what every story starts from: a host and a driver with hub accounts, the host's charger
connected, Home Assistant linked with a pairing code from the hub, and the listing published from Home
Assistant with its tariff, bookable with an id tag window that is open from now on (240 minutes' early start,
the most the hub allows), so that a booking for the next slot may charge at once.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import aiohttp
from homeassistant.config_entries import ConfigEntry, ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.chargeshare.hub_link import link as link_module
from custom_components.chargeshare.hub_link.link import Timing
from sim.ocpp_charge_point import SimulatedChargePoint

# A central system in the test Home Assistant, and chargers that dial in: the integration tests' fixtures.
from tests.integration.conftest import (  # noqa: F401
    chargers,
    config_entry,
    connect_charger,
    http,
    ocpp_port,
    publish_at_once,
    setup_integration,
    write_profiles_at_once,
)
from tests.integration.helpers import ConnectCharger

from .home import link_to_hub, publish_listing
from .hub_api import Account, HubApi
from .hub_process import HubProcess

TIME_ZONE = "Europe/Amsterdam"  # the listing's, and Home Assistant's
STEP = timedelta(minutes=5)
SLOT = timedelta(minutes=30)
TERMS = {"step_size_minutes": 5, "min_duration_minutes": 30, "early_start_allowed": True, "early_start_time": 240}
MAX_RECONNECT_WAIT_S = 0.2


@pytest.fixture(autouse=True)
def quick_reconnects(monkeypatch: pytest.MonkeyPatch) -> None:
    """The link's backoff keeps its shape, but no wait exceeds 0.2 s: the hub is back within a second or two
    here, and a full jitter of up to 2**n seconds would only make the tests slower."""
    monkeypatch.setattr(link_module, "LINK_TIMING", Timing(uniform=lambda _low, high: min(high, MAX_RECONNECT_WAIT_S)))


@pytest.fixture
async def hub(tmp_path: Path, socket_enabled: None) -> AsyncIterator[HubProcess]:
    process = HubProcess(tmp_path)
    await process.start()
    yield process
    await process.stop()
    print(f"--- the end of {process.log_path}:\n{process.log_tail()}")  # noqa: T201 - shown for a failed test


@pytest.fixture
def api(hub: HubProcess, http: aiohttp.ClientSession) -> HubApi:  # noqa: F811 - the imported fixture
    return HubApi(http, hub.url)


@dataclass(frozen=True, slots=True)
class Home:
    hub: HubProcess
    api: HubApi
    host: Account
    driver: Account
    ocpp_entry: MockConfigEntry
    link_entry: ConfigEntry
    location_id: str
    charge_point: SimulatedChargePoint


@pytest.fixture
async def home(
    hub: HubProcess,
    api: HubApi,
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,  # noqa: F811 - the imported fixture
    connect_charger: ConnectCharger,  # noqa: F811
) -> AsyncIterator[Home]:
    hass.config.set_time_zone(TIME_ZONE)
    host = await api.account("host@example.org", "Hanna", host=True)
    driver = await api.account("driver@example.org", "Dev", host=False)
    charge_point = await connect_charger()
    link_entry = await link_to_hub(hass, hub.url, await api.pairing_code(host))
    location_id = await publish_listing(hass, link_entry)
    await api.set_terms(host, location_id, TERMS)
    yield Home(hub, api, host, driver, setup_integration, link_entry, location_id, charge_point)
    # Home Assistant lets go of the hub before the hub stops, as at the end of any day.
    for entry in (link_entry, setup_integration):
        if entry.state is ConfigEntryState.LOADED:
            await hass.config_entries.async_unload(entry.entry_id)


def next_slot(*, later: timedelta = timedelta(0)) -> tuple[datetime, datetime]:
    """A bookable slot: on the 5-minute grid, starting at least 5 minutes from now (plus `later`)."""
    now = dt_util.utcnow().replace(second=0, microsecond=0)
    start = now - timedelta(minutes=now.minute % 5) + 2 * STEP + later
    return start, start + SLOT
