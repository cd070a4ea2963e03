"""Bookings through the real hub link: a hub on 127.0.0.1 sends them down the websocket, Home Assistant applies
them, acks them once, and what the host does goes back up."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

from aiohttp import web
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events

from custom_components.chargeshare.const import CONF_TRANSPORT, DOMAIN, KIND_HUB_LINK
from custom_components.chargeshare.hub_link.entry import CONF_HUB_URL, CONF_TOKEN, CONF_TOKEN_ID
from tests.hub_link.conftest import link_of
from tests.hub_link.fake_hub import TOKEN, FakeHub
from tests.integration.helpers import ConnectCharger
from tests.waiting import until

from .conftest import book_of, booking


@pytest.fixture
async def hub(socket_enabled: None) -> AsyncIterator[FakeHub]:
    fake = FakeHub()
    runner = web.AppRunner(fake.app())
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    fake.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield fake
    await runner.cleanup()


@pytest.fixture
async def link_entry(hass: HomeAssistant, hub: FakeHub) -> AsyncIterator[MockConfigEntry]:
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="ChargeShare hub",
        data={CONF_TRANSPORT: KIND_HUB_LINK, CONF_HUB_URL: hub.url, CONF_TOKEN: TOKEN, CONF_TOKEN_ID: 17},
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await until(lambda: link_of(entry).connected)  # welcome received: the hub may send down
    yield entry
    if entry.state is ConfigEntryState.LOADED:
        await hass.config_entries.async_unload(entry.entry_id)


def acks(hub: FakeHub, frame_id: str) -> list[str]:
    return [a["type"] for a in hub.answers() if a["payload"]["id"] == frame_id]


async def test_a_reserved_booking_opens_the_charger_to_its_tag_and_is_acked_once(
    hass: HomeAssistant, connect_charger: ConnectCharger, link_entry: MockConfigEntry, hub: FakeHub
) -> None:
    charge_point = await connect_charger()
    assert await charge_point.authorize("BK7F3A") == "Accepted"  # an open charger: any card
    await hub.send("booking.reserved", booking(dt_util.utcnow() + timedelta(hours=2)), frame_id="41")
    await until(lambda: acks(hub, "41") == ["ack"])
    assert await charge_point.authorize("BK7F3A") == "Invalid"  # booked, not yet: refused

    await hub.send("booking.reserved", booking(dt_util.utcnow()), frame_id="42")  # moved to now
    await until(lambda: acks(hub, "42") == ["ack"])
    assert await charge_point.authorize("BK7F3A") == "Accepted"

    await hub.send("booking.cancelled", {"booking_id": "bk-7f3a", "reason": "DRIVER"}, frame_id="43")
    await until(lambda: acks(hub, "43") == ["ack"])
    assert await charge_point.authorize("BK7F3A") == "Invalid"
    await hub.send("booking.reserved", booking(dt_util.utcnow()), frame_id="42")  # an old message again
    await until(lambda: acks(hub, "42") == ["ack", "ack"])
    assert await charge_point.authorize("BK7F3A") == "Invalid"  # acked, not applied a second time


async def test_a_booking_that_breaks_the_contract_is_nacked_with_its_field(
    hass: HomeAssistant, setup_integration: MockConfigEntry, link_entry: MockConfigEntry, hub: FakeHub
) -> None:
    await hub.send("booking.reserved", booking(dt_util.utcnow(), id_tag=None), frame_id="50")
    await until(lambda: len(acks(hub, "50")) == 1)
    [nack] = [a for a in hub.answers() if a["payload"]["id"] == "50"]
    assert nack["type"] == "nack"
    assert (nack["payload"]["code"], nack["payload"]["field"]) == ("invalid", "id_tag")


async def test_the_hosts_approval_goes_up_as_booking_answer(
    hass: HomeAssistant, setup_integration: MockConfigEntry, link_entry: MockConfigEntry, hub: FakeHub
) -> None:
    events = async_capture_events(hass, "chargeshare_booking_requested")
    start = dt_util.utcnow() + timedelta(days=1)
    await hub.send("booking.requested", booking(start, status="PENDING", id_tag=None), frame_id="44")
    await until(lambda: len(events) == 1)
    await hass.services.async_call(DOMAIN, "approve_booking", {"booking_id": "bk-7f3a"}, blocking=True)
    await until(lambda: hub.payloads("booking.answer") == [{"booking_id": "bk-7f3a", "accept": True}])


async def test_todays_earnings_add_up_the_cdrs_once_each(
    hass: HomeAssistant, setup_integration: MockConfigEntry, link_entry: MockConfigEntry, hub: FakeHub
) -> None:
    earnings = er.async_get(hass).async_get_entity_id(
        "sensor", DOMAIN, f"hub_link_{link_entry.entry_id}_todays_earnings"
    )
    assert earnings is not None
    assert hass.states.get(earnings).state == "unknown"  # type: ignore[union-attr]

    cdr = {"session_id": "s1", "cdr_id": "CDR-1", "currency": "EUR", "total_cost": {"excl_vat": 2.0, "incl_vat": 2.38}}
    await hub.send("cdr.issued", cdr, frame_id="45")
    await hub.send("cdr.issued", cdr, frame_id="45")  # resent before the ack arrived
    await hub.send("cdr.issued", {**cdr, "session_id": "s2", "cdr_id": "CDR-2"}, frame_id="46")
    await until(lambda: len(acks(hub, "46")) == 1)
    await hass.async_block_till_done()
    state = hass.states.get(earnings)
    assert state is not None
    assert (state.state, state.attributes["unit_of_measurement"]) == ("4.76", "EUR")


async def test_removing_the_link_forgets_its_bookings(
    hass: HomeAssistant, setup_integration: MockConfigEntry, link_entry: MockConfigEntry, hub: FakeHub
) -> None:
    await hub.send("booking.reserved", booking(dt_util.utcnow()), frame_id="47")
    await until(lambda: acks(hub, "47") == ["ack"])
    assert book_of(hass).holding() != []
    await hass.config_entries.async_remove(link_entry.entry_id)
    assert book_of(hass).holding() == []
