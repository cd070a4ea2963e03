"""A start or stop pressed on the hub page travels down the link to the charger, and the charger's answer comes
back to the driver; a start only during the booking's window, and only by its driver."""

from __future__ import annotations

import json
from typing import Any

from tests.hub.bookings.helpers import Actor, Clock, actor, booked, listing, period

from .helpers import event_stream, linked, paired, z

NO_LINK_SCOPES = frozenset({"account", "listings", "bookings"})


async def _scene(client: Any, clock: Clock, host: Actor | None = None) -> tuple[Actor, Actor, str, dict[str, Any]]:
    """A host, a driver, and the driver's booking from a quarter of an hour on, its window open already."""
    host = host or await actor(client, "host@example.org", host=True)
    driver = await actor(client, "driver@example.org")
    location_id = await listing(client, host)
    booking = await booked(client, driver, location_id, period(0.25, 1), evse_uid="wallbox-2")
    clock.advance(minutes=10)
    return host, driver, location_id, booking


async def test_a_remote_start_reaches_the_charger_with_the_bookings_id_tag(client: Any, clock: Clock) -> None:
    host, driver, _location_id, booking = await _scene(client, clock)

    async with (
        linked(client, await paired(client, host)) as link,
        event_stream(client, headers=driver.headers) as stream,
    ):
        response = await client.post(f"/api/v1/bookings/{booking['id']}/start", headers=driver.headers)
        command = await link.next("command.start")
        await link.ack(command)
        answer = await link.apply(
            "command.result", {"command_id": command["payload"]["command_id"], "result": "ACCEPTED"}
        )
        result = await stream.next()

    queued = await response.json()
    assert (response.status, queued["status"], queued["kind"]) == (202, "PENDING", "START")
    assert command["payload"] == {
        "command_id": queued["id"],
        "booking_id": booking["id"],
        "evse_uid": "wallbox-2",
        "connector_id": "1",
        "id_tag": booking["id_tag"],
    }
    assert answer["type"] == "ack"
    assert (result["event"], result["data"]["id"], result["data"]["status"]) == (
        "command.result",
        queued["id"],
        "ACCEPTED",
    )
    shown = await client.get(f"/api/v1/commands/{queued['id']}", headers=driver.headers)
    assert (await shown.json())["status"] == "ACCEPTED"


async def test_a_command_refused_by_home_assistant_is_rejected_for_the_driver(client: Any, clock: Clock) -> None:
    host, driver, _location_id, booking = await _scene(client, clock)

    token = await paired(client, host)
    async with linked(client, token) as link:
        queued = await (await client.post(f"/api/v1/bookings/{booking['id']}/start", headers=driver.headers)).json()
        command = await link.next("command.start")
        refusal = {"id": command["id"], "code": "outside_window", "message": "The booking's window is closed."}
        await link.ws.send_str(json.dumps({"v": 1, "type": "nack", "payload": refusal}))
        await link.nothing_more(0.3)
    async with linked(client, token) as reconnected:
        later = await reconnected.nothing_more(0.3)

    shown = await (await client.get(f"/api/v1/commands/{queued['id']}", headers=driver.headers)).json()
    assert (shown["status"], shown["message"]) == ("REJECTED", "The booking's window is closed.")
    assert [frame for frame in later if frame["type"] == "command.start"] == []  # a refused message is not resent


async def test_a_command_waits_for_the_link_while_it_is_down(client: Any, clock: Clock) -> None:
    host, driver, _location_id, booking = await _scene(client, clock)
    token = await paired(client, host)

    response = await client.post(f"/api/v1/bookings/{booking['id']}/start", headers=driver.headers)
    async with linked(client, token) as link:
        command = await link.next("command.start")

    assert response.status == 202
    assert command["payload"]["command_id"] == (await response.json())["id"]


async def test_a_start_outside_the_bookings_window_is_refused(client: Any, clock: Clock) -> None:
    host, driver, _location_id, booking = await _scene(client, clock)
    await paired(client, host)
    clock.advance(hours=3)

    response = await client.post(f"/api/v1/bookings/{booking['id']}/start", headers=driver.headers)

    assert (response.status, (await response.json())["error"]["code"]) == (409, "outside_window")


async def test_only_the_bookings_driver_starts_it(client: Any, clock: Clock) -> None:
    host, _driver, _location_id, booking = await _scene(client, clock)
    stranger = await actor(client, "stranger@example.org")

    by_host = await client.post(f"/api/v1/bookings/{booking['id']}/start", headers=host.headers)
    by_stranger = await client.post(f"/api/v1/bookings/{booking['id']}/start", headers=stranger.headers)

    assert (by_host.status, by_stranger.status) == (403, 404)


async def test_a_charger_without_a_link_cannot_be_started_from_the_hub(client: Any, clock: Clock) -> None:
    host = await actor(client, "host@example.org", host=True, scopes=NO_LINK_SCOPES)
    _host, driver, _location_id, booking = await _scene(client, clock, host)

    response = await client.post(f"/api/v1/bookings/{booking['id']}/start", headers=driver.headers)

    assert (response.status, (await response.json())["error"]["code"]) == (409, "no_link")


async def test_a_remote_stop_names_the_bookings_session(client: Any, clock: Clock) -> None:
    host, driver, location_id, booking = await _scene(client, clock)

    async with linked(client, await paired(client, host)) as link:
        nothing_yet = await client.post(f"/api/v1/bookings/{booking['id']}/stop", headers=driver.headers)
        start = {
            "session_id": "s-9",
            "location_id": location_id,
            "evse_uid": "wallbox-2",
            "connector_id": "1",
            "id_tag": booking["id_tag"],
            "auth_method": "WHITELIST",
            "start": z(clock.now),
            "meter_start_wh": 0,
        }
        await link.apply("session.start", start)
        response = await client.post(f"/api/v1/bookings/{booking['id']}/stop", headers=driver.headers)
        command = await link.next("command.stop")

    assert (nothing_yet.status, (await nothing_yet.json())["error"]["code"]) == (409, "not_charging")
    assert response.status == 202
    assert command["payload"] == {"command_id": (await response.json())["id"], "session_id": "s-9"}
