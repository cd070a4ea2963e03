"""Reading the inbox and marking it read (only its owner: anyone else's notification is not found), and the
admins' view of email that has not gone out."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Select, case, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from ..accounts.principal import Principal
from ..db.base import utcnow
from ..db.engine import Database
from ..web.errors import forbidden, not_found
from .mailer import MAX_ATTEMPTS
from .tables import Notification, OutboundEmail

PAGE = 50
MAX_PAGE = 100


class EmailState(StrEnum):
    QUEUED = "queued"  # waiting for its first or next attempt
    SENT = "sent"
    FAILED = "failed"  # given up after MAX_ATTEMPTS


@dataclass(frozen=True, slots=True)
class Item:
    notification: Notification
    email: EmailState | None  # None: the notification was not emailed


@dataclass(frozen=True, slots=True)
class Page:
    items: list[Item]
    unread: int  # of the whole inbox, not of this page
    next_cursor: int | None  # the cursor of the next (older) page; None on the last


_EMAIL_STATE = case(
    (OutboundEmail.id.is_(None), None),
    (OutboundEmail.sent_at.is_not(None), EmailState.SENT.value),
    (OutboundEmail.attempts >= MAX_ATTEMPTS, EmailState.FAILED.value),
    else_=EmailState.QUEUED.value,
)


class Notifications:
    def __init__(self, db: Database, clock: Callable[[], datetime] = utcnow) -> None:
        self._db = db
        self.clock = clock

    async def inbox(self, principal: Principal, *, unread_only: bool, cursor: int | None, limit: int = PAGE) -> Page:
        """Newest first; `cursor` continues after the last page (a notification id, so new ones arriving
        meanwhile do not shift the pages)."""
        query = _items().where(Notification.user_id == principal.user_id)
        if unread_only:
            query = query.where(Notification.read_at.is_(None))
        if cursor is not None:
            query = query.where(Notification.id < cursor)
        async with self._db.read() as session:
            rows = (await session.execute(query.order_by(Notification.id.desc()).limit(limit + 1))).tuples().all()
            unread = await _unread(session, principal.user_id)
        items = [Item(notification, _state(state)) for notification, state in rows[:limit]]
        more = len(rows) > limit
        return Page(items, unread, items[-1].notification.id if more else None)

    async def mark_read(self, principal: Principal, notification_id: int) -> Item:
        async with self._db.write() as session:
            await session.execute(
                update(Notification)
                .where(
                    Notification.id == notification_id,
                    Notification.user_id == principal.user_id,
                    Notification.read_at.is_(None),
                )
                .values(read_at=self.clock())
            )
            row = (
                await session.execute(
                    _items().where(Notification.id == notification_id, Notification.user_id == principal.user_id)
                )
            ).first()
            if row is None:
                raise not_found("notification")
            return Item(row[0], _state(row[1]))

    async def mark_all_read(self, principal: Principal) -> int:
        """How many were unread."""
        async with self._db.write() as session:
            result = await session.execute(
                update(Notification)
                .where(Notification.user_id == principal.user_id, Notification.read_at.is_(None))
                .values(read_at=self.clock())
            )
            return int(result.rowcount)

    async def undelivered(self, principal: Principal, *, failed_only: bool) -> list[OutboundEmail]:
        """Email not sent yet (or given up on), oldest first: for admins, to see the SMTP server's trouble."""
        if not principal.is_admin:
            raise forbidden("Only admins see the email queue.")
        query = select(OutboundEmail).where(OutboundEmail.sent_at.is_(None))
        if failed_only:
            query = query.where(OutboundEmail.attempts >= MAX_ATTEMPTS)
        async with self._db.read() as session:
            return list(await session.scalars(query.order_by(OutboundEmail.id).limit(500)))


def _items() -> Select[tuple[Notification, str | None]]:
    return select(Notification, _EMAIL_STATE).outerjoin(OutboundEmail, OutboundEmail.notification_id == Notification.id)


async def _unread(session: AsyncSession, user_id: int) -> int:
    count = await session.scalar(
        select(func.count()).where(Notification.user_id == user_id, Notification.read_at.is_(None))
    )
    return int(count or 0)


def _state(value: str | None) -> EmailState | None:
    return None if value is None else EmailState(value)
