"""Who finds what: published listings for anyone; invite-only ones for their host and invited drivers only."""

from __future__ import annotations

from typing import Any

import pytest

from tests.hub.conftest import sign_in
from tests.hub.listings.helpers import create, make_admin, sign_out, signed_in
from tests.hub.search.conftest import CENTRE, T2_11KW, connector, listing, names, offset

AROUND = f"lat={CENTRE[0]}&lon={CENTRE[1]}&radius_km=10"


@pytest.fixture
async def invite_only(client: Any) -> str:
    await signed_in(client, "invited@example.org")
    await sign_out(client)
    await signed_in(client, "host@example.org", host=True)
    await create(client, listing("public", CENTRE, [connector(*T2_11KW)]))
    private = listing("private", offset(500, 0), [connector(*T2_11KW)], publish=False,
                      publish_allowed_to=["invited@example.org"])  # fmt: skip
    location_id = str((await create(client, private))["id"])
    await sign_out(client)
    return location_id


async def test_anonymous_finds_only_published_listings(client: Any, invite_only: str) -> None:
    assert await names(client, AROUND) == ["public"]


async def test_an_invited_driver_finds_the_invite_only_listing(client: Any, invite_only: str) -> None:
    await signed_in(client, "driver@example.org")
    await sign_out(client)
    await sign_in(client, "invited@example.org")

    assert await names(client, AROUND) == ["public", "private"]


async def test_a_driver_not_invited_does_not_find_it(client: Any, invite_only: str) -> None:
    await signed_in(client, "driver@example.org")

    assert await names(client, AROUND) == ["public"]


async def test_its_host_finds_it_marked_invite_only(client: Any, invite_only: str) -> None:
    await sign_in(client, "host@example.org")

    results = (await (await client.get(f"/api/v1/search?{AROUND}")).json())["results"]
    assert [(result["name"], result["invite_only"]) for result in results] == [("public", False), ("private", True)]


async def test_another_host_does_not_find_it(client: Any, invite_only: str) -> None:
    await signed_in(client, "other-host@example.org", host=True)

    assert await names(client, AROUND) == ["public"]


async def test_an_admin_searches_as_a_driver_does(client: Any, invite_only: str) -> None:
    await make_admin(client, "admin@example.org")

    assert await names(client, AROUND) == ["public"]


async def test_a_removed_listing_disappears(client: Any) -> None:
    await signed_in(client, "host@example.org", host=True)
    created = await create(client, listing("soon gone", CENTRE, [connector(*T2_11KW)]))

    assert (await client.delete(f"/api/v1/listings/{created['id']}")).status == 204
    assert await names(client, AROUND) == []


async def test_a_listing_moved_away_is_found_where_it_is_now(client: Any) -> None:
    await signed_in(client, "host@example.org", host=True)
    created = await create(client, listing("mover", CENTRE, [connector(*T2_11KW)]))

    moved = listing("mover", offset(50_000, 0), [connector(*T2_11KW)])
    assert (await client.put(f"/api/v1/listings/{created['id']}", json=moved)).status == 200

    assert await names(client, AROUND) == []
    assert await names(client, f"lat={CENTRE[0]}&lon={CENTRE[1]}&radius_km=51") == ["mover"]
