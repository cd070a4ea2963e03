"""A hub whose clock the tests move, a real SMTP server on 127.0.0.1, and reading a user's inbox."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from dataclasses import replace
import email
from email.message import EmailMessage
import email.policy
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from chargeshare_hub.config import HubConfig
from chargeshare_hub.notifications.inbox import notify
from chargeshare_hub.web.context import HUB
from tests.hub.bookings.helpers import Actor


class Mailbox:
    """What the SMTP server received, in order."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[Envelope] = []
        self._arrived: Callable[[], None] = lambda: None

    async def handle_DATA(self, _server: SMTP, _session: Session, envelope: Envelope) -> str:  # noqa: N802 (aiosmtpd's name)
        assert isinstance(envelope.content, bytes)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.envelopes.append(envelope)
        self.messages.append(message)
        self._arrived()
        return "250 Message accepted for delivery"

    async def first_arrival(self, timeout_s: float) -> bool:
        """Whether a message arrives within `timeout_s` (the server runs in a thread of its own)."""
        loop, arrived = asyncio.get_running_loop(), asyncio.Event()
        self._arrived = lambda: loop.call_soon_threadsafe(arrived.set)
        if self.messages:
            return True
        try:
            await asyncio.wait_for(arrived.wait(), timeout_s)
        except TimeoutError:
            return False
        return True

    def to(self, address: str) -> list[EmailMessage]:
        return [message for message in self.messages if message["To"] == address]


def smtp_server(mailbox: Mailbox, port: int, **options: Any) -> Controller:
    return Controller(mailbox, hostname="127.0.0.1", port=port, **options)


def running(controller: Controller) -> Iterator[Controller]:
    controller.start()
    try:
        yield controller
    finally:
        controller.stop()


def with_smtp(config: HubConfig, port: int, **settings: Any) -> HubConfig:
    return replace(config, smtp_host="127.0.0.1", smtp_port=port, **{"smtp_security": "none", **settings})


async def tell(
    client: Any, user: Actor, subject: str = "Hello", *, link: str | None = "/bookings/b1", **options: Any
) -> None:
    """A notification for `user`, as any feature writes one."""
    async with client.server.app[HUB].db.write() as session:
        await notify(
            session, user.user_id, kind="test.hello", subject=subject, body=f"Body of {subject}", link=link, **options
        )


async def inbox(client: Any, user: Actor, query: str = "") -> dict[str, Any]:
    response = await client.get(f"/api/v1/inbox{query}", headers=user.headers)
    assert response.status == 200, await response.text()
    document: dict[str, Any] = await response.json()
    return document


async def kinds(client: Any, user: Actor) -> list[str]:
    return [item["kind"] for item in (await inbox(client, user))["notifications"]]
