"""API tokens carry scopes and can be revoked; a pairing code links Home Assistant once."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from chargeshare_hub.accounts.tables import ApiToken
from chargeshare_hub.db.engine import Database
from tests.hub.conftest import register, sign_in


async def _token(client: Any, scopes: list[str], name: str = "script") -> dict[str, Any]:
    response = await client.post("/api/v1/tokens", json={"name": name, "scopes": scopes})
    assert response.status == 201, await response.text()
    return await response.json()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_a_token_acts_for_its_account_and_is_stored_only_as_a_hash(client: Any, db: Database) -> None:
    await register(client, "ada@example.org")
    await sign_in(client, "ada@example.org")
    issued = await _token(client, ["account"])
    client.session.cookie_jar.clear()

    me = await client.get("/api/v1/me", headers=bearer(issued["token"]))

    assert (await me.json())["email"] == "ada@example.org"
    async with db.read() as session:
        stored = await session.scalar(select(ApiToken))
    assert stored is not None
    assert issued["token"] not in (stored.token_hash, stored.prefix)


async def test_a_token_without_the_scope_is_refused(client: Any) -> None:
    await register(client, "ada@example.org")
    await sign_in(client, "ada@example.org")
    issued = await _token(client, ["bookings"])
    client.session.cookie_jar.clear()

    response = await client.get("/api/v1/me", headers=bearer(issued["token"]))

    assert response.status == 403
    assert (await response.json())["error"]["code"] == "insufficient_scope"


async def test_a_revoked_or_unknown_token_signs_nobody_in(client: Any) -> None:
    await register(client, "ada@example.org")
    await sign_in(client, "ada@example.org")
    issued = await _token(client, ["account"])

    assert (await client.delete(f"/api/v1/tokens/{issued['id']}")).status == 204
    listed = await (await client.get("/api/v1/tokens")).json()
    client.session.cookie_jar.clear()

    assert listed == {"tokens": []}
    assert (await client.get("/api/v1/me", headers=bearer(issued["token"]))).status == 401
    assert (await client.get("/api/v1/me", headers=bearer("csh_made_up"))).status == 401
    assert (await client.get("/api/v1/me", headers={"Authorization": "Basic abc"})).status == 401


async def test_nobody_revokes_another_accounts_token(client: Any) -> None:
    await register(client, "ada@example.org")
    await register(client, "bob@example.org")
    await sign_in(client, "ada@example.org")
    adas = await _token(client, ["account"])
    client.session.cookie_jar.clear()
    await sign_in(client, "bob@example.org")

    response = await client.delete(f"/api/v1/tokens/{adas['id']}")

    assert response.status == 404
    client.session.cookie_jar.clear()
    assert (await client.get("/api/v1/me", headers=bearer(adas["token"]))).status == 200


async def test_tokens_list_shows_names_and_scopes_never_secrets(client: Any) -> None:
    await register(client, "ada@example.org")
    await sign_in(client, "ada@example.org")
    issued = await _token(client, ["listings", "bookings"], name="my script")

    listed = (await (await client.get("/api/v1/tokens")).json())["tokens"]

    assert [(token["name"], token["scopes"]) for token in listed] == [("my script", ["bookings", "listings"])]
    assert issued["token"] not in str(listed)


async def test_a_pairing_code_links_home_assistant_exactly_once(client: Any) -> None:
    await register(client, "host@example.org", host=True)
    await sign_in(client, "host@example.org")
    code = (await (await client.post("/api/v1/pairing-codes")).json())["code"]
    client.session.cookie_jar.clear()

    first = await client.post("/api/v1/link/pair", json={"code": code.lower().replace("-", " ")})
    second = await client.post("/api/v1/link/pair", json={"code": code})

    assert first.status == 201
    link_token = (await first.json())["token"]
    assert second.status == 400
    assert (await second.json())["error"] == {
        "code": "invalid_code",
        "message": "The pairing code is unknown, used or expired.",
        "field": "code",
    }
    # The link token may not manage the account.
    assert (await client.get("/api/v1/me", headers=bearer(link_token))).status == 403


async def test_guessing_pairing_codes_is_rate_limited(client: Any) -> None:
    for _ in range(5):
        await client.post("/api/v1/link/pair", json={"code": "AAAA-AAAA"})

    response = await client.post("/api/v1/link/pair", json={"code": "BBBB-BBBB"})

    assert response.status == 429
