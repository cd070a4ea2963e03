"""A listing whose host has not confirmed it for 60 days is hidden from everyone but its host and admins, who see
it flagged stale, until the host confirms it; the host is reminded a week before, once."""

from __future__ import annotations

from typing import Any

import pytest

from chargeshare_hub.web.context import HUB
from tests.hub.bookings.helpers import Actor, Clock, actor, book, booked, listing, period
from tests.hub.faults.helpers import emails_to, notifications

NEAR = "lat=50.931826&lon=6.964043&radius_km=1"


async def _confirm(client: Any, who: Actor | None, location_id: str) -> Any:
    return await client.post(
        f"/api/v1/listings/{location_id}/availability-confirmation", headers=None if who is None else who.headers
    )


async def _found(client: Any, who: Actor | None = None) -> list[str]:
    response = await client.get(f"/api/v1/search?{NEAR}", headers=None if who is None else who.headers)
    return [result["location_id"] for result in (await response.json())["results"]]


async def _reminders(client: Any) -> int:
    reminded: int = await client.server.app[HUB].upkeep.remind_stale()
    return reminded


async def test_a_listing_is_visible_for_60_days_after_its_confirmation(client: Any, clock: Clock) -> None:
    host = await actor(client, "host@example.org", host=True)
    driver = await actor(client, "driver@example.org")
    location_id = await listing(client, host)
    clock.advance(days=60)

    shown = await client.get(f"/api/v1/listings/{location_id}", headers=driver.headers)
    as_host = await (await client.get(f"/api/v1/listings/{location_id}", headers=host.headers)).json()

    assert shown.status == 200
    assert "stale" not in await shown.json()
    assert await _found(client) == [location_id]
    assert (as_host["stale"], as_host["availability_confirmed_at"]) == (False, "2026-06-01T08:00:00Z")


async def test_then_it_is_hidden_from_drivers_search_and_booking(client: Any, clock: Clock) -> None:
    host = await actor(client, "host@example.org", host=True)
    driver = await actor(client, "driver@example.org")
    invitee = await actor(client, "friend@example.org")
    published = await listing(client, host)
    invite_only = await listing(client, host, publish=False, publish_allowed_to=["friend@example.org"])
    clock.advance(days=60, seconds=1)

    reads = [
        await client.get(f"/api/v1/listings/{published}", headers=driver.headers),
        await client.get(f"/api/v1/listings/{published}"),
        await client.get(f"/api/v1/listings/{invite_only}", headers=invitee.headers),
        await client.get(f"/api/v1/listings/{published}/booking-terms", headers=driver.headers),
        await book(client, driver, published, period(2, now=clock.now)),
    ]

    assert [response.status for response in reads] == [404, 404, 404, 404, 404]
    assert await _found(client) == []
    assert await _found(client, invitee) == []
    assert await _found(client, host) == []


@pytest.mark.parametrize("who", ["host", "admin"])
async def test_its_host_and_admins_still_see_it_flagged_stale(client: Any, clock: Clock, who: str) -> None:
    host = await actor(client, "host@example.org", host=True)
    location_id = await listing(client, host)
    caller = host if who == "host" else await actor(client, "admin@example.org", admin=True)
    clock.advance(days=61)

    shown = await client.get(f"/api/v1/listings/{location_id}", headers=caller.headers)
    own = await (await client.get("/api/v1/listings", headers=host.headers)).json()

    assert shown.status == 200
    assert (await shown.json())["stale"] is True
    assert [item["stale"] for item in own["listings"]] == [True]


async def test_a_driver_still_reads_their_booking_of_a_stale_listing(client: Any, clock: Clock) -> None:
    host = await actor(client, "host@example.org", host=True)
    driver = await actor(client, "driver@example.org")
    location_id = await listing(client, host)
    booking = await booked(client, driver, location_id, period(2))
    clock.advance(days=61)

    assert (await client.get(f"/api/v1/bookings/{booking['id']}", headers=driver.headers)).status == 200


async def test_the_hosts_confirmation_shows_it_again(client: Any, clock: Clock) -> None:
    host = await actor(client, "host@example.org", host=True)
    driver = await actor(client, "driver@example.org")
    location_id = await listing(client, host)
    clock.advance(days=61)

    response = await _confirm(client, host, location_id)
    confirmed = await response.json()

    assert response.status == 200
    assert (confirmed["stale"], confirmed["availability_confirmed_at"]) == (False, "2026-08-01T08:00:00Z")
    assert (await client.get(f"/api/v1/listings/{location_id}", headers=driver.headers)).status == 200
    assert await _found(client) == [location_id]


async def test_the_hosts_update_confirms_it_too(client: Any, clock: Clock) -> None:
    host = await actor(client, "host@example.org", host=True)
    location_id = await listing(client, host, name="Old name")
    clock.advance(days=61)
    shown = await (await client.get(f"/api/v1/listings/{location_id}", headers=host.headers)).json()
    document = {key: value for key, value in shown.items() if key != "evses"} | {"name": "New name"}

    replaced = await client.put(f"/api/v1/listings/{location_id}", json=document, headers=host.headers)

    assert (await replaced.json())["stale"] is False


@pytest.mark.parametrize(("who", "status"), [("admin", 404), ("other host", 404), ("driver", 404), ("anonymous", 401)])
async def test_only_the_host_confirms(client: Any, clock: Clock, who: str, status: int) -> None:
    host = await actor(client, "host@example.org", host=True)
    location_id = await listing(client, host)
    callers = {
        "admin": await actor(client, "admin@example.org", admin=True),
        "other host": await actor(client, "other@example.org", host=True),
        "driver": await actor(client, "driver@example.org"),
        "anonymous": None,
    }
    clock.advance(days=61)

    assert (await _confirm(client, callers[who], location_id)).status == status
    as_host = await (await client.get(f"/api/v1/listings/{location_id}", headers=host.headers)).json()
    assert as_host["stale"] is True


async def test_a_removed_listing_is_not_confirmed(client: Any) -> None:
    host = await actor(client, "host@example.org", host=True)
    location_id = await listing(client, host)
    await client.delete(f"/api/v1/listings/{location_id}", headers=host.headers)

    assert (await _confirm(client, host, location_id)).status == 409


async def test_the_host_is_reminded_a_week_before_once(client: Any, clock: Clock) -> None:
    host = await actor(client, "host@example.org", host=True)
    location_id = await listing(client, host)

    clock.advance(days=53, seconds=-1)
    too_early = await _reminders(client)
    clock.advance(seconds=1)
    due = await _reminders(client)
    clock.advance(days=3)
    again = await _reminders(client)

    assert (too_early, due, again) == (0, 1, 0)
    assert await notifications(client, host, "listing.") == [("listing.stale_reminder", f"/listings/{location_id}")]
    assert await emails_to(client, host, "listing.") == ["Is Driveway wallbox still available to share?"]


async def test_a_confirmed_listing_is_reminded_again_when_it_grows_old_again(client: Any, clock: Clock) -> None:
    host = await actor(client, "host@example.org", host=True)
    location_id = await listing(client, host)
    clock.advance(days=55)
    await _reminders(client)
    await _confirm(client, host, location_id)

    clock.advance(days=52)
    not_yet = await _reminders(client)
    clock.advance(days=1)
    due = await _reminders(client)

    assert (not_yet, due) == (0, 1)
    assert len(await notifications(client, host, "listing.")) == 2


async def test_removed_listings_are_not_reminded(client: Any, clock: Clock) -> None:
    host = await actor(client, "host@example.org", host=True)
    location_id = await listing(client, host)
    await client.delete(f"/api/v1/listings/{location_id}", headers=host.headers)
    clock.advance(days=100)

    assert await _reminders(client) == 0
