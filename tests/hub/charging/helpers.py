"""A host's charger with a tariff, and sessions on it reported the way the link will report them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
import json
from typing import Any

from sqlalchemy import select

from chargeshare_hub.bookings.tables import Booking
from chargeshare_hub.charging.service import Charging
from chargeshare_hub.charging.tables import Cdr, ChargingSession
from chargeshare_hub.listings.tables import Evse
from chargeshare_hub.web.context import HUB
from tests.hub.bookings.helpers import Actor
from tests.hub.listings.helpers import home_charger
from tests.hub.reference import OCPI_EXAMPLES as EXAMPLES

# Wednesday 10 January 2024, 12:00 in Köln (Europe/Berlin, winter time), as the worked cases have it.
SESSION_START = datetime(2024, 1, 10, 11, 0, tzinfo=UTC)


def example_tariff(name: str, tariff_id: str = "t1") -> dict[str, Any]:
    tariff: dict[str, Any] = json.loads((EXAMPLES / name).read_text(encoding="utf-8"))
    return tariff | {"id": tariff_id}


async def charger(client: Any, host: Actor, *tariffs: dict[str, Any], **changes: Any) -> str:
    """A listing by `host` whose one connector names the tariffs (made first); returns its id."""
    for tariff in tariffs:
        response = await client.post("/api/v1/tariffs", json=tariff, headers=host.headers)
        assert response.status == 201, await response.text()
    listing = home_charger(**changes)
    listing["evses"][0]["connectors"][0]["tariff_ids"] = [tariff["id"] for tariff in tariffs]
    response = await client.post("/api/v1/listings", json=listing, headers=host.headers)
    assert response.status == 201, await response.text()
    location_id: str = (await response.json())["id"]
    return location_id


def charging(client: Any) -> Charging:
    service: Charging = client.server.app[HUB].charging
    return service


async def start(
    client: Any,
    host: Actor,
    location_id: str,
    session_id: str = "s1",
    *,
    id_tag: str = "TAG1",
    at: datetime = SESSION_START,
    meter_wh: int = 1_000,
) -> ChargingSession:
    return await charging(client).session_started(
        host.user_id,
        session_id,
        location_id=location_id,
        evse_uid="wallbox-1",
        connector_id="1",
        id_tag=id_tag,
        auth_method="WHITELIST",
        start=at,
        meter_start_wh=meter_wh,
    )


async def end(client: Any, host: Actor, session_id: str = "s1", *, minutes: float, meter_wh: int) -> Cdr:
    return await charging(client).session_ended(
        host.user_id, session_id, end=SESSION_START + timedelta(minutes=minutes), meter_stop_wh=meter_wh
    )


async def charged(
    client: Any, host: Actor, location_id: str, session_id: str = "s1", *, kwh: int = 5, **fields: Any
) -> Cdr:
    """A session of `kwh` charged in one hour; returns its CDR."""
    await start(client, host, location_id, session_id, **fields)
    return await end(client, host, session_id, minutes=60, meter_wh=1_000 + kwh * 1_000)


async def reserved(client: Any, driver: Actor, location_id: str, id_tag: str) -> str:
    """A RESERVED booking of the charger for the hour from SESSION_START, written as the bookings service would."""
    async with client.server.app[HUB].db.write() as session:
        evse_row_id = await session.scalar(select(Evse.id).where(Evse.location_id == location_id))
        session.add(
            Booking(
                id=f"booking-{id_tag}",
                request_id=f"request-{id_tag}",
                location_id=location_id,
                evse_row_id=evse_row_id,
                connector_id="1",
                driver_id=driver.user_id,
                starts_at=SESSION_START,
                ends_at=SESSION_START + timedelta(hours=1),
                reservation_status="RESERVED",
                id_tag=id_tag,
                created_at=SESSION_START - timedelta(days=1),
                last_updated=SESSION_START - timedelta(days=1),
            )
        )
    return f"booking-{id_tag}"
