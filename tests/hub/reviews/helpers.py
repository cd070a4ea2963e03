"""A fulfilled booking between a verified host and a verified driver, and reviews written through the API."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tests.hub.bookings.helpers import Actor, actor
from tests.hub.charging.helpers import charger
from tests.hub.trust.helpers import fulfilled, verify


@dataclass(frozen=True, slots=True)
class Stay:
    """A driver's fulfilled booking at a host's listing."""

    host: Actor
    driver: Actor
    listing_id: str
    booking_id: str


async def stay(client: Any, *, verified: bool = True, **listing: Any) -> Stay:
    host = await actor(client, "hanna@example.org", host=True)
    driver = await actor(client, "dario@example.org")
    if verified:
        await verify(client, host, driver)
    listing_id = await charger(client, host, **listing)
    return Stay(host, driver, listing_id, await fulfilled(client, host, driver, listing_id, "STAY1"))


async def another_stay(client: Any, first: Stay, email: str, tag: str) -> Stay:
    """Another verified driver's fulfilled booking at the same listing."""
    driver = await actor(client, email)
    await verify(client, driver)
    return Stay(
        first.host, driver, first.listing_id, await fulfilled(client, first.host, driver, first.listing_id, tag)
    )


async def post_review(client: Any, by: Actor, booking_id: str, **body: Any) -> Any:
    return await client.post(f"/api/v1/bookings/{booking_id}/reviews", json=body, headers=by.headers)


async def reviewed(client: Any, by: Actor, booking_id: str, **body: Any) -> dict[str, Any]:
    response = await post_review(client, by, booking_id, **body)
    assert response.status == 201, await response.text()
    review: dict[str, Any] = await response.json()
    return review


async def error(response: Any) -> tuple[int, str]:
    return response.status, (await response.json())["error"]["code"]
