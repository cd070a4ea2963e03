"""An account's email address is verified by a link mailed to it: once, within 48 hours, for that address only."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select, update

from chargeshare_hub.accounts.tables import User
from chargeshare_hub.db.base import utcnow
from chargeshare_hub.notifications.tables import Notification
from chargeshare_hub.trust.tables import EmailVerification
from chargeshare_hub.web.context import HUB
from tests.hub.bookings.helpers import Clock
from tests.hub.conftest import register, sign_in
from tests.hub.trust.helpers import sent_emails, sent_token


@pytest.fixture
def clock() -> Clock:
    """Registration dates its link by the real time: the trust clock starts there too (see `_registered`)."""
    return Clock(utcnow())


async def _registered(client: Any, clock: Clock, email: str = "ann@example.org") -> dict[str, Any]:
    """A new account, signed in; the clock stands at the moment its link was sent."""
    account = await register(client, email)
    await sign_in(client, email)
    async with client.server.app[HUB].db.read() as session:
        sent_at = await session.scalar(
            select(EmailVerification.created_at).where(EmailVerification.user_id == account["id"])
        )
    assert sent_at is not None
    clock.now = sent_at
    return account


async def _verify(client: Any, token: str) -> Any:
    return await client.post("/api/v1/email-verification", json={"token": token})


async def _me(client: Any) -> dict[str, Any]:
    response = await client.get("/api/v1/me")
    assert response.status == 200
    me: dict[str, Any] = await response.json()
    return me


async def _error(response: Any) -> tuple[int, str]:
    return response.status, (await response.json())["error"]["code"]


async def test_registering_mails_a_link_and_the_account_starts_unverified(client: Any) -> None:
    account = await register(client, "ann@example.org")

    mails = await sent_emails(client, "ann@example.org")
    assert account["email_verified"] is False
    assert len(mails) == 1
    assert mails[0].link is not None
    assert mails[0].link.startswith("/verify-email?token=")


async def test_the_inbox_tells_of_the_link_but_never_holds_it(client: Any) -> None:
    account = await register(client, "ann@example.org")
    token = await sent_token(client, "ann@example.org")

    async with client.server.app[HUB].db.read() as session:
        notices = list(await session.scalars(select(Notification).where(Notification.user_id == account["id"])))

    assert [notice.kind for notice in notices] == ["account.verify"]
    assert token not in f"{notices[0].subject} {notices[0].body} {notices[0].link}"


async def test_the_link_verifies_the_address(client: Any, clock: Clock) -> None:
    await _registered(client, clock)

    response = await _verify(client, await sent_token(client, "ann@example.org"))

    assert response.status == 200
    assert await response.json() == {"email": "ann@example.org", "email_verified": True}
    assert (await _me(client))["email_verified"] is True


async def test_a_link_works_once(client: Any) -> None:
    await register(client, "ann@example.org")
    token = await sent_token(client, "ann@example.org")
    assert (await _verify(client, token)).status == 200

    assert await _error(await _verify(client, token)) == (410, "token_used")


async def test_an_expired_link_verifies_nothing(client: Any, clock: Clock) -> None:
    await _registered(client, clock)
    token = await sent_token(client, "ann@example.org")

    clock.advance(hours=48, seconds=1)

    assert await _error(await _verify(client, token)) == (410, "token_expired")
    assert (await _me(client))["email_verified"] is False


async def test_a_link_still_works_just_before_it_expires(client: Any, clock: Clock) -> None:
    await _registered(client, clock)
    clock.advance(hours=47, minutes=59)

    assert (await _verify(client, await sent_token(client, "ann@example.org"))).status == 200


@pytest.mark.parametrize("token", ["not-a-token", "x" * 43])
async def test_an_unknown_token_is_refused(client: Any, token: str) -> None:
    await register(client, "ann@example.org")

    assert await _error(await _verify(client, token)) == (400, "invalid_token")


async def test_a_token_must_be_given(client: Any) -> None:
    response = await client.post("/api/v1/email-verification", json={})

    assert await _error(response) == (400, "invalid")


async def test_a_link_for_the_old_address_does_not_verify_a_changed_one(client: Any) -> None:
    account = await register(client, "ann@example.org")
    token = await sent_token(client, "ann@example.org")
    async with client.server.app[HUB].db.write() as session:
        await session.execute(update(User).where(User.id == account["id"]).values(email="ann@example.net"))

    assert await _error(await _verify(client, token)) == (410, "email_changed")
    async with client.server.app[HUB].db.read() as session:
        assert await session.scalar(select(User.email_verified_at).where(User.id == account["id"])) is None


async def test_another_link_may_be_asked_for_a_minute_later(client: Any, clock: Clock) -> None:
    await _registered(client, clock)
    clock.advance(minutes=1)

    response = await client.post("/api/v1/account/email-verification")

    assert response.status == 202
    assert (await response.json())["email"] == "ann@example.org"
    assert len(await sent_emails(client, "ann@example.org")) == 2


async def test_asking_again_at_once_is_refused_with_when_to_retry(client: Any, clock: Clock) -> None:
    await _registered(client, clock)
    clock.advance(seconds=20)

    response = await client.post("/api/v1/account/email-verification")

    assert await _error(response) == (429, "too_many_requests")
    assert response.headers["Retry-After"] == "40"
    assert len(await sent_emails(client, "ann@example.org")) == 1


async def test_at_most_five_links_a_day(client: Any, clock: Clock) -> None:
    await _registered(client, clock)
    for _ in range(4):
        clock.advance(minutes=10)
        assert (await client.post("/api/v1/account/email-verification")).status == 202
    clock.advance(minutes=10)

    refused = await client.post("/api/v1/account/email-verification")
    clock.advance(hours=23, minutes=10)
    allowed = await client.post("/api/v1/account/email-verification")

    assert await _error(refused) == (429, "too_many_requests")
    assert refused.headers["Retry-After"] == str(23 * 3600 + 10 * 60)
    assert allowed.status == 202


async def test_an_earlier_link_still_works_after_another_was_sent(client: Any, clock: Clock) -> None:
    await _registered(client, clock)
    first = await sent_token(client, "ann@example.org")
    clock.advance(minutes=5)
    assert (await client.post("/api/v1/account/email-verification")).status == 202

    assert (await _verify(client, first)).status == 200


async def test_a_verified_address_gets_no_more_links(client: Any, clock: Clock) -> None:
    await _registered(client, clock)
    assert (await _verify(client, await sent_token(client, "ann@example.org"))).status == 200
    clock.advance(minutes=5)

    assert await _error(await client.post("/api/v1/account/email-verification")) == (409, "already_verified")


async def test_asking_for_a_link_needs_a_signed_in_account(client: Any) -> None:
    assert await _error(await client.post("/api/v1/account/email-verification")) == (401, "unauthorized")


async def test_an_unused_link_for_one_account_does_not_verify_another(client: Any) -> None:
    await register(client, "ann@example.org")
    await register(client, "bob@example.org")
    await sign_in(client, "bob@example.org")

    assert (await _verify(client, await sent_token(client, "ann@example.org"))).status == 200

    assert (await _me(client))["email_verified"] is False
