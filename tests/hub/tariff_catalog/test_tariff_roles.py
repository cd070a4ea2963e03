"""Who may write and read a tariff: hosts write their own; a tariff is read by its host, admins, and whoever
may see a live listing naming it; to anyone else it looks like no tariff at all."""

from __future__ import annotations

from typing import Any

from tests.hub.conftest import sign_in
from tests.hub.listings.helpers import make_admin, signed_in

from .helpers import create_tariff, list_with_tariffs, per_kwh


async def _hosts_tariff(client: Any, tariff_id: str = "t1", *, listed: dict[str, Any] | None = None) -> None:
    """host@example.org with the tariff, named by a listing made with `listed` when given; then signed out."""
    await signed_in(client, "host@example.org", host=True)
    await create_tariff(client, per_kwh(id=tariff_id))
    if listed is not None:
        await list_with_tariffs(client, tariff_id, **listed)
    client.session.cookie_jar.clear()


async def test_anonymous_callers_cannot_write_or_list_tariffs(client: Any) -> None:
    await _hosts_tariff(client)

    statuses = [
        (await client.post("/api/v1/tariffs", json=per_kwh())).status,
        (await client.get("/api/v1/tariffs")).status,
        (await client.put("/api/v1/tariffs/t1", json=per_kwh())).status,
        (await client.delete("/api/v1/tariffs/t1")).status,
    ]

    assert statuses == [401, 401, 401, 401]


async def test_a_driver_cannot_create_a_tariff(client: Any) -> None:
    await signed_in(client, "driver@example.org")

    response = await client.post("/api/v1/tariffs", json=per_kwh())

    assert response.status == 403
    assert (await (await client.get("/api/v1/tariffs")).json())["tariffs"] == []


async def test_a_token_without_the_listings_scope_cannot_create_a_tariff(client: Any) -> None:
    await signed_in(client, "host@example.org", host=True)
    token = (await (await client.post("/api/v1/tokens", json={"name": "t", "scopes": ["bookings"]})).json())["token"]
    client.session.cookie_jar.clear()

    response = await client.post("/api/v1/tariffs", json=per_kwh(), headers={"Authorization": f"Bearer {token}"})

    assert response.status == 403


async def test_a_tariff_no_listing_names_is_hidden_from_everyone_but_its_host_and_admins(client: Any) -> None:
    await _hosts_tariff(client)

    anonymous = await client.get("/api/v1/tariffs/t1")
    await signed_in(client, "driver@example.org")
    driver = await client.get("/api/v1/tariffs/t1")
    client.session.cookie_jar.clear()
    await signed_in(client, "other@example.org", host=True)
    other_host = await client.get("/api/v1/tariffs/t1")
    await make_admin(client, "admin@example.org")
    admin = await client.get("/api/v1/tariffs/t1")
    await sign_in(client, "host@example.org")
    host = await client.get("/api/v1/tariffs/t1")

    assert [anonymous.status, driver.status, other_host.status] == [404, 404, 404]
    assert await other_host.json() == await (await client.get("/api/v1/tariffs/no-such-tariff")).json()
    assert (admin.status, host.status) == (200, 200)


async def test_anyone_reads_a_tariff_a_published_listing_names(client: Any) -> None:
    await _hosts_tariff(client, listed={"publish": True})

    anonymous = await client.get("/api/v1/tariffs/t1")
    await signed_in(client, "driver@example.org")
    driver = await client.get("/api/v1/tariffs/t1")

    assert (anonymous.status, driver.status) == (200, 200)
    assert (await driver.json())["id"] == "t1"


async def test_only_invited_drivers_read_a_tariff_an_invite_only_listing_names(client: Any) -> None:
    await signed_in(client, "friend@example.org")
    client.session.cookie_jar.clear()
    await _hosts_tariff(client, listed={"publish": False, "publish_allowed_to": ["friend@example.org"]})

    anonymous = await client.get("/api/v1/tariffs/t1")
    await signed_in(client, "stranger@example.org")
    stranger = await client.get("/api/v1/tariffs/t1")
    await sign_in(client, "friend@example.org")
    friend = await client.get("/api/v1/tariffs/t1")

    assert (anonymous.status, stranger.status, friend.status) == (404, 404, 200)


async def test_a_removed_listing_no_longer_shows_its_tariff(client: Any) -> None:
    await signed_in(client, "host@example.org", host=True)
    await create_tariff(client, per_kwh(id="t1"))
    listing = await list_with_tariffs(client, "t1")
    await client.delete(f"/api/v1/listings/{listing['id']}")
    client.session.cookie_jar.clear()

    response = await client.get("/api/v1/tariffs/t1")

    assert response.status == 404


async def test_another_host_can_neither_change_nor_remove_a_tariff(client: Any) -> None:
    await _hosts_tariff(client, listed={"publish": True})
    await signed_in(client, "other@example.org", host=True)

    replaced = await client.put("/api/v1/tariffs/t1", json=per_kwh(0.99))
    removed = await client.delete("/api/v1/tariffs/t1")
    read = await (await client.get("/api/v1/tariffs/t1")).json()

    assert (replaced.status, removed.status) == (404, 404)
    assert read["elements"] == per_kwh()["elements"]


async def test_an_admin_reads_but_does_not_change_a_hosts_tariff(client: Any) -> None:
    await _hosts_tariff(client)
    await make_admin(client, "admin@example.org")

    replaced = await client.put("/api/v1/tariffs/t1", json=per_kwh(0.99))
    removed = await client.delete("/api/v1/tariffs/t1")

    assert (replaced.status, removed.status) == (404, 404)
    assert (await (await client.get("/api/v1/tariffs/t1")).json())["elements"] == per_kwh()["elements"]
