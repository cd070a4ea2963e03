"""The hub link's transport: connecting, the outbox, reconnecting, and what the hub may say (docs/hub-link.md)."""

from __future__ import annotations

import json
from unittest.mock import patch

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.storage import Store
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.chargeshare.const import DOMAIN
from custom_components.chargeshare.diagnostics import async_get_config_entry_diagnostics
from custom_components.chargeshare.hub_link.outbox import outbox_key
from tests.waiting import until

from .conftest import link_of
from .fake_hub import SUBPROTOCOL, FakeHub

FAULT = {"location_id": "LOC1", "evse_uid": "CP1", "error_code": "GroundFailure", "info": "OUTOFORDER"}


def pending_ids(hass_storage: dict[str, object], entry: MockConfigEntry) -> list[str]:
    stored = hass_storage[outbox_key(entry.entry_id)]
    assert isinstance(stored, dict)
    return [frame["id"] for frame in stored["data"]["pending"]]


async def test_it_connects_with_its_token_and_says_hello(
    hub: FakeHub, hass: HomeAssistant, linked: MockConfigEntry
) -> None:
    link = link_of(linked)
    hello = hub.hellos[0]
    assert hello["chargers"] == []
    assert hello["outbox"] == 0
    assert hello["integration_version"]
    assert hello["ha_version"]
    assert link.welcome is not None
    assert link.welcome.host_id == 12
    assert hub.ws is not None
    assert hub.ws.ws_protocol == SUBPROTOCOL
    state = hass.states.get("binary_sensor.chargeshare_hub_hub_link")
    assert state is not None
    assert state.state == "on"


async def test_a_message_is_stored_before_it_is_sent_and_leaves_the_outbox_when_acked(
    hub: FakeHub, hass: HomeAssistant, linked: MockConfigEntry, hass_storage: dict[str, object]
) -> None:
    hub.auto_ack = False
    link = link_of(linked)
    message_id = await link.send("fault", FAULT)
    assert pending_ids(hass_storage, linked) == [message_id]
    await until(lambda: len(hub.frames("fault")) == 1)
    frame = hub.frames("fault")[0]
    assert frame["id"] == message_id
    assert frame["v"] == 1
    assert frame["payload"] == FAULT
    assert frame["at"].endswith("Z")
    assert link.pending == 1
    await hub.ack(message_id)
    await until(lambda: link.pending == 0)


async def test_an_up_message_type_the_protocol_does_not_have_is_refused(
    hub: FakeHub, hass: HomeAssistant, linked: MockConfigEntry
) -> None:
    with pytest.raises(ValueError, match="not an up message"):
        await link_of(linked).send("session.paused", {})
    assert link_of(linked).pending == 0


async def test_a_message_that_cannot_be_stored_is_refused_to_its_sender_and_blocks_nothing(
    hub: FakeHub, hass: HomeAssistant, linked: MockConfigEntry
) -> None:
    link = link_of(linked)
    with patch.object(Store, "async_save", side_effect=OSError("disk full")), pytest.raises(OSError, match="disk full"):
        await link.send("fault", {**FAULT, "info": "lost in a full disk"})
    assert link.pending == 0
    await link.send("fault", FAULT)
    await until(lambda: link.pending == 0)
    assert [frame["payload"] for frame in hub.frames("fault")] == [FAULT]


async def test_unacknowledged_messages_are_resent_in_order_before_new_ones_after_a_reconnect(
    hub: FakeHub, hass: HomeAssistant, linked: MockConfigEntry
) -> None:
    hub.auto_ack = False
    link = link_of(linked)
    first = [await link.send("fault", {**FAULT, "info": str(n)}) for n in range(3)]
    await until(lambda: len(hub.received) == 3)
    hub.refuse_with = 503
    await hub.drop()
    await until(lambda: not link.connected)
    later = await link.send("fault", {**FAULT, "info": "while down"})
    hub.received.clear()
    hub.refuse_with = None
    await until(lambda: len(hub.received) == 4)
    assert [frame["id"] for frame in hub.received] == [*first, later]
    assert hub.hellos[-1]["outbox"] == 4


async def test_the_outbox_survives_a_restart(hub: FakeHub, hass: HomeAssistant, linked: MockConfigEntry) -> None:
    hub.auto_ack = False
    link = link_of(linked)
    sent = [await link.send("fault", FAULT), await link.send("fault", FAULT)]
    await until(lambda: len(hub.received) == 2)
    assert await hass.config_entries.async_unload(linked.entry_id)
    hub.received.clear()
    hub.auto_ack = True
    assert await hass.config_entries.async_setup(linked.entry_id)
    await until(lambda: len(hub.received) == 2)
    assert [frame["id"] for frame in hub.received] == sent
    assert hub.hellos[-1]["outbox"] == 2
    await until(lambda: link_of(linked).pending == 0)


async def test_acknowledged_messages_are_not_sent_again(
    hub: FakeHub, hass: HomeAssistant, linked: MockConfigEntry
) -> None:
    link = link_of(linked)
    await link.send("fault", FAULT)
    await until(lambda: link.pending == 0)
    await hub.drop()
    await until(lambda: hub.connections == 2)
    await link.send("fault", {**FAULT, "info": "second"})
    await until(lambda: link.pending == 0)
    assert [frame["payload"]["info"] for frame in hub.received] == ["OUTOFORDER", "second"]


async def test_a_nack_drops_the_message_for_good(hub: FakeHub, hass: HomeAssistant, linked: MockConfigEntry) -> None:
    hub.auto_ack = False
    link = link_of(linked)
    message_id = await link.send("fault", FAULT)
    await until(lambda: len(hub.received) == 1)
    nack = {"id": message_id, "code": "unknown_location", "message": "no such listing", "field": "location_id"}
    await hub.send_raw(f'{{"v": 1, "type": "nack", "payload": {json.dumps(nack)}}}')
    await until(lambda: link.pending == 0)
    await hub.drop()
    await until(lambda: hub.connections == 2 and link.connected)
    assert len(hub.received) == 1


async def test_the_link_connected_sensor_follows_the_connection(
    hub: FakeHub, hass: HomeAssistant, linked: MockConfigEntry
) -> None:
    hub.refuse_with = 503
    await hub.drop()
    await until(lambda: hass.states.get("binary_sensor.chargeshare_hub_hub_link").state == "off")
    hub.refuse_with = None
    await until(lambda: hass.states.get("binary_sensor.chargeshare_hub_hub_link").state == "on")


async def test_unloading_closes_the_connection_and_stops_dialing(
    hub: FakeHub, hass: HomeAssistant, linked: MockConfigEntry
) -> None:
    assert await hass.config_entries.async_unload(linked.entry_id)
    await until(lambda: not hub.connected)
    attempts = hub.attempts
    await hass.async_block_till_done()
    assert hub.attempts == attempts
    assert not link_of(linked).connected


async def test_diagnostics_show_the_connection_without_the_token(
    hub: FakeHub, hass: HomeAssistant, linked: MockConfigEntry
) -> None:
    diagnostics = await async_get_config_entry_diagnostics(hass, linked)
    assert diagnostics["data"]["token"] == "**REDACTED**"
    assert diagnostics["data"]["hub_url"] == hub.url
    assert diagnostics["connected"] is True
    assert diagnostics["welcome"]["host_id"] == 12
    assert diagnostics["unacknowledged_messages"] == 0
    assert diagnostics["location_id"] is None


async def test_the_hubs_device_is_no_charger_to_the_charger_services(
    hub: FakeHub, hass: HomeAssistant, linked: MockConfigEntry
) -> None:
    device = dr.async_entries_for_config_entry(dr.async_get(hass), linked.entry_id)[0]
    with pytest.raises(ServiceValidationError) as caught:
        await hass.services.async_call(
            DOMAIN, "set_current_limit", {"device_id": device.id, "current": 10}, blocking=True
        )
    assert caught.value.translation_key == "unknown_charger"
