"""Email verification: a link sent to the address proves it, once, within `TOKEN_TTL`.

The token travels only by email. The inbox on the hub says a link was sent but never holds it: whoever signs
in to an account may read its inbox, and someone who registered with another person's address must not be
able to verify it from there. So the mail is queued directly (an `OutboundEmail` without a notification) and
the inbox gets a notice without the link, both in the caller's transaction.

A token names the address it was sent to; after the account's address changed it proves nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
import hashlib
import secrets

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from ..accounts.tables import User
from ..notifications.inbox import notify
from ..notifications.tables import OutboundEmail
from ..notifications.wakeup import MAIL_QUEUED
from ..web.errors import ApiError, bad_request, conflict
from .tables import EmailVerification

TOKEN_TTL = timedelta(hours=48)
RESEND_INTERVAL = timedelta(minutes=1)  # between two links, so that a button pressed twice sends one mail
RESEND_PER_DAY = 5  # links per account in 24 hours, counting the one sent at registration
VERIFY_PATH = "/verify-email?token="


@dataclass(frozen=True, slots=True)
class SentLink:
    email: str
    expires_at: datetime


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def send_verification(session: AsyncSession, user_id: int, email: str, now: datetime) -> SentLink:
    """A new link for `email`, mailed, and a notice in the inbox; in `session`'s transaction."""
    token = secrets.token_urlsafe(32)
    expires_at = now + TOKEN_TTL
    session.add(
        EmailVerification(
            user_id=user_id, email=email, token_hash=_digest(token), created_at=now, expires_at=expires_at
        )
    )
    session.add(
        OutboundEmail(
            user_id=user_id,
            to_address=email,
            subject="Confirm your email address",
            body="Open the link below to confirm this address for your ChargeShare account. "
            f"It works once, for {TOKEN_TTL.days * 24} hours. If you did not sign up, ignore this email.",
            link=VERIFY_PATH + token,
        )
    )
    MAIL_QUEUED.mark(session)
    await notify(
        session,
        user_id,
        kind="account.verify",
        subject="Confirm your email address",
        body=f"We sent a confirmation link to {email}. Open it to verify your address.",
        email=False,
    )
    return SentLink(email, expires_at)


async def resend_verification(session: AsyncSession, user_id: int, now: datetime) -> SentLink:
    """Another link for the account's address; refused once verified, and when asked for too often."""
    user = await session.get(User, user_id)
    assert user is not None  # the signed-in account
    if user.email_verified_at is not None:
        raise conflict("already_verified", "This email address is verified already.")
    first, last, sent = (
        await session.execute(
            select(func.min(EmailVerification.created_at), func.max(EmailVerification.created_at), func.count()).where(
                EmailVerification.user_id == user_id, EmailVerification.created_at > now - timedelta(days=1)
            )
        )
    ).one()
    if sent >= RESEND_PER_DAY:
        raise _too_soon(first + timedelta(days=1) - now)
    if last is not None and now - last < RESEND_INTERVAL:
        raise _too_soon(last + RESEND_INTERVAL - now)
    return await send_verification(session, user_id, user.email, now)


def _too_soon(wait: timedelta) -> ApiError:
    error = ApiError(429, "too_many_requests", "A link was sent recently; check your mailbox or try again later.")
    error.headers["Retry-After"] = str(max(1, round(wait.total_seconds())))
    return error


async def verify_email(session: AsyncSession, token: str, now: datetime) -> User:
    """The account whose address the token proves, now verified. A token works once (410 `token_used`),
    until it expires (410 `token_expired`), and only for the address it was sent to (410 `email_changed`)."""
    link = await session.scalar(select(EmailVerification).where(EmailVerification.token_hash == _digest(token)))
    if link is None:
        raise bad_request("invalid_token", "This verification link is not valid.", "token")
    if link.used_at is not None:
        raise ApiError(410, "token_used", "This verification link was used already.")
    if link.expires_at <= now:
        raise ApiError(410, "token_expired", "This verification link has expired; ask for a new one.")
    user = await session.get(User, link.user_id)
    assert user is not None  # the token's row goes with the account
    if user.email != link.email:
        raise ApiError(410, "email_changed", "This link was sent to an address the account no longer has.")
    # Only the first of two requests racing with one token marks it used.
    used = await session.execute(
        update(EmailVerification)
        .where(EmailVerification.id == link.id, EmailVerification.used_at.is_(None))
        .values(used_at=now)
    )
    if used.rowcount == 0:
        raise ApiError(410, "token_used", "This verification link was used already.")
    if user.email_verified_at is None:
        user.email_verified_at = now
    await session.flush()
    return user


async def require_verified_email(session: AsyncSession, user_id: int) -> None:
    """Refuses (403 `email_unverified`) an account whose address is not verified: what it writes others read."""
    verified_at = await session.scalar(select(User.email_verified_at).where(User.id == user_id))
    if verified_at is None:
        raise ApiError(403, "email_unverified", "Verify your email address first (see the link we sent you).")
