"""What trust and review tests share: a hub on one clock, verified accounts, fulfilled bookings, sent links."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import select, update

from chargeshare_hub.accounts.tables import User
from chargeshare_hub.bookings.tables import Booking
from chargeshare_hub.notifications.tables import OutboundEmail
from chargeshare_hub.web.context import HUB
from tests.hub.bookings.helpers import Actor
from tests.hub.charging.helpers import reserved, start


def now_to_the_hour() -> datetime:
    """The real time, to the hour: listings are confirmed at the real time, and slots start on the hour."""
    return datetime.now(UTC).replace(minute=0, second=0, microsecond=0)


async def verify(client: Any, *actors: Actor) -> None:
    """Marks the accounts' addresses verified, as a followed link would."""
    async with client.server.app[HUB].db.write() as session:
        await session.execute(
            update(User)
            .where(User.id.in_([actor.user_id for actor in actors]))
            .values(email_verified_at=datetime.now(UTC))
        )


async def fulfilled(client: Any, host: Actor, driver: Actor, location_id: str, tag: str) -> str:
    """A booking of the driver at the listing (its first EVSE), fulfilled by a session started with its tag."""
    booking_id = await reserved(client, driver, location_id, tag)
    await start(client, host, location_id, f"session-{tag}", id_tag=tag)
    return booking_id


async def with_status(client: Any, booking_id: str, status: str) -> None:
    async with client.server.app[HUB].db.write() as session:
        await session.execute(update(Booking).where(Booking.id == booking_id).values(reservation_status=status))


async def sent_emails(client: Any, address: str) -> list[OutboundEmail]:
    async with client.server.app[HUB].db.read() as session:
        return list(
            await session.scalars(
                select(OutboundEmail).where(OutboundEmail.to_address == address).order_by(OutboundEmail.id)
            )
        )


async def sent_token(client: Any, address: str) -> str:
    """The token of the newest verification link mailed to the address."""
    links = [mail.link for mail in await sent_emails(client, address) if mail.link and "verify-email" in mail.link]
    assert links, f"no verification link was sent to {address}"
    return parse_qs(urlsplit(links[-1]).query)["token"][0]
