"""The verification link reaches the address through the hub's SMTP server, as a link to the hub's page."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from chargeshare_hub.config import HubConfig
from chargeshare_hub.db.engine import Database
from chargeshare_hub.web.app import create_app
from chargeshare_hub.web.context import HUB
from tests.hub.conftest import free_port, register
from tests.hub.notifications.helpers import Mailbox, running, smtp_server, with_smtp


@pytest.fixture
def smtp_port() -> int:
    return free_port()


@pytest.fixture
def mailbox(smtp_port: int) -> Iterator[Mailbox]:
    box = Mailbox()
    for _server in running(smtp_server(box, smtp_port)):
        yield box


async def test_the_mailed_link_opens_the_hubs_page_and_verifies_the_address(
    hub_config: HubConfig, db: Database, aiohttp_client: Any, mailbox: Mailbox, smtp_port: int
) -> None:
    config = with_smtp(hub_config, smtp_port)
    client = await aiohttp_client(create_app(config, db, background_tasks=False))
    await register(client, "ann@example.org")

    await client.server.app[HUB].mailer.send_due()

    [message] = mailbox.to("ann@example.org")
    link = next(line for line in message.get_content().splitlines() if "/verify-email?" in line)
    assert link.startswith(f"{config.base_url}/verify-email?token=")
    token = parse_qs(urlsplit(link).query)["token"][0]
    assert (await client.post("/api/v1/email-verification", json={"token": token})).status == 200
