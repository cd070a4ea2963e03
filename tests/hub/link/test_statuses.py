"""What Home Assistant says about a charger shows on the hub at once: a status live on the listing and on the event
stream, sharing as BLOCKED, a fault as OUTOFORDER; a resend changes nothing, and a late report never hides a newer
one."""

from __future__ import annotations

from datetime import timedelta
import time
from typing import Any

from tests.hub.bookings.helpers import Clock, actor, listing
from tests.hub.faults.helpers import shown_statuses

from .helpers import event_stream, linked, paired, z


def _status(location_id: str, status: str, at: Any, evse_uid: str = "wallbox-1") -> dict[str, Any]:
    return {"location_id": location_id, "evse_uid": evse_uid, "status": status, "changed_at": z(at)}


async def test_a_status_shows_on_the_listing_and_reaches_a_browser_within_two_seconds(
    client: Any, clock: Clock
) -> None:
    host = await actor(client, "host@example.org", host=True)
    location_id = await listing(client, host)

    async with event_stream(client) as stream, linked(client, await paired(client, host)) as link:
        sent = time.monotonic()
        ack = await link.apply("evse.status", _status(location_id, "CHARGING", clock.now))
        event = await stream.next(wait=2)
        took = time.monotonic() - sent

    assert ack["type"] == "ack"
    assert took < 2
    assert event["event"] == "evse.status"
    assert event["data"] == {
        "location_id": location_id,
        "evse_uid": "wallbox-1",
        "status": "CHARGING",
        "status_updated_at": z(clock.now),
    }
    assert await shown_statuses(client, location_id, host) == {"wallbox-1": "CHARGING", "wallbox-2": "AVAILABLE"}


async def test_a_resent_status_is_applied_once(client: Any, clock: Clock) -> None:
    host = await actor(client, "host@example.org", host=True)
    location_id = await listing(client, host)

    async with event_stream(client) as stream, linked(client, await paired(client, host)) as link:
        first = await link.apply("evse.status", _status(location_id, "CHARGING", clock.now), "s1")
        again = await link.apply("evse.status", _status(location_id, "CHARGING", clock.now), "s1")
        await stream.next()
        only_one = await stream.none_within(0.5)

    assert first == again == {"v": 1, "type": "ack", "payload": {"id": "s1"}}
    assert only_one


async def test_a_report_older_than_the_status_shown_changes_nothing(client: Any, clock: Clock) -> None:
    host = await actor(client, "host@example.org", host=True)
    location_id = await listing(client, host)

    async with linked(client, await paired(client, host)) as link:
        await link.apply("evse.status", _status(location_id, "CHARGING", clock.now))
        late = await link.apply("evse.status", _status(location_id, "AVAILABLE", clock.now - timedelta(minutes=5)))

    assert late["type"] == "ack"
    assert (await shown_statuses(client, location_id, host))["wallbox-1"] == "CHARGING"


async def test_a_status_resent_long_after_it_was_seen_is_not_shown_as_current(client: Any, clock: Clock) -> None:
    host = await actor(client, "host@example.org", host=True)
    location_id = await listing(client, host)

    async with linked(client, await paired(client, host)) as link:
        await link.apply("evse.status", _status(location_id, "AVAILABLE", clock.now - timedelta(hours=1)))

    assert (await shown_statuses(client, location_id, host))["wallbox-1"] == "UNKNOWN"


async def test_not_sharing_shows_blocked_until_sharing_again(client: Any, clock: Clock) -> None:
    host = await actor(client, "host@example.org", host=True)
    location_id = await listing(client, host)
    window = {"from": z(clock.now + timedelta(hours=2)), "to": z(clock.now + timedelta(hours=5))}

    async with linked(client, await paired(client, host)) as link:
        await link.apply("evse.status", _status(location_id, "AVAILABLE", clock.now))
        await link.apply("evse.status", _status(location_id, "CHARGING", clock.now, "wallbox-2"))
        off = {"location_id": location_id, "sharing": False, "windows": [window], "reason": "outside the windows"}
        assert (await link.apply("availability", off))["type"] == "ack"
        while_off = await shown_statuses(client, location_id, host)
        await link.apply("evse.status", _status(location_id, "AVAILABLE", clock.now, "wallbox-2"))
        after_charging = await shown_statuses(client, location_id, host)
        await link.apply("availability", off | {"sharing": True, "reason": ""})
        back_on = await shown_statuses(client, location_id, host)

    assert while_off == {"wallbox-1": "BLOCKED", "wallbox-2": "CHARGING"}
    assert after_charging == {"wallbox-1": "BLOCKED", "wallbox-2": "BLOCKED"}
    assert back_on == {"wallbox-1": "AVAILABLE", "wallbox-2": "AVAILABLE"}


async def test_a_fault_shows_out_of_order_until_a_later_status(client: Any, clock: Clock) -> None:
    host = await actor(client, "host@example.org", host=True)
    location_id = await listing(client, host)

    async with linked(client, await paired(client, host)) as link:
        fault = {"location_id": location_id, "evse_uid": "wallbox-1", "error_code": "GroundFailure", "info": "RCD"}
        await link.apply("fault", fault)
        faulted = await shown_statuses(client, location_id, host)
        clock.advance(minutes=1)
        await link.apply("evse.status", _status(location_id, "AVAILABLE", clock.now))
        fixed = await shown_statuses(client, location_id, host)

    assert (faulted["wallbox-1"], fixed["wallbox-1"]) == ("OUTOFORDER", "AVAILABLE")


async def test_a_status_reported_in_the_same_second_as_a_sharing_change_or_a_fault_shows(
    client: Any, clock: Clock
) -> None:
    """The link's times are whole seconds, the hub's clock is not: what the hub stamps itself (BLOCKED when sharing
    stops, OUTOFORDER on a fault) must not count as later than a status the charger reported after it."""
    host = await actor(client, "host@example.org", host=True)
    location_id = await listing(client, host)
    clock.advance(seconds=0.6)

    async with linked(client, await paired(client, host)) as link:
        await link.apply("evse.status", _status(location_id, "AVAILABLE", clock.now))
        off = {"location_id": location_id, "sharing": False, "windows": [], "reason": "switched off"}
        await link.apply("availability", off)
        await link.apply("evse.status", _status(location_id, "CHARGING", clock.now))
        plugged_in = await shown_statuses(client, location_id, host)
        fault = {"location_id": location_id, "evse_uid": "wallbox-2", "error_code": "GroundFailure", "info": "RCD"}
        await link.apply("fault", fault)
        await link.apply("evse.status", _status(location_id, "AVAILABLE", clock.now, "wallbox-2"))
        recovered = await shown_statuses(client, location_id, host)

    assert plugged_in["wallbox-1"] == "CHARGING"
    assert recovered["wallbox-2"] == "BLOCKED"  # available again, and not shared


async def test_a_browser_resumes_from_the_last_event_it_got(client: Any, clock: Clock) -> None:
    host = await actor(client, "host@example.org", host=True)
    location_id = await listing(client, host)

    async with linked(client, await paired(client, host)) as link:
        async with event_stream(client) as stream:
            await link.apply("evse.status", _status(location_id, "CHARGING", clock.now))
            seen = await stream.next()
        clock.advance(minutes=1)
        await link.apply("evse.status", _status(location_id, "AVAILABLE", clock.now))
        await link.apply("evse.status", _status(location_id, "CHARGING", clock.now, "wallbox-2"))
        async with event_stream(client, headers={"Last-Event-ID": str(seen["id"])}) as resumed:
            missed = [await resumed.next(), await resumed.next()]

    assert [(event["data"]["evse_uid"], event["data"]["status"]) for event in missed] == [
        ("wallbox-1", "AVAILABLE"),
        ("wallbox-2", "CHARGING"),
    ]
    assert [event["id"] for event in missed] == sorted(event["id"] for event in missed)
    assert missed[0]["id"] > seen["id"]


async def test_an_invite_only_listings_statuses_reach_its_host_and_invitees_only(client: Any, clock: Clock) -> None:
    host = await actor(client, "host@example.org", host=True)
    invited = await actor(client, "friend@example.org")
    location_id = await listing(client, host, publish=False, publish_allowed_to=["friend@example.org"])
    public = await listing(client, host, name="Public one")

    async with (
        event_stream(client) as anyone,
        event_stream(client, headers=invited.headers) as friend,
        linked(client, await paired(client, host)) as link,
    ):
        await link.apply("evse.status", _status(location_id, "CHARGING", clock.now))
        await link.apply("evse.status", _status(public, "CHARGING", clock.now))
        friends_first = await friend.next()
        anyones_first = await anyone.next()

    assert friends_first["data"]["location_id"] == location_id
    assert anyones_first["data"]["location_id"] == public


async def test_a_stream_of_one_listing_gets_only_that_listings_events(client: Any, clock: Clock) -> None:
    host = await actor(client, "host@example.org", host=True)
    first = await listing(client, host)
    second = await listing(client, host, name="Second")

    async with (
        event_stream(client, f"?location_id={second}") as stream,
        linked(client, await paired(client, host)) as link,
    ):
        await link.apply("evse.status", _status(first, "CHARGING", clock.now))
        await link.apply("evse.status", _status(second, "CHARGING", clock.now))
        event = await stream.next()

    assert event["data"]["location_id"] == second
