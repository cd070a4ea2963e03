"""A one-wallbox listing to wait at, joining its waitlist, and what drivers were told."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from chargeshare_hub.notifications.tables import Notification
from chargeshare_hub.waitlist.service import Waitlist
from chargeshare_hub.web.context import HUB
from tests.hub.bookings.helpers import Actor, listing
from tests.hub.listings.helpers import home_charger

# The tests' clock stands at 08:00 UTC; this hour is two hours later.
TEN_TO_ELEVEN = {"start_from": "2026-06-01T10:00:00Z", "end_before": "2026-06-01T11:00:00Z"}
WINDOW = {"from": "2026-06-01T10:00:00Z", "to": "2026-06-01T11:00:00Z"}


async def one_wallbox(client: Any, host: Actor, terms: dict[str, Any] | None = None, **changes: Any) -> str:
    return await listing(client, host, terms, **({"evses": home_charger()["evses"]} | changes))


async def join(client: Any, driver: Actor, location_id: str, **body: Any) -> Any:
    """A window and a length as given (None leaves the field out), else 10:00 to 11:00 UTC and 60 minutes."""
    sent = {key: value for key, value in ({**WINDOW, "duration_minutes": 60} | body).items() if value is not None}
    return await client.post(f"/api/v1/listings/{location_id}/waitlist", json=sent, headers=driver.headers)


async def joined(client: Any, driver: Actor, location_id: str, **body: Any) -> dict[str, Any]:
    response = await join(client, driver, location_id, **body)
    assert response.status == 201, await response.text()
    entry: dict[str, Any] = await response.json()
    return entry


async def entry_of(client: Any, driver: Actor, entry_id: str) -> dict[str, Any]:
    response = await client.get(f"/api/v1/waitlist/{entry_id}", headers=driver.headers)
    assert response.status == 200, await response.text()
    entry: dict[str, Any] = await response.json()
    return entry


def waitlist(client: Any) -> Waitlist:
    service: Waitlist = client.server.app[HUB].waitlist
    return service


async def offers_told(client: Any, driver: Actor) -> list[Notification]:
    async with client.server.app[HUB].db.read() as session:
        found = await session.scalars(
            select(Notification)
            .where(Notification.user_id == driver.user_id, Notification.kind == "waitlist.offer")
            .order_by(Notification.id)
        )
        return list(found)
