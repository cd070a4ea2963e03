"""A host keeps OCPI tariffs on the hub: created with the hub's party and a fresh id, replaced whole, removed
softly; what is stored is what the OCPI examples say, numbers and all."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chargeshare_hub.accounts.principal import Principal
from chargeshare_hub.accounts.tables import User
from chargeshare_hub.db.engine import Database
from chargeshare_hub.tariff_catalog.service import TariffCatalog
from chargeshare_hub.tariffs import Tariff
from tests.hub.listings.helpers import signed_in

from .helpers import EXAMPLES, create_tariff, example_tariff, per_kwh

HOST = Principal(user_id=1, scopes=frozenset({"listings"}), is_admin=False, is_host=True, via_cookie=False)


async def test_a_tariff_without_id_or_party_gets_them_from_the_hub(client: Any) -> None:
    await signed_in(client, "host@example.org", host=True)

    created = await create_tariff(client, per_kwh(0.30))

    assert created["country_code"] == "ZZ"
    assert created["party_id"] == "CSH"
    assert len(created["id"]) == 36
    assert created["elements"] == per_kwh(0.30)["elements"]
    assert created["last_updated"].endswith("Z")


async def test_a_tariff_keeps_the_id_and_party_the_host_gives(client: Any) -> None:
    await signed_in(client, "host@example.org", host=True)

    created = await create_tariff(client, per_kwh(id="night-rate", country_code="NL", party_id="ABC"))

    assert (created["id"], created["country_code"], created["party_id"]) == ("night-rate", "NL", "ABC")


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("tariff*.json")), ids=lambda path: path.stem)
async def test_every_ocpi_example_tariff_is_stored_and_served_as_sent(client: Any, path: Any) -> None:
    await signed_in(client, "host@example.org", host=True)
    sent = example_tariff(path.name)

    created = await create_tariff(client, sent)
    read = await (await client.get(f"/api/v1/tariffs/{sent['id']}")).json()

    assert read == created
    assert {key: value for key, value in created.items() if key != "last_updated"} == {
        key: value for key, value in sent.items() if key != "last_updated"
    }
    assert Tariff.from_ocpi(read) == Tariff.from_ocpi(created)


async def test_a_tariff_id_is_taken_hub_wide(client: Any) -> None:
    await signed_in(client, "host@example.org", host=True)
    await create_tariff(client, per_kwh(id="t1"))
    client.session.cookie_jar.clear()
    await signed_in(client, "other@example.org", host=True)

    response = await client.post("/api/v1/tariffs", json=per_kwh(id="t1"))

    assert response.status == 409
    assert (await response.json())["error"]["field"] == "id"
    assert (await (await client.get("/api/v1/tariffs")).json())["tariffs"] == []


async def test_the_host_lists_only_their_own_live_tariffs(client: Any) -> None:
    await signed_in(client, "other@example.org", host=True)
    await create_tariff(client, per_kwh(id="theirs"))
    client.session.cookie_jar.clear()
    await signed_in(client, "host@example.org", host=True)
    await create_tariff(client, per_kwh(id="b-kept"))
    await create_tariff(client, per_kwh(id="a-kept"))
    await create_tariff(client, per_kwh(id="gone"))
    await client.delete("/api/v1/tariffs/gone")

    listed = await (await client.get("/api/v1/tariffs")).json()

    assert [tariff["id"] for tariff in listed["tariffs"]] == ["a-kept", "b-kept"]


async def test_put_replaces_the_whole_tariff(client: Any) -> None:
    await signed_in(client, "host@example.org", host=True)
    await create_tariff(client, per_kwh(0.30, id="t1", tariff_alt_url="https://example.org/prices"))

    response = await client.put("/api/v1/tariffs/t1", json=per_kwh(0.35, currency="CHF"))
    read = await (await client.get("/api/v1/tariffs/t1")).json()

    assert response.status == 200
    assert read == await response.json()
    assert read["currency"] == "CHF"
    assert read["elements"][0]["price_components"][0]["price"] == 0.35
    assert "tariff_alt_url" not in read


async def test_put_with_another_id_in_the_body_is_refused(client: Any) -> None:
    await signed_in(client, "host@example.org", host=True)
    await create_tariff(client, per_kwh(id="t1"))

    response = await client.put("/api/v1/tariffs/t1", json=per_kwh(id="t2"))

    assert response.status == 400
    assert (await response.json())["error"]["field"] == "id"


async def test_a_removed_tariff_cannot_be_replaced_or_removed_again(client: Any) -> None:
    await signed_in(client, "host@example.org", host=True)
    await create_tariff(client, per_kwh(id="t1"))
    assert (await client.delete("/api/v1/tariffs/t1")).status == 204

    replaced = await client.put("/api/v1/tariffs/t1", json=per_kwh())
    removed = await client.delete("/api/v1/tariffs/t1")
    read = await client.get("/api/v1/tariffs/t1")

    assert (replaced.status, removed.status, read.status) == (409, 404, 200)


async def test_replacing_bumps_last_updated_to_the_clock(db: Database) -> None:
    now = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
    catalog = TariffCatalog(db, clock=lambda: now)
    async with db.write() as session:
        session.add(User(id=1, email="host@example.org", password_hash="x", name="Host", is_host=True))
    await catalog.create(HOST, per_kwh(id="t1"))
    now += timedelta(days=2)

    replaced = await catalog.replace(HOST, "t1", per_kwh(0.40))

    assert replaced.last_updated == now
    assert replaced.document["last_updated"] == "2026-03-03T09:30:00Z"
