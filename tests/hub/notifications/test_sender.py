"""The running hub sends mail right after the commit that queued it, without waiting for its timer."""

from __future__ import annotations

from typing import Any

from chargeshare_hub.config import HubConfig
from chargeshare_hub.db.engine import Database
from chargeshare_hub.web.app import create_app
from tests.hub.bookings.helpers import actor
from tests.hub.notifications.helpers import Mailbox, running, smtp_server, tell, with_smtp


async def test_a_commit_that_queued_mail_wakes_the_sender(
    hub_config: HubConfig, db: Database, aiohttp_client: Any, smtp_port: int
) -> None:
    mailbox = Mailbox()
    for _ in running(smtp_server(mailbox, smtp_port)):
        client = await aiohttp_client(create_app(with_smtp(hub_config, smtp_port), db, background_tasks=True))
        driver = await actor(client, "driver@example.org")

        await tell(client, driver, "at once")
        # The timer's period is 30 s: mail within a few seconds was sent because the commit woke the sender.
        arrived = await mailbox.first_arrival(timeout_s=10)
        await client.close()

    assert arrived
    assert [message["Subject"] for message in mailbox.messages] == ["at once"]


async def test_a_hub_without_an_smtp_server_starts_and_stops(
    hub_config: HubConfig, db: Database, aiohttp_client: Any
) -> None:
    client = await aiohttp_client(create_app(hub_config, db, background_tasks=True))

    assert (await client.get("/healthz")).status == 200
