"""Opening the link: a paired token and the protocol's name before the upgrade, hello and welcome after it, one
connection per host, and a revoked token's link closed at once."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import aiohttp
import pytest

from chargeshare_hub import __version__
from chargeshare_hub.link.frames import SUBPROTOCOL
from chargeshare_hub.link.gateway import GATEWAY
from chargeshare_hub.link.up_messages import HANDLERS
from tests.hub.bookings.helpers import Clock, actor

from .helpers import Link, hello, linked, open_socket, paired


async def test_a_paired_home_assistant_is_welcomed_with_the_hubs_time_and_its_host_id(
    client: Any, clock: Clock
) -> None:
    host = await actor(client, "host@example.org", host=True)
    token = await paired(client, host)

    ws = await open_socket(client, token)
    await ws.send_str(json.dumps({"v": 1, "type": "hello", "payload": hello()}))
    welcome = json.loads((await ws.receive()).data)
    await ws.close()

    assert ws.protocol == SUBPROTOCOL
    assert welcome == {
        "v": 1,
        "type": "welcome",
        "payload": {
            "hub_version": __version__,
            "time": "2026-06-01T08:00:00Z",
            "host_id": host.user_id,
            "heartbeat_s": 30,
        },
    }


async def test_an_unknown_or_revoked_token_is_refused_before_the_upgrade(client: Any) -> None:
    host = await actor(client, "host@example.org", host=True)
    token = await paired(client, host)
    tokens = await (await client.get("/api/v1/tokens", headers=host.headers)).json()
    link_token = next(item for item in tokens["tokens"] if item["scopes"] == ["link"])
    await client.delete(f"/api/v1/tokens/{link_token['id']}", headers=host.headers)

    for refused in (token, "csh_unknown"):
        with pytest.raises(aiohttp.WSServerHandshakeError) as refusal:
            await open_socket(client, refused)
        assert refusal.value.status == 401


async def test_a_token_without_the_link_scope_is_refused_with_403(client: Any) -> None:
    host = await actor(client, "host@example.org", host=True, scopes=frozenset({"listings"}))

    with pytest.raises(aiohttp.WSServerHandshakeError) as refusal:
        await open_socket(client, host.headers["Authorization"].removeprefix("Bearer "))

    assert refusal.value.status == 403


@pytest.mark.parametrize("protocols", [(), ("chargeshare.link.v2",), ("chargeshare.link.v2", "other")])
async def test_a_client_that_does_not_speak_this_version_is_refused_before_the_upgrade(
    client: Any, protocols: tuple[str, ...]
) -> None:
    host = await actor(client, "host@example.org", host=True)
    token = await paired(client, host)

    with pytest.raises(aiohttp.WSServerHandshakeError) as refusal:
        await open_socket(client, token, protocols)

    assert refusal.value.status == 400


async def test_the_subprotocol_is_chosen_among_others_the_client_offers(client: Any) -> None:
    host = await actor(client, "host@example.org", host=True)
    token = await paired(client, host)

    ws = await open_socket(client, token, ("chargeshare.link.v2", SUBPROTOCOL))
    await ws.close()

    assert ws.protocol == SUBPROTOCOL


async def test_a_plain_http_request_is_told_to_open_a_websocket(client: Any) -> None:
    host = await actor(client, "host@example.org", host=True)
    token = await paired(client, host)

    response = await client.get("/api/v1/link", headers={"Authorization": f"Bearer {token}"})

    assert response.status == 400
    assert (await response.json())["error"]["code"] == "not_websocket"


async def test_a_second_connection_of_the_host_closes_the_first_with_4000(client: Any) -> None:
    host = await actor(client, "host@example.org", host=True)
    token = await paired(client, host)

    async with linked(client, token) as first, linked(client, token) as second:
        closed = await first.ws.receive()
        answer = await second.apply("fault", {"location_id": "nowhere", "evse_uid": "x", "error_code": "GroundFailure"})

    assert (closed.type, closed.data, closed.extra) == (aiohttp.WSMsgType.CLOSE, 4000, "replaced")
    assert answer["type"] == "nack"  # the second one works


async def test_revoking_the_token_says_bye_and_closes_the_link(client: Any) -> None:
    host = await actor(client, "host@example.org", host=True)
    token = await paired(client, host)
    tokens = await (await client.get("/api/v1/tokens", headers=host.headers)).json()
    link_token = next(item for item in tokens["tokens"] if item["scopes"] == ["link"])

    async with linked(client, token) as link:
        await client.delete(f"/api/v1/tokens/{link_token['id']}", headers=host.headers)
        bye = await link.next("bye")
        closed = await link.ws.receive()

    assert bye["payload"] == {"reason": "revoked"}
    assert (closed.type, closed.data, closed.extra) == (aiohttp.WSMsgType.CLOSE, 4001, "revoked")


async def test_messages_before_hello_are_refused(client: Any) -> None:
    host = await actor(client, "host@example.org", host=True)
    link = Link(await open_socket(client, await paired(client, host)))

    answer = await link.apply("fault", {"location_id": "l", "evse_uid": "x", "error_code": "GroundFailure"})
    await link.ws.close()

    assert answer["type"] == "nack"
    assert answer["payload"]["code"] == "hello_first"


async def test_a_binary_frame_closes_the_link_with_1003(client: Any) -> None:
    host = await actor(client, "host@example.org", host=True)

    async with linked(client, await paired(client, host)) as link:
        await link.ws.send_bytes(b"\x00\x01")
        closed = await link.ws.receive()

    assert (closed.type, closed.data) == (aiohttp.WSMsgType.CLOSE, 1003)


async def test_a_peer_that_answers_no_pings_is_closed_after_two_heartbeats(client: Any) -> None:
    host = await actor(client, "host@example.org", host=True)
    token = await paired(client, host)
    client.server.app[GATEWAY].heartbeat_s = 1

    ws = await client.ws_connect(
        "/api/v1/link", protocols=(SUBPROTOCOL,), headers={"Authorization": f"Bearer {token}"}, autoping=False
    )
    await ws.send_str(json.dumps({"v": 1, "type": "hello", "payload": hello()}))
    kinds = []
    async with asyncio.timeout(5):
        while (message := await ws.receive()).type != aiohttp.WSMsgType.CLOSE:
            kinds.append(message.type)
    await ws.close()

    assert kinds.count(aiohttp.WSMsgType.PING) == 2
    assert message.data == 1001


async def test_a_peer_that_answers_pings_stays(client: Any) -> None:
    host = await actor(client, "host@example.org", host=True)
    client.server.app[GATEWAY].heartbeat_s = 1

    async with linked(client, await paired(client, host)) as link:
        await link.nothing_more(3.5)  # reading, as a client does: its pongs answer the pings
        answer = await link.apply("fault", {"location_id": "nowhere", "evse_uid": "x", "error_code": "GroundFailure"})

    assert answer["type"] == "nack"


async def test_a_peer_whose_message_waits_for_the_hub_is_still_heard_and_stays(
    client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    host = await actor(client, "host@example.org", host=True)
    client.server.app[GATEWAY].heartbeat_s = 1
    busy = asyncio.Event()
    applying = HANDLERS["availability"]

    async def slow_availability(arrival: Any, payload: dict[str, Any]) -> None:
        await busy.wait()  # a hub too busy to apply it for three heartbeats
        await applying(arrival, payload)

    monkeypatch.setitem(HANDLERS, "availability", slow_availability)
    async with linked(client, await paired(client, host)) as link:
        message_id = await link.send("availability", {"location_id": "nowhere", "sharing": True, "windows": []})
        await link.nothing_more(3.5)  # the client answers the hub's pings meanwhile, as a live peer does
        busy.set()
        answer = await link.answer_to(message_id)

    assert answer["type"] == "nack"  # answered on the same connection: it was never closed as gone
