"""The hub with every service on one clock the tests move, and the parties of a fault report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from aiohttp import FormData
from sqlalchemy import select

from chargeshare_hub.charging.tables import ChargingSession
from chargeshare_hub.listings.tables import Evse
from chargeshare_hub.notifications.tables import Notification, OutboundEmail
from chargeshare_hub.web.context import HUB
from tests.hub.bookings.helpers import Actor, actor, booked, listing, period

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64  # what the upload checks: the bytes say PNG
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64


@dataclass(frozen=True, slots=True)
class Scene:
    host: Actor
    driver: Actor  # booked wallbox-1 of the listing
    location_id: str
    booking_id: str


async def scene(client: Any, **changes: Any) -> Scene:
    """A host's listing of two EVSEs (wallbox-1, wallbox-2) and a driver with a booking of wallbox-1."""
    host = await actor(client, "host@example.org", host=True)
    driver = await actor(client, "driver@example.org")
    location_id = await listing(client, host, **changes)
    booking = await booked(client, driver, location_id, period(2), evse_uid="wallbox-1")
    return Scene(host, driver, location_id, booking["id"])


def fault_body(**changes: Any) -> dict[str, Any]:
    return {"category": "EQUIPMENT_PROBLEM", "description": "The cable's plug is cracked.", **changes}


async def report(client: Any, who: Actor | None, location_id: str, evse_uid: str = "wallbox-1", **changes: Any) -> Any:
    return await client.post(
        f"/api/v1/listings/{location_id}/evses/{evse_uid}/faults",
        json=fault_body(**changes),
        headers=None if who is None else who.headers,
    )


async def reported(client: Any, who: Actor, location_id: str, evse_uid: str = "wallbox-1") -> dict[str, Any]:
    response = await report(client, who, location_id, evse_uid)
    assert response.status == 201, await response.text()
    document: dict[str, Any] = await response.json()
    return document


def form(photo: bytes | None = None, content_type: str = "image/png", **fields: str) -> FormData:
    data = FormData()
    for name, value in (fault_body() | fields).items():
        data.add_field(name, value)
    if photo is not None:
        data.add_field("photo", photo, filename="fault.png", content_type=content_type)
    return data


async def fix(client: Any, who: Actor | None, fault: dict[str, Any]) -> Any:
    path = f"/api/v1/listings/{fault['location_id']}/faults/{fault['id']}/fix"
    return await client.post(path, headers=None if who is None else who.headers)


async def evse_status(client: Any, location_id: str, uid: str) -> str:
    async with client.server.app[HUB].db.read() as session:
        status = await session.scalar(select(Evse.status).where(Evse.location_id == location_id, Evse.uid == uid))
    assert status is not None
    return status


async def shown_statuses(client: Any, location_id: str, who: Actor) -> dict[str, str]:
    response = await client.get(f"/api/v1/listings/{location_id}", headers=who.headers)
    assert response.status == 200, await response.text()
    return {evse["uid"]: evse["status"] for evse in (await response.json())["evses"]}


async def notifications(client: Any, who: Actor, prefix: str = "fault.") -> list[tuple[str, str | None]]:
    """The kinds and links of the user's notifications of kinds starting with `prefix`, oldest first."""
    async with client.server.app[HUB].db.read() as session:
        rows = await session.execute(
            select(Notification.kind, Notification.link)
            .where(Notification.user_id == who.user_id, Notification.kind.startswith(prefix))
            .order_by(Notification.id)
        )
        return [(kind, link) for kind, link in rows]


async def emails_to(client: Any, who: Actor, prefix: str = "fault.") -> list[str]:
    """The subjects of the emails queued for the user's notifications of kinds starting with `prefix`."""
    async with client.server.app[HUB].db.read() as session:
        subjects = await session.scalars(
            select(OutboundEmail.subject)
            .join(Notification, Notification.id == OutboundEmail.notification_id)
            .where(OutboundEmail.user_id == who.user_id, Notification.kind.startswith(prefix))
            .order_by(OutboundEmail.id)
        )
        return list(subjects)


async def charged_at(client: Any, driver: Actor, host: Actor, location_id: str, start: datetime) -> None:
    """A completed session of the driver at the listing, as the link reports it (written directly)."""
    async with client.server.app[HUB].db.write() as session:
        session.add(
            ChargingSession(
                id=f"s-{driver.user_id}-{start.timestamp():.0f}",
                location_id=location_id,
                evse_uid="wallbox-1",
                connector_id="1",
                host_id=host.user_id,
                driver_id=driver.user_id,
                id_tag="TAG",
                auth_method="WHITELIST",
                start_date_time=start,
                end_date_time=start + timedelta(hours=1),
                meter_start_wh=0,
                meter_stop_wh=5000,
                energy_wh=5000,
                status="COMPLETED",
                currency="EUR",
                tariffs=[],
                cdr_location={},
                last_updated=start,
            )
        )


async def link_token(client: Any, host: Actor) -> Actor:
    """The host, as their Home Assistant acts: a token with the `link` scope, as pairing gives it."""
    issued = await client.server.app[HUB].accounts.create_token(host.user_id, "Home Assistant", frozenset({"link"}))
    return Actor(host.user_id, {"Authorization": f"Bearer {issued.secret}"})


async def error_of(response: Any) -> tuple[int, str, str | None]:
    error = (await response.json())["error"]
    return response.status, error["code"], error["field"]
