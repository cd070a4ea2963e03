"""Support requests: a user asks, the hub's admins answer in a thread, and close it when it is done.

OPEN: waiting for the admins (new, or the requester wrote again); ANSWERED: waiting for the requester;
CLOSED: done, no more replies. A request is seen by its requester and by admins; to anyone else it does not
exist (404). Every admin is told of a new request and of the requester's follow-ups; the requester of each
admin reply and of the closing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from ..accounts.principal import Principal
from ..accounts.tables import User
from ..bookings.tables import Booking
from ..db.base import utcnow
from ..db.engine import Database
from ..listings.tables import Location
from ..notifications.inbox import Notice, notify, notify_many
from ..web.errors import ApiError, bad_request, conflict, forbidden, not_found
from .tables import SupportReply, SupportRequest

NEW_PER_DAY = 5  # requests a user may open a day: each one emails every admin
MAX_SUBJECT = 200
MAX_BODY = 5000


class Status(StrEnum):
    OPEN = "OPEN"
    ANSWERED = "ANSWERED"
    CLOSED = "CLOSED"


@dataclass(frozen=True, slots=True)
class View:
    request: SupportRequest
    replies: list[SupportReply]


def support_link(request_id: int) -> str:
    return f"/support/{request_id}"


class Support:
    def __init__(self, db: Database, clock: Callable[[], datetime] = utcnow) -> None:
        self._db = db
        self.clock = clock

    async def create(self, principal: Principal, body: dict[str, Any]) -> View:
        subject, text = _text(body["subject"], "subject"), _text(body["body"], "body")
        now = self.clock()
        async with self._db.write() as session:
            await _check_rate(session, principal.user_id, now)
            booking_id = body.get("booking_id")
            if booking_id is not None and not await _is_party(session, principal.user_id, booking_id):
                raise bad_request("unknown_booking", "You have no such booking.", "booking_id")
            request = SupportRequest(
                requester_id=principal.user_id,
                booking_id=booking_id,
                subject=subject,
                body=text,
                status=Status.OPEN,
                created_at=now,
                updated_at=now,
            )
            session.add(request)
            await session.flush()
            await _tell_admins(session, request, "support.requested", f"Support request: {subject}", principal.user_id)
            return View(request, [])

    async def list(self, principal: Principal, *, every: bool, status: Status | None) -> list[SupportRequest]:
        """The user's own requests, or with `every` (admins) everyone's; newest first."""
        query = select(SupportRequest).order_by(SupportRequest.id.desc()).limit(500)
        if every:
            if not principal.is_admin:
                raise forbidden("Only admins see everyone's support requests.")
        else:
            query = query.where(SupportRequest.requester_id == principal.user_id)
        if status is not None:
            query = query.where(SupportRequest.status == status)
        async with self._db.read() as session:
            return list(await session.scalars(query))

    async def get(self, principal: Principal, request_id: int) -> View:
        async with self._db.read() as session:
            request = await _visible(session, principal, request_id)
            return View(request, await _replies(session, request_id))

    async def reply(self, principal: Principal, request_id: int, body: str) -> View:
        text = _text(body, "body")
        now = self.clock()
        async with self._db.write() as session:
            request = await _visible(session, principal, request_id, lock=True)
            if request.status == Status.CLOSED:
                raise conflict("closed", "This support request is closed; open a new one.")
            from_staff = request.requester_id != principal.user_id
            session.add(
                SupportReply(
                    request_id=request.id, author_id=principal.user_id, from_staff=from_staff, body=text, created_at=now
                )
            )
            request.status = Status.ANSWERED if from_staff else Status.OPEN
            request.updated_at = now
            if from_staff:
                await notify(
                    session,
                    request.requester_id,
                    kind="support.answered",
                    subject=f"Answer to your support request: {request.subject}",
                    body="The hub's support team answered your request. Read the answer on the hub.",
                    link=support_link(request.id),
                )
            else:
                subject = f"Support request followed up: {request.subject}"
                await _tell_admins(session, request, "support.followed_up", subject, principal.user_id)
            await session.flush()
            return View(request, await _replies(session, request.id))

    async def close(self, principal: Principal, request_id: int) -> View:
        now = self.clock()
        async with self._db.write() as session:
            request = await _visible(session, principal, request_id, lock=True)
            if not principal.is_admin:
                raise forbidden("Only admins close support requests.")
            if request.status == Status.CLOSED:
                raise conflict("closed", "This support request is already closed.")
            request.status = Status.CLOSED
            request.updated_at = now
            if request.requester_id != principal.user_id:
                await notify(
                    session,
                    request.requester_id,
                    kind="support.closed",
                    subject=f"Support request closed: {request.subject}",
                    body="The hub's support team closed your request. Open a new one if you need more help.",
                    link=support_link(request.id),
                )
            await session.flush()
            return View(request, await _replies(session, request.id))


def _text(value: str, field: str) -> str:
    text = value.strip()
    if not text:
        raise bad_request("invalid", f"{field} is empty.", field)
    return text


async def _check_rate(session: AsyncSession, user_id: int, now: datetime) -> None:
    opened = await session.scalar(
        select(func.count()).where(
            SupportRequest.requester_id == user_id, SupportRequest.created_at > now - timedelta(days=1)
        )
    )
    if (opened or 0) >= NEW_PER_DAY:
        error = ApiError(
            429, "rate_limited", f"At most {NEW_PER_DAY} support requests a day; add to an open one instead."
        )
        error.headers["Retry-After"] = "3600"
        raise error


async def _is_party(session: AsyncSession, user_id: int, booking_id: str) -> bool:
    """Whether the user is the booking's driver or the host of its listing."""
    found = await session.scalar(
        select(Booking.id)
        .join(Location, Location.id == Booking.location_id)
        .where(Booking.id == booking_id, or_(Booking.driver_id == user_id, Location.host_id == user_id))
    )
    return found is not None


async def _visible(
    session: AsyncSession, principal: Principal, request_id: int, *, lock: bool = False
) -> SupportRequest:
    query = select(SupportRequest).where(SupportRequest.id == request_id)
    request = await session.scalar(query.with_for_update() if lock else query)
    if request is None or not (principal.is_admin or request.requester_id == principal.user_id):
        raise not_found("support request")
    return request


async def _replies(session: AsyncSession, request_id: int) -> list[SupportReply]:
    return list(
        await session.scalars(
            select(SupportReply).where(SupportReply.request_id == request_id).order_by(SupportReply.id)
        )
    )


async def _tell_admins(session: AsyncSession, request: SupportRequest, kind: str, subject: str, author: int) -> None:
    admins = await session.scalars(select(User.id).where(User.is_admin.is_(True), User.id != author))
    body = "A user needs help from the hub's support team. Read the request and answer it on the hub."
    await notify_many(session, [Notice(admin, kind, subject, body, support_link(request.id)) for admin in admins])
