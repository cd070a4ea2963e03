"""Messages about a booking: its driver and the listing's host write to each other; admins may read.

Anyone else asking finds no booking (404), as in `bookings`. The other party gets a notice, not the text:
messages carry gate codes and the like, which should stay on the hub rather than sit in mailboxes; and one
unread notice per booking is enough, so a burst of messages sends one email.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
import math

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from ..accounts.principal import Principal
from ..bookings.notices import listing_title, local_slot
from ..bookings.tables import Booking
from ..db.base import utcnow
from ..db.engine import Database
from ..listings.tables import Location
from ..notifications.inbox import notify
from ..notifications.tables import Notification
from ..web.errors import ApiError, bad_request, conflict, forbidden, not_found
from .tables import BookingMessage

MAX_BODY = 2000
RATE_LIMIT = 20  # messages per sender and booking in RATE_WINDOW
RATE_WINDOW = timedelta(hours=1)
OPEN_AFTER_END = timedelta(days=30)  # then the conversation is closed: a support request is the way on
KIND = "message.received"
DRIVER, HOST, ADMIN = "driver", "host", "admin"


@dataclass(frozen=True, slots=True)
class Thread:
    messages: list[BookingMessage]
    role: str  # the reader's: driver, host or admin


def messages_link(booking_id: str) -> str:
    return f"/bookings/{booking_id}/messages"


class Messages:
    def __init__(self, db: Database, clock: Callable[[], datetime] = utcnow) -> None:
        self._db = db
        self.clock = clock

    async def thread(self, principal: Principal, booking_id: str, *, after: int | None = None) -> Thread:
        """The booking's messages, oldest first; `after`: only those newer than that message (for polling)."""
        query = select(BookingMessage).where(BookingMessage.booking_id == booking_id)
        if after is not None:
            query = query.where(BookingMessage.id > after)
        async with self._db.read() as session:
            _booking, _location, role = await _access(session, principal, booking_id)
            return Thread(list(await session.scalars(query.order_by(BookingMessage.id))), role)

    async def send(self, principal: Principal, booking_id: str, body: str) -> BookingMessage:
        if not body.strip():
            raise bad_request("invalid", "The message is empty.", "body")
        now = self.clock()
        async with self._db.write() as session:
            # Locked: two messages sent at once are counted one after the other against the limit.
            booking, location, role = await _access(session, principal, booking_id, lock=True)
            if role == ADMIN:
                raise forbidden("Admins read a booking's messages; only its driver and host write them.")
            if now > booking.ends_at + OPEN_AFTER_END:
                raise conflict(
                    "conversation_closed",
                    f"This booking ended more than {OPEN_AFTER_END.days} days ago; open a support request instead.",
                )
            await _check_rate(session, booking.id, principal.user_id, now)
            message = BookingMessage(
                booking_id=booking.id, sender_id=principal.user_id, sender_role=role, body=body, created_at=now
            )
            session.add(message)
            recipient = location.host_id if role == DRIVER else booking.driver_id
            await _tell(session, recipient, booking, location, role)
            await session.flush()
            return message


async def _access(
    session: AsyncSession, principal: Principal, booking_id: str, *, lock: bool = False
) -> tuple[Booking, Location, str]:
    query = select(Booking).where(Booking.id == booking_id)
    booking = await session.scalar(query.with_for_update() if lock else query)
    location = None if booking is None else await session.get(Location, booking.location_id)
    if booking is None or location is None:
        raise not_found("booking")
    if booking.driver_id == principal.user_id:
        return booking, location, DRIVER
    if location.host_id == principal.user_id:
        return booking, location, HOST
    if principal.is_admin:
        return booking, location, ADMIN
    raise not_found("booking")


async def _check_rate(session: AsyncSession, booking_id: str, sender_id: int, now: datetime) -> None:
    recent = (
        await session.execute(
            select(func.count(), func.min(BookingMessage.created_at)).where(
                BookingMessage.booking_id == booking_id,
                BookingMessage.sender_id == sender_id,
                BookingMessage.created_at > now - RATE_WINDOW,
            )
        )
    ).one()
    count, oldest = recent
    if count >= RATE_LIMIT:
        wait = math.ceil((oldest + RATE_WINDOW - now).total_seconds())
        error = ApiError(
            429, "rate_limited", f"At most {RATE_LIMIT} messages an hour per booking; try again in {wait} s."
        )
        error.headers["Retry-After"] = str(max(wait, 1))
        raise error


async def _tell(session: AsyncSession, recipient: int, booking: Booking, location: Location, role: str) -> None:
    """One notice until the recipient reads it: a burst of messages is one email."""
    link = messages_link(booking.id)
    waiting = await session.scalar(
        select(Notification.id).where(
            Notification.user_id == recipient,
            Notification.kind == KIND,
            Notification.link == link,
            Notification.read_at.is_(None),
        )
    )
    if waiting is not None:
        return
    title = listing_title(location)
    await notify(
        session,
        recipient,
        kind=KIND,
        subject=f"New message about the booking at {title}",
        body=f"The {role} of the booking at {title} on {local_slot(booking.starts_at, booking.ends_at, location)}"
        " wrote to you. Read and answer it on the hub.",
        link=link,
    )
