"""Sending the queued emails through the configured SMTP server, and retrying those that failed.

A pass claims a batch of due emails in a write transaction (PostgreSQL locks and skips rows another process
is claiming; SQLite's single writer takes one claim at a time) by counting the attempt and moving its next
attempt past the claim's lease, then sends them outside any transaction, then records each outcome. So two
processes never send one email in normal operation; an email whose sender died mid-send is sent again once
its lease runs out, with the same Message-ID. After `MAX_ATTEMPTS` failures an email stays unsent with its
last error, for the inbox and the admins to see.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
import logging
import ssl

import aiosmtplib
from sqlalchemy import select, update

from ..config import HubConfig
from ..db.base import utcnow
from ..db.engine import Database
from .compose import compose
from .tables import OutboundEmail

_LOGGER = logging.getLogger(__name__)
MAX_ATTEMPTS = 10
BATCH = 20
LEASE = timedelta(minutes=10)  # longer than a batch can take to send
FIRST_RETRY = timedelta(minutes=1)  # doubled after each failure: ten attempts span about eight and a half hours
LONGEST_WAIT = timedelta(hours=6)
SMTP_TIMEOUT_S = 30.0
# Refusals of one email (its address, its content), after which the connection serves the next one.
_REFUSED = (
    aiosmtplib.SMTPResponseException,
    aiosmtplib.SMTPRecipientsRefused,
    aiosmtplib.SMTPNotSupported,
    ValueError,  # an address the email package cannot put in a header
)


@dataclass(frozen=True, slots=True)
class Delivery:
    """What one pass did."""

    sent: int = 0
    failed: int = 0  # to be tried again
    gave_up: int = 0

    def __add__(self, other: Delivery) -> Delivery:
        return Delivery(self.sent + other.sent, self.failed + other.failed, self.gave_up + other.gave_up)


def retry_delay(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failed attempt."""
    return min(FIRST_RETRY * 2 ** (attempts - 1), LONGEST_WAIT)


class Mailer:
    def __init__(
        self,
        db: Database,
        config: HubConfig,
        clock: Callable[[], datetime] = utcnow,
        tls_context: ssl.SSLContext | None = None,  # None: the system's trusted certificates
    ) -> None:
        self._db = db
        self._config = config
        self.clock = clock
        self._tls_context = tls_context

    @property
    def configured(self) -> bool:
        return bool(self._config.smtp_host)

    async def send_due(self) -> Delivery:
        """Sends every email due now, a batch at a time; without an SMTP server they stay queued."""
        total = Delivery()
        if not self.configured:
            return total
        while batch := await self._claim():
            total += await self._record(await self._send(batch))
        return total

    async def _claim(self) -> list[OutboundEmail]:
        now = self.clock()
        async with self._db.write() as session:
            batch = list(
                await session.scalars(
                    select(OutboundEmail)
                    .where(
                        OutboundEmail.sent_at.is_(None),
                        OutboundEmail.next_attempt_at <= now,
                        OutboundEmail.attempts < MAX_ATTEMPTS,
                    )
                    .order_by(OutboundEmail.next_attempt_at, OutboundEmail.id)
                    .limit(BATCH)
                    .with_for_update(skip_locked=True)
                )
            )
            for email in batch:
                email.attempts += 1
                email.next_attempt_at = now + LEASE
        return batch

    async def _send(self, batch: list[OutboundEmail]) -> dict[int, tuple[OutboundEmail, str | None]]:
        """Each email's error, None when the server took it."""
        outcomes: dict[int, tuple[OutboundEmail, str | None]] = {}
        try:
            async with self._client() as smtp:
                for email in batch:
                    try:
                        await smtp.send_message(compose(email, self._config, self.clock()))
                    except _REFUSED as err:  # this email was refused; the connection is fine for the next
                        outcomes[email.id] = (email, _describe(err))
                    else:
                        outcomes[email.id] = (email, None)
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as err:
            # The server could not be reached or went away: what it had not yet taken is tried again later.
            for email in batch:
                if email.id not in outcomes:
                    outcomes[email.id] = (email, _describe(err))
            _LOGGER.warning("Sending email through %s:%s failed: %s", *self._server(), _describe(err))
        return outcomes

    async def _record(self, outcomes: dict[int, tuple[OutboundEmail, str | None]]) -> Delivery:
        now = self.clock()
        delivery = Delivery()
        async with self._db.write() as session:
            for email_id, (email, error) in outcomes.items():
                values: dict[str, object]
                if error is None:
                    values = {"sent_at": now, "last_error": None}
                    delivery += Delivery(sent=1)
                elif email.attempts >= MAX_ATTEMPTS:
                    values = {"last_error": error}
                    delivery += Delivery(gave_up=1)
                    _LOGGER.warning("Gave up on email %s after %s attempts: %s", email_id, email.attempts, error)
                else:
                    values = {"last_error": error, "next_attempt_at": now + retry_delay(email.attempts)}
                    delivery += Delivery(failed=1)
                await session.execute(
                    update(OutboundEmail)
                    .where(OutboundEmail.id == email_id, OutboundEmail.sent_at.is_(None))
                    .values(**values)
                )
        return delivery

    def _client(self) -> aiosmtplib.SMTP:
        config = self._config
        return aiosmtplib.SMTP(
            hostname=config.smtp_host,
            port=config.smtp_port,
            username=config.smtp_username or None,
            password=config.smtp_password or None,
            use_tls=config.smtp_security == "tls",
            # Required, not opportunistic: a server that does not offer it is refused rather than sent the
            # password and the mail in the clear.
            start_tls=config.smtp_security == "starttls",
            tls_context=self._tls_context,
            timeout=SMTP_TIMEOUT_S,
        )

    def _server(self) -> tuple[str, int]:
        return self._config.smtp_host, self._config.smtp_port


def _describe(err: BaseException) -> str:
    return f"{type(err).__name__}: {err}"[:500]
