"""A connector names only its host's live tariffs, at most one active per Tariff.type; a tariff a live listing
names cannot be removed, nor changed into a rival of its neighbours; drivers read a listing's tariffs."""

from __future__ import annotations

from typing import Any

from tests.hub.listings.helpers import create, signed_in

from .helpers import charger_with_tariffs, create_tariff, list_with_tariffs, per_kwh

FIELD = "evses[0].connectors[0].tariff_ids"


async def _refused(client: Any, listing: dict[str, Any]) -> dict[str, Any]:
    response = await client.post("/api/v1/listings", json=listing)
    assert response.status == 400, await response.text()
    error: dict[str, Any] = (await response.json())["error"]
    assert (await (await client.get("/api/v1/listings")).json())["listings"] == []
    return error


async def test_a_listing_naming_an_unknown_tariff_is_refused(client: Any) -> None:
    await signed_in(client, "host@example.org", host=True)

    error = await _refused(client, charger_with_tariffs("no-such-tariff"))

    assert (error["code"], error["field"]) == ("unknown_tariff", f"{FIELD}[0]")


async def test_a_listing_naming_another_hosts_tariff_is_refused(client: Any) -> None:
    await signed_in(client, "other@example.org", host=True)
    await create_tariff(client, per_kwh(id="theirs"))
    client.session.cookie_jar.clear()
    await signed_in(client, "host@example.org", host=True)
    await create_tariff(client, per_kwh(id="mine"))

    error = await _refused(client, charger_with_tariffs("mine", "theirs"))

    assert (error["code"], error["field"]) == ("unknown_tariff", f"{FIELD}[1]")


async def test_a_listing_naming_a_removed_tariff_is_refused(client: Any) -> None:
    await signed_in(client, "host@example.org", host=True)
    await create_tariff(client, per_kwh(id="old"))
    await client.delete("/api/v1/tariffs/old")

    error = await _refused(client, charger_with_tariffs("old"))

    assert error["field"] == f"{FIELD}[0]"


async def test_the_field_names_the_connector_and_the_position_of_the_tariff(client: Any) -> None:
    await signed_in(client, "host@example.org", host=True)
    await create_tariff(client, per_kwh(id="t1"))
    listing = charger_with_tariffs("t1")
    connectors = listing["evses"][0]["connectors"]
    connectors.append(dict(connectors[0], id="2", tariff_ids=["t1", "missing"]))

    error = await _refused(client, listing)

    assert error["field"] == "evses[0].connectors[1].tariff_ids[1]"


async def test_two_tariffs_of_one_type_on_a_connector_are_refused(client: Any) -> None:
    await signed_in(client, "host@example.org", host=True)
    await create_tariff(client, per_kwh(id="day", type="REGULAR"))
    await create_tariff(client, per_kwh(id="night", type="REGULAR"))

    error = await _refused(client, charger_with_tariffs("day", "night"))

    assert (error["code"], error["field"]) == ("tariff_type_taken", f"{FIELD}[1]")


async def test_two_tariffs_without_a_type_on_a_connector_are_refused(client: Any) -> None:
    await signed_in(client, "host@example.org", host=True)
    await create_tariff(client, per_kwh(id="a"))
    await create_tariff(client, per_kwh(id="b"))

    error = await _refused(client, charger_with_tariffs("a", "b"))

    assert error["code"] == "tariff_type_taken"


async def test_tariffs_of_different_types_share_a_connector(client: Any) -> None:
    await signed_in(client, "host@example.org", host=True)
    await create_tariff(client, per_kwh(id="regular", type="REGULAR"))
    await create_tariff(client, per_kwh(id="ad-hoc", type="AD_HOC_PAYMENT"))

    created = await list_with_tariffs(client, "regular", "ad-hoc")

    assert created["evses"][0]["connectors"][0]["tariff_ids"] == ["regular", "ad-hoc"]


async def test_a_price_change_is_scheduled_with_two_tariffs_valid_one_after_the_other(client: Any) -> None:
    await signed_in(client, "host@example.org", host=True)
    change = "2027-01-01T00:00:00Z"
    await create_tariff(client, per_kwh(0.30, id="2026", type="REGULAR", end_date_time=change))
    await create_tariff(client, per_kwh(0.35, id="2027", type="REGULAR", start_date_time=change))

    created = await list_with_tariffs(client, "2026", "2027")

    assert created["evses"][0]["connectors"][0]["tariff_ids"] == ["2026", "2027"]


async def test_replacing_a_listing_checks_its_tariffs_too(client: Any) -> None:
    await signed_in(client, "host@example.org", host=True)
    await create_tariff(client, per_kwh(id="t1"))
    listing = await list_with_tariffs(client, "t1")

    response = await client.put(f"/api/v1/listings/{listing['id']}", json=charger_with_tariffs("t1", "missing"))

    assert response.status == 400
    assert (await response.json())["error"]["field"] == f"{FIELD}[1]"
    read = await (await client.get(f"/api/v1/listings/{listing['id']}")).json()
    assert read["evses"][0]["connectors"][0]["tariff_ids"] == ["t1"]


async def test_a_tariff_a_live_listing_names_cannot_be_removed(client: Any) -> None:
    await signed_in(client, "host@example.org", host=True)
    await create_tariff(client, per_kwh(id="t1"))
    listing = await list_with_tariffs(client, "t1")

    refused = await client.delete("/api/v1/tariffs/t1")
    await client.delete(f"/api/v1/listings/{listing['id']}")
    removed = await client.delete("/api/v1/tariffs/t1")

    assert (refused.status, removed.status) == (409, 204)
    assert (await refused.json())["error"]["code"] == "in_use"


async def test_a_tariff_no_longer_named_can_be_removed(client: Any) -> None:
    await signed_in(client, "host@example.org", host=True)
    await create_tariff(client, per_kwh(id="t1"))
    listing = await list_with_tariffs(client, "t1")
    await client.put(f"/api/v1/listings/{listing['id']}", json=charger_with_tariffs())

    response = await client.delete("/api/v1/tariffs/t1")

    assert response.status == 204


async def test_a_tariff_cannot_be_changed_into_a_rival_of_a_tariff_beside_it(client: Any) -> None:
    await signed_in(client, "host@example.org", host=True)
    await create_tariff(client, per_kwh(id="regular", type="REGULAR"))
    await create_tariff(client, per_kwh(id="ad-hoc", type="AD_HOC_PAYMENT"))
    await list_with_tariffs(client, "regular", "ad-hoc")

    response = await client.put("/api/v1/tariffs/ad-hoc", json=per_kwh(type="REGULAR"))

    assert response.status == 409
    assert (await response.json())["error"]["field"] == "type"
    assert (await (await client.get("/api/v1/tariffs/ad-hoc")).json())["type"] == "AD_HOC_PAYMENT"


async def test_a_listings_tariffs_are_read_with_it_in_the_order_its_connectors_name_them(client: Any) -> None:
    await signed_in(client, "host@example.org", host=True)
    await create_tariff(client, per_kwh(0.30, id="b", type="REGULAR"))
    await create_tariff(client, per_kwh(0.50, id="a", type="AD_HOC_PAYMENT"))
    listing = charger_with_tariffs("b", "a")
    connectors = listing["evses"][0]["connectors"]
    connectors.append(dict(connectors[0], id="2", tariff_ids=["a"]))
    created = await create(client, listing)
    client.session.cookie_jar.clear()

    response = await client.get(f"/api/v1/listings/{created['id']}/tariffs")

    assert response.status == 200
    assert [tariff["id"] for tariff in (await response.json())["tariffs"]] == ["b", "a"]


async def test_a_hidden_listings_tariffs_are_hidden_with_it(client: Any) -> None:
    await signed_in(client, "host@example.org", host=True)
    await create_tariff(client, per_kwh(id="t1"))
    created = await list_with_tariffs(client, "t1", publish=False)
    client.session.cookie_jar.clear()
    await signed_in(client, "driver@example.org")

    response = await client.get(f"/api/v1/listings/{created['id']}/tariffs")

    assert response.status == 404
