"""Queued email goes out through the configured SMTP server after the commit, and is retried when it fails."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from chargeshare_hub.config import HubConfig
from chargeshare_hub.db.engine import Database
from chargeshare_hub.notifications.mailer import MAX_ATTEMPTS, Delivery, Mailer, retry_delay
from chargeshare_hub.notifications.tables import OutboundEmail
from chargeshare_hub.web.context import HUB
from tests.hub.bookings.helpers import Actor, Clock, actor
from tests.hub.notifications.helpers import Mailbox, inbox, running, smtp_server, tell, with_smtp


@pytest.fixture
def mailbox() -> Mailbox:
    return Mailbox()


@pytest.fixture
def server(mailbox: Mailbox, smtp_port: int) -> Iterator[Any]:
    yield from running(smtp_server(mailbox, smtp_port))


def mailer(client: Any, config: HubConfig, clock: Clock) -> Mailer:
    hub = client.server.app[HUB]
    return Mailer(hub.db, config, clock=clock)


async def _emails(client: Any) -> list[OutboundEmail]:
    async with client.server.app[HUB].db.read() as session:
        return list(await session.scalars(select(OutboundEmail).order_by(OutboundEmail.id)))


@pytest.mark.usefixtures("server")
async def test_a_notification_is_mailed_with_proper_headers_and_an_absolute_link(
    client: Any, hub_config: HubConfig, smtp_port: int, mailbox: Mailbox, mail_clock: Clock
) -> None:
    config = with_smtp(replace(hub_config, public_url="https://hub.example.org"), smtp_port)
    driver = await actor(client, "driver@example.org")
    await tell(client, driver, "Booking confirmed", link="/bookings/b1")

    delivery = await mailer(client, config, mail_clock).send_due()

    assert delivery == Delivery(sent=1)
    [message] = mailbox.messages
    assert message["To"] == "driver@example.org"
    assert message["From"] == "ChargeShare <no-reply@hub.example.org>"
    assert message["Subject"] == "Booking confirmed"
    assert message["Date"] is not None
    assert message["Message-ID"].endswith("@hub.example.org>")
    assert message["Auto-Submitted"] == "auto-generated"
    assert message.get_content_type() == "text/plain"
    text = message.get_content()
    assert "Body of Booking confirmed" in text
    assert "https://hub.example.org/bookings/b1" in text
    assert mailbox.envelopes[0].rcpt_tos == ["driver@example.org"]
    [row] = await _emails(client)
    assert row.sent_at == mail_clock.now
    assert (await inbox(client, driver))["notifications"][0]["email"] == "sent"


@pytest.mark.usefixtures("server")
async def test_each_email_is_sent_once(
    client: Any, hub_config: HubConfig, smtp_port: int, mailbox: Mailbox, mail_clock: Clock
) -> None:
    config = with_smtp(hub_config, smtp_port, smtp_from="Hub <hub@example.org>")
    driver = await actor(client, "driver@example.org")
    await tell(client, driver, "one")
    await tell(client, driver, "two")
    sender = mailer(client, config, mail_clock)

    first = await sender.send_due()
    second = await sender.send_due()

    assert (first, second) == (Delivery(sent=2), Delivery())
    assert [message["Subject"] for message in mailbox.messages] == ["one", "two"]
    assert {message["From"] for message in mailbox.messages} == {"Hub <hub@example.org>"}


async def test_without_an_smtp_server_email_stays_queued_and_the_inbox_still_works(
    client: Any, hub_config: HubConfig, mail_clock: Clock
) -> None:
    driver = await actor(client, "driver@example.org")
    await tell(client, driver)

    delivery = await mailer(client, replace(hub_config, smtp_host=""), mail_clock).send_due()

    assert delivery == Delivery()
    [row] = await _emails(client)
    assert (row.sent_at, row.attempts) == (None, 0)
    assert (await inbox(client, driver))["notifications"][0]["email"] == "queued"


async def test_an_email_is_retried_with_backoff_once_the_server_is_back(
    client: Any, hub_config: HubConfig, smtp_port: int, mailbox: Mailbox, mail_clock: Clock
) -> None:
    config = with_smtp(hub_config, smtp_port)
    driver = await actor(client, "driver@example.org")
    await tell(client, driver, "retried")
    sender = mailer(client, config, mail_clock)

    down = await sender.send_due()  # nothing listens on the port yet
    [failed] = await _emails(client)
    for _ in running(smtp_server(mailbox, smtp_port)):
        too_early = await sender.send_due()
        mail_clock.advance(seconds=retry_delay(1).total_seconds())
        back = await sender.send_due()

    assert (down, too_early, back) == (Delivery(failed=1), Delivery(), Delivery(sent=1))
    assert failed.attempts == 1
    assert failed.last_error is not None
    assert "Connect" in failed.last_error
    assert failed.next_attempt_at > failed.created_at
    assert [message["Subject"] for message in mailbox.messages] == ["retried"]
    [sent] = await _emails(client)
    assert (sent.attempts, sent.last_error, sent.sent_at) == (2, None, mail_clock.now)


async def test_after_the_last_attempt_the_email_is_kept_unsent_and_shown_as_failed(
    client: Any, hub_config: HubConfig, smtp_port: int, mail_clock: Clock
) -> None:
    config = with_smtp(hub_config, smtp_port)
    driver = await actor(client, "driver@example.org")
    admin = await actor(client, "admin@example.org", admin=True)
    await tell(client, driver, "never delivered")
    sender = mailer(client, config, mail_clock)

    deliveries = []
    for attempt in range(1, MAX_ATTEMPTS + 1):
        deliveries.append(await sender.send_due())
        mail_clock.advance(seconds=retry_delay(attempt).total_seconds())
    after = await sender.send_due()

    assert deliveries == [Delivery(failed=1)] * (MAX_ATTEMPTS - 1) + [Delivery(gave_up=1)]
    assert after == Delivery()
    [row] = await _emails(client)
    assert (row.attempts, row.sent_at) == (MAX_ATTEMPTS, None)
    assert row.last_error
    assert (await inbox(client, driver))["notifications"][0]["email"] == "failed"
    listed = await (await client.get("/api/v1/admin/emails?failed=true", headers=admin.headers)).json()
    assert [(e["to"], e["attempts"]) for e in listed["emails"]] == [("driver@example.org", MAX_ATTEMPTS)]


def test_the_wait_between_attempts_doubles_up_to_a_ceiling() -> None:
    assert [retry_delay(n) for n in (1, 2, 3)] == [timedelta(minutes=1), timedelta(minutes=2), timedelta(minutes=4)]
    assert retry_delay(MAX_ATTEMPTS) == timedelta(hours=6)


@pytest.mark.usefixtures("server")
async def test_two_processes_sending_at_once_send_every_email_exactly_once(
    client: Any, hub_config: HubConfig, smtp_port: int, mailbox: Mailbox, mail_clock: Clock
) -> None:
    config = with_smtp(hub_config, smtp_port)
    drivers: list[Actor] = [await actor(client, f"driver{n}@example.org") for n in range(5)]
    for number in range(60):
        await tell(client, drivers[number % 5], f"mail {number}")
    other_process = Database.from_config(hub_config)  # its own engines and connections, as another worker has
    try:
        results = await asyncio.gather(
            mailer(client, config, mail_clock).send_due(),
            Mailer(other_process, config, clock=mail_clock).send_due(),
        )
    finally:
        await other_process.close()

    assert sum(result.sent for result in results) == 60
    subjects = sorted(message["Subject"] for message in mailbox.messages)
    assert subjects == sorted(f"mail {number}" for number in range(60))
    assert len({message["Message-ID"] for message in mailbox.messages}) == 60


async def test_only_admins_see_the_email_queue(client: Any) -> None:
    driver = await actor(client, "driver@example.org")
    admin = await actor(client, "admin@example.org", admin=True)
    await tell(client, driver, "queued")

    refused = await client.get("/api/v1/admin/emails", headers=driver.headers)
    listed = await (await client.get("/api/v1/admin/emails", headers=admin.headers)).json()

    assert refused.status == 403
    assert [(e["to"], e["subject"], e["attempts"]) for e in listed["emails"]] == [("driver@example.org", "queued", 0)]
