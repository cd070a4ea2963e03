"""Who may list, change and see a charger: hosts their own; invite-only listings only for those invited."""

from __future__ import annotations

from typing import Any

from tests.hub.conftest import sign_in
from tests.hub.listings.helpers import create, home_charger, make_admin, signed_in


async def _invite_only_listing(client: Any, *invitees: str) -> str:
    await signed_in(client, "host@example.org", host=True)
    created = await create(client, home_charger(publish=False, publish_allowed_to=list(invitees)))
    client.session.cookie_jar.clear()
    return str(created["id"])


async def test_a_driver_cannot_list_a_charger(client: Any) -> None:
    await signed_in(client, "driver@example.org")

    response = await client.post("/api/v1/listings", json=home_charger())

    assert response.status == 403


async def test_a_token_without_the_listings_scope_cannot_list(client: Any) -> None:
    await signed_in(client, "host@example.org", host=True)
    token = (await (await client.post("/api/v1/tokens", json={"name": "t", "scopes": ["bookings"]})).json())["token"]
    client.session.cookie_jar.clear()

    response = await client.post("/api/v1/listings", json=home_charger(), headers={"Authorization": f"Bearer {token}"})

    assert response.status == 403


async def test_another_host_cannot_change_or_remove_a_listing(client: Any) -> None:
    await signed_in(client, "host@example.org", host=True)
    created = await create(client, home_charger())
    client.session.cookie_jar.clear()
    await signed_in(client, "other@example.org", host=True)

    replaced = await client.put(f"/api/v1/listings/{created['id']}", json=home_charger(name="Mine now"))
    removed = await client.delete(f"/api/v1/listings/{created['id']}")
    read = await (await client.get(f"/api/v1/listings/{created['id']}")).json()

    assert (replaced.status, removed.status) == (404, 404)
    assert read["name"] == created["name"]
    assert "publish_allowed_to" not in read


async def test_a_published_listing_is_readable_by_anyone(client: Any) -> None:
    await signed_in(client, "host@example.org", host=True)
    created = await create(client, home_charger(publish=True))
    client.session.cookie_jar.clear()

    response = await client.get(f"/api/v1/listings/{created['id']}")

    assert response.status == 200


async def test_an_invite_only_listing_is_hidden_from_strangers(client: Any) -> None:
    await signed_in(client, "friend@example.org")
    client.session.cookie_jar.clear()
    listing_id = await _invite_only_listing(client, "friend@example.org")

    anonymous = await client.get(f"/api/v1/listings/{listing_id}")
    await signed_in(client, "stranger@example.org", host=True)
    stranger = await client.get(f"/api/v1/listings/{listing_id}")

    assert (anonymous.status, stranger.status) == (404, 404)
    assert await stranger.json() == await (await client.get("/api/v1/listings/no-such-listing")).json()


async def test_an_invited_driver_sees_an_invite_only_listing_but_not_who_else_is_invited(client: Any) -> None:
    friend = await signed_in(client, "friend@example.org")
    client.session.cookie_jar.clear()
    listing_id = await _invite_only_listing(client, str(friend["id"]))
    await sign_in(client, "friend@example.org")

    response = await client.get(f"/api/v1/listings/{listing_id}")

    assert response.status == 200
    assert "publish_allowed_to" not in await response.json()


async def test_an_admin_sees_an_invite_only_listing_with_its_invitees(client: Any) -> None:
    await signed_in(client, "friend@example.org")
    client.session.cookie_jar.clear()
    listing_id = await _invite_only_listing(client, "Friend@Example.org")
    await make_admin(client, "admin@example.org")

    response = await client.get(f"/api/v1/listings/{listing_id}")

    assert response.status == 200
    assert (await response.json())["publish_allowed_to"] == ["friend@example.org"]
