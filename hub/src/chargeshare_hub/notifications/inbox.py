"""Writing a notification: the one call every feature uses to tell a user something."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from ..accounts.tables import User
from .tables import Notification, OutboundEmail
from .wakeup import MAIL_QUEUED


@dataclass(frozen=True, slots=True)
class Notice:
    """One notification to write with `notify_many`; the fields mean what `notify`'s arguments do."""

    user_id: int
    kind: str
    subject: str
    body: str
    link: str | None = None
    email: bool = True


async def notify(
    session: AsyncSession,
    user_id: int,
    *,
    kind: str,
    subject: str,
    body: str,
    link: str | None = None,
    email: bool = True,
) -> Notification:
    """Put a notification in the user's inbox and, with `email`, queue it for their address, in `session`'s
    transaction: it exists exactly when the change it tells about was committed."""
    notification = Notification(user_id=user_id, kind=kind, subject=subject[:200], body=body, link=link)
    session.add(notification)
    await session.flush()
    if email:
        address = (await session.execute(select(User.email).where(User.id == user_id))).scalar_one()
        session.add(
            OutboundEmail(
                user_id=user_id,
                notification_id=notification.id,
                to_address=address,
                subject=notification.subject,
                body=body,
                link=link,
            )
        )
        MAIL_QUEUED.mark(session)
    return notification


async def notify_many(session: AsyncSession, notices: Sequence[Notice]) -> None:
    """`notify` for many notifications at once (for the bookings' group commit): the emails' addresses in one
    query, the rows in one statement per table (PostgreSQL; SQLite numbers the notifications a row at a time)."""
    if not notices:
        return
    ids = (
        await session.scalars(
            insert(Notification).returning(Notification.id, sort_by_parameter_order=True),
            [
                {"user_id": n.user_id, "kind": n.kind, "subject": n.subject[:200], "body": n.body, "link": n.link}
                for n in notices
            ],
        )
    ).all()
    emailed = [(notice, notification_id) for notice, notification_id in zip(notices, ids, strict=True) if notice.email]
    if not emailed:
        return
    wanted = {notice.user_id for notice, _id in emailed}
    addresses = dict((await session.execute(select(User.id, User.email).where(User.id.in_(wanted)))).tuples().all())
    await session.execute(
        insert(OutboundEmail),
        [
            {
                "user_id": notice.user_id,
                "notification_id": notification_id,
                "to_address": addresses[notice.user_id],
                "subject": notice.subject[:200],
                "body": notice.body,
                "link": notice.link,
            }
            for notice, notification_id in emailed
        ],
    )
    MAIL_QUEUED.mark(session)
