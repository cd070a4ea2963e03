"""A booking between a driver and a host, and its messages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tests.hub.bookings.helpers import Actor, actor, booked, listing, period


@dataclass(frozen=True, slots=True)
class Scene:
    host: Actor
    driver: Actor
    booking_id: str


async def scene(client: Any) -> Scene:
    host = await actor(client, "host@example.org", host=True)
    driver = await actor(client, "driver@example.org")
    location_id = await listing(client, host)
    booking = await booked(client, driver, location_id, period(2))
    return Scene(host, driver, booking["id"])


async def write(client: Any, user: Actor, booking_id: str, body: Any = "Running 10 minutes late") -> Any:
    return await client.post(f"/api/v1/bookings/{booking_id}/messages", json={"body": body}, headers=user.headers)


async def thread(client: Any, user: Actor, booking_id: str, query: str = "") -> Any:
    return await client.get(f"/api/v1/bookings/{booking_id}/messages{query}", headers=user.headers)
