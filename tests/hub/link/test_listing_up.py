"""A listing published from Home Assistant: created with its tariffs the first time, replaced afterwards, and its
id on the hub sent back; a refusal names the field as the listing API does, and changes nothing."""

from __future__ import annotations

from typing import Any

from chargeshare_hub.listings.tables import Location
from chargeshare_hub.tariff_catalog.tables import HostTariff
from tests.hub.bookings.helpers import Clock, actor
from tests.hub.listings.helpers import home_charger

from .helpers import count, linked, paired

TARIFF = {
    "id": "ha-energy",
    "currency": "EUR",
    "elements": [{"price_components": [{"type": "ENERGY", "price": 0.30, "vat": 19.0, "step_size": 1}]}],
}


def _published(**changes: Any) -> dict[str, Any]:
    listing = home_charger(**changes)
    listing["evses"][0]["connectors"][0]["tariff_ids"] = ["ha-energy"]
    return listing | {"tariffs": [TARIFF]}


async def test_the_first_publication_creates_the_listing_and_its_tariff(client: Any, clock: Clock) -> None:
    host = await actor(client, "host@example.org", host=True)

    async with linked(client, await paired(client, host)) as link:
        answer = await link.apply("listing", _published())
        saved = await link.next("listing.saved")

    location_id = saved["payload"]["location_id"]
    assert answer["type"] == "ack"
    assert saved["payload"]["listing_url"].endswith(f"/listings/{location_id}")
    shown = await (await client.get(f"/api/v1/listings/{location_id}")).json()
    assert (shown["name"], shown["evses"][0]["connectors"][0]["tariff_ids"]) == ("Driveway wallbox", ["ha-energy"])
    tariff = await (await client.get("/api/v1/tariffs/ha-energy")).json()
    assert tariff["elements"][0]["price_components"][0]["price"] == 0.30


async def test_a_later_publication_replaces_the_listing_and_its_tariff(client: Any, clock: Clock) -> None:
    host = await actor(client, "host@example.org", host=True)

    async with linked(client, await paired(client, host)) as link:
        await link.apply("listing", _published())
        location_id = (await link.next("listing.saved"))["payload"]["location_id"]
        cheaper = TARIFF | {"elements": [{"price_components": [{"type": "ENERGY", "price": 0.25, "step_size": 1}]}]}
        answer = await link.apply("listing", _published(name="Renamed") | {"id": location_id, "tariffs": [cheaper]})
        saved = await link.next("listing.saved")

    assert (answer["type"], saved["payload"]["location_id"]) == ("ack", location_id)
    assert (await count(client, Location), await count(client, HostTariff)) == (1, 1)
    shown = await (await client.get(f"/api/v1/listings/{location_id}")).json()
    assert shown["name"] == "Renamed"
    tariff = await (await client.get("/api/v1/tariffs/ha-energy")).json()
    assert tariff["elements"][0]["price_components"][0]["price"] == 0.25


async def test_a_publication_resent_after_a_lost_ack_makes_one_listing(client: Any, clock: Clock) -> None:
    host = await actor(client, "host@example.org", host=True)
    token = await paired(client, host)

    async with linked(client, token) as link:
        await link.apply("listing", _published(), "pub-1")
    async with linked(client, token) as again:
        answer = await again.apply("listing", _published(), "pub-1")

    assert answer["type"] == "ack"
    assert await count(client, Location) == 1


async def test_a_bad_tariff_is_refused_by_its_field_and_nothing_is_listed(client: Any, clock: Clock) -> None:
    host = await actor(client, "host@example.org", host=True)
    broken = TARIFF | {"currency": "EURO"}

    async with linked(client, await paired(client, host)) as link:
        answer = await link.apply("listing", _published() | {"tariffs": [broken]})

    assert (answer["type"], answer["payload"]["field"]) == ("nack", "tariffs[0].currency")
    assert (await count(client, Location), await count(client, HostTariff)) == (0, 0)


async def test_a_bad_listing_is_refused_by_its_field(client: Any, clock: Clock) -> None:
    host = await actor(client, "host@example.org", host=True)

    async with linked(client, await paired(client, host)) as link:
        answer = await link.apply("listing", _published(time_zone="Mars/Olympus_Mons"))

    assert (answer["type"], answer["payload"]["field"]) == ("nack", "time_zone")
    assert await count(client, HostTariff) == 0


async def test_another_hosts_listing_cannot_be_replaced(client: Any, clock: Clock) -> None:
    host = await actor(client, "host@example.org", host=True)
    other = await actor(client, "other@example.org", host=True)
    async with linked(client, await paired(client, other)) as link:
        await link.apply("listing", _published())
        others_listing = (await link.next("listing.saved"))["payload"]["location_id"]

    async with linked(client, await paired(client, host)) as link:
        answer = await link.apply("listing", home_charger(name="Mine now") | {"id": others_listing})

    assert (answer["type"], answer["payload"]["code"]) == ("nack", "not_found")
