"""The mailer speaks STARTTLS or TLS and authenticates; it never sends a password or mail in the clear."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword
import pytest
from sqlalchemy import select

from chargeshare_hub.config import HubConfig, load_config
from chargeshare_hub.notifications.mailer import Delivery, Mailer
from chargeshare_hub.notifications.tables import OutboundEmail
from chargeshare_hub.web.context import HUB
from tests.hub.bookings.helpers import Clock, actor
from tests.hub.notifications.certificates import Certificate, self_signed
from tests.hub.notifications.helpers import Mailbox, running, smtp_server, tell, with_smtp


class Authenticator:
    def __init__(self) -> None:
        self.logins: list[tuple[bytes, bytes]] = []

    def __call__(self, _server: SMTP, _session: Any, _envelope: Any, mechanism: str, data: Any) -> AuthResult:
        assert isinstance(data, LoginPassword)
        self.logins.append((data.login, data.password))
        # handled=False: aiosmtpd answers a refusal itself (True would mean this hook had answered).
        return AuthResult(success=data.login == b"hub" and data.password == b"s3cret-smtp", handled=False)


@pytest.fixture
def certificate(tmp_path: Path) -> Certificate:
    return self_signed(tmp_path)


async def _send(client: Any, config: HubConfig, clock: Clock, certificate: Certificate) -> Delivery:
    driver = await actor(client, "driver@example.org")
    await tell(client, driver, "secure")
    return await Mailer(
        client.server.app[HUB].db, config, clock=clock, tls_context=certificate.client_context()
    ).send_due()


async def test_starttls_then_auth(
    client: Any, hub_config: HubConfig, smtp_port: int, mail_clock: Clock, certificate: Certificate
) -> None:
    mailbox, authenticator = Mailbox(), Authenticator()
    server = smtp_server(
        mailbox, smtp_port, tls_context=certificate.server_context(), require_starttls=True,
        authenticator=authenticator, auth_required=True, auth_require_tls=True,
    )  # fmt: skip
    config = with_smtp(
        hub_config, smtp_port, smtp_security="starttls", smtp_username="hub", smtp_password="s3cret-smtp"
    )

    for _ in running(server):
        delivery = await _send(client, config, mail_clock, certificate)

    assert delivery == Delivery(sent=1)
    assert authenticator.logins == [(b"hub", b"s3cret-smtp")]
    assert [message["Subject"] for message in mailbox.messages] == ["secure"]


async def test_implicit_tls(
    client: Any, hub_config: HubConfig, smtp_port: int, mail_clock: Clock, certificate: Certificate
) -> None:
    mailbox = Mailbox()
    server = smtp_server(mailbox, smtp_port, ssl_context=certificate.server_context())
    config = with_smtp(hub_config, smtp_port, smtp_security="tls")

    for _ in running(server):
        delivery = await _send(client, config, mail_clock, certificate)

    assert delivery == Delivery(sent=1)
    assert len(mailbox.messages) == 1


async def test_a_server_without_starttls_gets_neither_password_nor_mail(
    client: Any, hub_config: HubConfig, smtp_port: int, mail_clock: Clock, certificate: Certificate
) -> None:
    mailbox = Mailbox()
    config = with_smtp(
        hub_config, smtp_port, smtp_security="starttls", smtp_username="hub", smtp_password="s3cret-smtp"
    )

    for _ in running(smtp_server(mailbox, smtp_port)):
        delivery = await _send(client, config, mail_clock, certificate)

    assert delivery == Delivery(failed=1)
    assert mailbox.messages == []
    async with client.server.app[HUB].db.read() as session:
        error = await session.scalar(select(OutboundEmail.last_error))
    assert error is not None
    assert "s3cret-smtp" not in error


async def test_a_wrong_password_is_a_failed_attempt(
    client: Any, hub_config: HubConfig, smtp_port: int, mail_clock: Clock, certificate: Certificate
) -> None:
    mailbox = Mailbox()
    server = smtp_server(
        mailbox, smtp_port, tls_context=certificate.server_context(), require_starttls=True,
        authenticator=Authenticator(), auth_required=True, auth_require_tls=True,
    )  # fmt: skip
    config = with_smtp(hub_config, smtp_port, smtp_security="starttls", smtp_username="hub", smtp_password="wrong")

    for _ in running(server):
        delivery = await _send(client, config, mail_clock, certificate)

    assert delivery == Delivery(failed=1)
    assert mailbox.messages == []


def test_the_smtp_password_is_a_secret_and_the_security_one_of_three() -> None:
    config = load_config(environ={"CHARGESHARE_HUB_SMTP_PASSWORD": "s3cret-smtp", "CHARGESHARE_HUB_SMTP_PORT": "465"})

    assert config.smtp_password == "s3cret-smtp"
    assert config.smtp_port == 465
    assert config.describe()["smtp_password"] == "***"
    assert "s3cret-smtp" not in repr(config)
    assert "s3cret-smtp" not in repr(replace(config, smtp_security="tls"))
    with pytest.raises(ValueError, match="smtp_security"):
        load_config(environ={"CHARGESHARE_HUB_SMTP_SECURITY": "ssl"})
    with pytest.raises(ValueError, match="smtp_port"):
        load_config(smtp_port=0)
