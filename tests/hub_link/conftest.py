"""A fake hub on 127.0.0.1 and a hub link entry of a test Home Assistant pointed at it."""

from __future__ import annotations

import asyncio
from typing import Any

from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.chargeshare.const import DOMAIN
from custom_components.chargeshare.hub_link import link as link_module
from custom_components.chargeshare.hub_link.link import HubLink, Timing

# The integration tests' central system and simulated chargers, for the tests with chargers.
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
from tests.waiting import until

from .fake_hub import TOKEN, FakeHub

RETRY_PAUSE_S = 0.01


@pytest.fixture
async def hub(aiohttp_server: Any, socket_enabled: None) -> FakeHub:
    """Request it before `hass` in a test's arguments: the server must outlive Home Assistant's teardown."""
    fake = FakeHub()
    server = await aiohttp_server(fake.app(), host="127.0.0.1")
    fake.port = server.port
    return fake


@pytest.fixture(autouse=True)
def waits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The waits the link chose between attempts; it actually pauses only a moment, and jitter takes the maximum."""
    chosen: list[float] = []

    async def sleep(seconds: float) -> None:
        chosen.append(seconds)
        await asyncio.sleep(RETRY_PAUSE_S)

    monkeypatch.setattr(link_module, "LINK_TIMING", Timing(sleep=sleep, uniform=lambda _low, high: high))
    return chosen


def link_entry_for(hub: FakeHub, token: str = TOKEN) -> MockConfigEntry:
    return MockConfigEntry(
        domain=DOMAIN,
        title="ChargeShare hub (127.0.0.1)",
        unique_id=f"127.0.0.1:{hub.port}",
        data={"transport": "hub_link", "hub_url": hub.url, "token": token, "token_id": 17},
    )


@pytest.fixture
def link_entry(hass: HomeAssistant, hub: FakeHub) -> MockConfigEntry:
    entry = link_entry_for(hub)
    entry.add_to_hass(hass)
    return entry


def link_of(entry: MockConfigEntry) -> HubLink:
    link: HubLink = entry.runtime_data.link
    return link


@pytest.fixture
async def linked(hass: HomeAssistant, hub: FakeHub, link_entry: MockConfigEntry) -> MockConfigEntry:
    """The link entry, set up and connected (welcome received)."""
    assert await hass.config_entries.async_setup(link_entry.entry_id)
    await until(lambda: link_of(link_entry).connected)
    return link_entry
