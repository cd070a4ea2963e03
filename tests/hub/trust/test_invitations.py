"""An invite-only listing exists only for its host and the drivers invited: every read and booking path says so,
and a driver whose invitation is withdrawn loses it too (keeping, and able to cancel, a booking made before)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.hub.bookings.helpers import Actor, Clock, actor, book, period
from tests.hub.listings.helpers import home_charger
from tests.hub.listings.test_listing_photos import _png

TARIFF = {
    "id": "t1",
    "currency": "EUR",
    "elements": [{"price_components": [{"type": "ENERGY", "price": 0.3, "step_size": 1}]}],
}
INVITE_ONLY = {"publish": False, "publish_allowed_to": ["friend@example.org"]}
READS = (
    "/api/v1/listings/{id}",
    "/api/v1/listings/{id}/tariffs",
    "/api/v1/tariffs/t1",
    "/api/v1/listings/{id}/booking-terms",
    "/api/v1/listings/{id}/reviews",
    "{photo}",
)


@dataclass(frozen=True, slots=True)
class Scene:
    host: Actor
    friend: Actor
    stranger: Actor
    listing_id: str
    photo: str

    def path(self, template: str) -> str:
        return template.format(id=self.listing_id, photo=self.photo)


def _listing(**changes: Any) -> dict[str, Any]:
    listing = home_charger(**changes)
    listing["evses"][0]["connectors"][0]["tariff_ids"] = ["t1"]
    return listing


async def _scene(client: Any) -> Scene:
    host = await actor(client, "host@example.org", host=True)
    friend = await actor(client, "friend@example.org")
    stranger = await actor(client, "stranger@example.org")
    assert (await client.post("/api/v1/tariffs", json=TARIFF, headers=host.headers)).status == 201
    created = await client.post("/api/v1/listings", json=_listing(**INVITE_ONLY), headers=host.headers)
    assert created.status == 201, await created.text()
    listing_id = (await created.json())["id"]
    photo = await client.post(
        f"/api/v1/listings/{listing_id}/photos", data=_png(), headers=host.headers | {"Content-Type": "image/png"}
    )
    assert photo.status == 201, await photo.text()
    return Scene(host, friend, stranger, listing_id, urlsplit((await photo.json())["url"]).path)


async def _withdraw(client: Any, scene: Scene) -> None:
    response = await client.put(
        f"/api/v1/listings/{scene.listing_id}", json=_listing(publish=False), headers=scene.host.headers
    )
    assert response.status == 200, await response.text()


async def _found(client: Any, viewer: Actor, clock: Clock, *, free: bool = False) -> list[str]:
    query = "lat=50.93&lon=6.96&radius_km=5"
    if free:
        window = period(2, now=clock.now)
        query += f"&free_from={window['start_from']}&free_until={window['end_before']}"
    response = await client.get(f"/api/v1/search?{query}", headers=viewer.headers)
    assert response.status == 200, await response.text()
    return [result["location_id"] for result in (await response.json())["results"]]


@pytest.mark.parametrize("template", READS)
async def test_the_invited_driver_reads_what_strangers_cannot(client: Any, template: str) -> None:
    scene = await _scene(client)
    path = scene.path(template)

    assert (await client.get(path, headers=scene.friend.headers)).status == 200
    assert (await client.get(path, headers=scene.stranger.headers)).status == 404
    assert (await client.get(path)).status == 404


@pytest.mark.parametrize("template", READS)
async def test_a_withdrawn_invitation_hides_the_listing_again(client: Any, template: str) -> None:
    scene = await _scene(client)

    await _withdraw(client, scene)

    assert (await client.get(scene.path(template), headers=scene.friend.headers)).status == 404
    assert (await client.get(scene.path(template), headers=scene.host.headers)).status == 200


@pytest.mark.parametrize("free", [False, True])
async def test_search_finds_it_for_the_invited_driver_only(client: Any, clock: Clock, free: bool) -> None:
    scene = await _scene(client)
    found_by_friend = await _found(client, scene.friend, clock, free=free)
    found_by_stranger = await _found(client, scene.stranger, clock, free=free)

    await _withdraw(client, scene)

    assert (found_by_friend, found_by_stranger) == ([scene.listing_id], [])
    assert await _found(client, scene.friend, clock, free=free) == []


async def test_only_the_invited_driver_books_it_and_not_after_the_invitation_is_withdrawn(
    client: Any, clock: Clock
) -> None:
    scene = await _scene(client)

    by_stranger = await book(client, scene.stranger, scene.listing_id, period(2, now=clock.now))
    by_friend = await book(client, scene.friend, scene.listing_id, period(2, now=clock.now))
    await _withdraw(client, scene)
    again = await book(client, scene.friend, scene.listing_id, period(5, now=clock.now))

    assert (by_stranger.status, by_friend.status, again.status) == (404, 201, 404)


async def test_a_withdrawn_driver_keeps_and_may_cancel_a_booking_but_not_move_it(client: Any, clock: Clock) -> None:
    scene = await _scene(client)
    booked = await book(client, scene.friend, scene.listing_id, period(3, now=clock.now))
    booking = f"/api/v1/bookings/{(await booked.json())['id']}"
    await _withdraw(client, scene)

    read = await client.get(booking, headers=scene.friend.headers)
    moved = await client.patch(booking, json={"period": period(5, now=clock.now)}, headers=scene.friend.headers)
    canceled = await client.post(
        f"{booking}/cancel", json={"cancellation_reason": "UNKNOWN"}, headers=scene.friend.headers
    )

    assert (read.status, moved.status, canceled.status) == (200, 404, 200)
