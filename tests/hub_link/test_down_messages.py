"""Down messages: applied once, in order, acked when stored; refused with a nack; bad frames change nothing."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.chargeshare.hub_link.link import LinkRefusal
from custom_components.chargeshare.hub_link.outbox import Outbox
from tests.waiting import until

from .conftest import link_of
from .fake_hub import FakeHub

CDR = {"session_id": "S1", "cdr_id": "CDR1", "total_cost": {"excl_vat": 1.5}, "currency": "EUR"}


class Recorder:
    """A down message handler that records payloads and can be told to refuse or fail."""

    def __init__(self) -> None:
        self.applied: list[dict[str, Any]] = []
        self.refuse: LinkRefusal | None = None
        self.fail = False

    async def __call__(self, payload: dict[str, Any]) -> None:
        if self.refuse is not None:
            raise self.refuse
        if self.fail:
            raise RuntimeError("the Store is on fire")
        self.applied.append(payload)


def answers_to(hub: FakeHub, frame_id: str) -> list[dict[str, Any]]:
    return [frame for frame in hub.answers() if frame["payload"].get("id") == frame_id]


def recorder_on(entry: MockConfigEntry, type_: str = "cdr.issued") -> Recorder:
    recorder = Recorder()
    link_of(entry).register(type_, recorder)
    return recorder


async def test_a_down_message_is_applied_then_acked_and_a_repeat_is_acked_without_applying_it(
    hub: FakeHub, hass: HomeAssistant, linked: MockConfigEntry
) -> None:
    recorder = recorder_on(linked)
    await hub.send("cdr.issued", CDR, frame_id="7")
    await until(lambda: len(answers_to(hub, "7")) == 1)
    assert answers_to(hub, "7")[0]["type"] == "ack"
    assert recorder.applied == [CDR]
    await hub.send("cdr.issued", CDR, frame_id="7")
    await until(lambda: len(answers_to(hub, "7")) == 2)
    assert recorder.applied == [CDR]


async def test_applied_ids_survive_a_restart(hub: FakeHub, hass: HomeAssistant, linked: MockConfigEntry) -> None:
    recorder_on(linked)
    await hub.send("cdr.issued", CDR, frame_id="8")
    await until(lambda: len(answers_to(hub, "8")) == 1)
    assert await hass.config_entries.async_unload(linked.entry_id)
    assert await hass.config_entries.async_setup(linked.entry_id)
    await until(lambda: link_of(linked).connected)
    recorder = recorder_on(linked)
    await hub.send("cdr.issued", CDR, frame_id="8")
    await until(lambda: len(answers_to(hub, "8")) == 2)
    assert recorder.applied == []


async def test_messages_are_applied_in_the_order_they_came(
    hub: FakeHub, hass: HomeAssistant, linked: MockConfigEntry
) -> None:
    recorder = recorder_on(linked)
    for n in range(5):
        await hub.send("cdr.issued", {**CDR, "cdr_id": f"CDR{n}"}, frame_id=f"o{n}")
    await until(lambda: len(recorder.applied) == 5)
    assert [payload["cdr_id"] for payload in recorder.applied] == [f"CDR{n}" for n in range(5)]


async def test_a_refusal_is_a_nack_with_the_reason(hub: FakeHub, hass: HomeAssistant, linked: MockConfigEntry) -> None:
    recorder = recorder_on(linked)
    recorder.refuse = LinkRefusal("invalid", "currency must be an ISO 4217 code", "currency")
    await hub.send("cdr.issued", {**CDR, "currency": "EURO"}, frame_id="9")
    await until(lambda: len(answers_to(hub, "9")) == 1)
    nack = answers_to(hub, "9")[0]
    assert nack["type"] == "nack"
    assert nack["payload"] == {
        "id": "9",
        "code": "invalid",
        "message": "currency must be an ISO 4217 code",
        "field": "currency",
    }


async def test_a_handler_that_fails_gets_no_answer_and_the_resend_is_applied(
    hub: FakeHub, hass: HomeAssistant, linked: MockConfigEntry
) -> None:
    recorder = recorder_on(linked)
    recorder.fail = True
    await hub.send("cdr.issued", CDR, frame_id="10")
    await hass.async_block_till_done()
    await asyncio.sleep(0.1)
    assert answers_to(hub, "10") == []
    recorder.fail = False
    await hub.drop()
    await until(lambda: hub.connections == 2 and link_of(linked).connected)
    await hub.send("cdr.issued", CDR, frame_id="10")  # the hub resends what was not acked
    await until(lambda: len(answers_to(hub, "10")) == 1)
    assert answers_to(hub, "10")[0]["type"] == "ack"
    assert recorder.applied == [CDR]


async def test_frames_that_cannot_be_read_are_nacked_and_the_connection_stays(
    hub: FakeHub, hass: HomeAssistant, linked: MockConfigEntry
) -> None:
    recorder = recorder_on(linked)
    await hub.send_raw("this is not JSON")
    await hub.send_raw(json.dumps({"v": 1, "type": "booking.teleported", "id": "11", "payload": {}}))
    await hub.send_raw(json.dumps({"v": 1, "type": "cdr.issued", "payload": CDR}))
    await hub.send_raw(json.dumps({"v": 1, "type": "cdr.issued", "id": "12", "payload": ["not", "an", "object"]}))
    await until(lambda: len(hub.answers()) == 4)
    nacks = [frame["payload"] for frame in hub.answers()]
    assert all(frame["type"] == "nack" for frame in hub.answers())
    assert "id" not in nacks[0]
    assert nacks[0]["code"] == "invalid"
    assert nacks[1]["id"] == "11"
    assert nacks[1]["field"] == "type"
    assert nacks[2]["field"] == "id"
    assert nacks[3] == {"id": "12", "code": "invalid", "message": "payload must be an object", "field": "payload"}
    assert recorder.applied == []
    await hub.send("cdr.issued", CDR, frame_id="13")
    await until(lambda: len(answers_to(hub, "13")) == 1)
    assert hub.connections == 1


async def test_a_binary_frame_closes_the_connection_with_1003(
    hub: FakeHub, hass: HomeAssistant, linked: MockConfigEntry
) -> None:
    assert hub.ws is not None
    await hub.ws.send_bytes(b"\x00\x01")
    await until(lambda: hub.close_codes == [1003])
    await until(lambda: hub.connections == 2 and link_of(linked).connected)


async def test_a_message_without_a_handler_is_left_for_a_resend(
    hub: FakeHub, hass: HomeAssistant, linked: MockConfigEntry
) -> None:
    link_of(linked)._handlers.pop("cdr.issued")
    await hub.send("cdr.issued", CDR, frame_id="14")
    await asyncio.sleep(0.1)
    assert answers_to(hub, "14") == []


async def test_the_last_1000_applied_ids_are_remembered_across_a_restart(hass: HomeAssistant) -> None:
    outbox = Outbox(hass, "test_applied_ids")
    for n in range(1001):
        await outbox.async_mark_applied(str(n))
    assert not outbox.applied("0")
    assert outbox.applied("1")
    assert outbox.applied("1000")
    reloaded = Outbox(hass, "test_applied_ids")
    await reloaded.async_load()
    assert not reloaded.applied("0")
    assert reloaded.applied("1")
    assert reloaded.applied("1000")
