"""A host lists a charger, reads it back in the OCPI shape, replaces it whole and removes it."""

from __future__ import annotations

from typing import Any

import pytest

from tests.hub.listings.helpers import HUB_OWNED, create, example, home_charger, signed_in, without

FREE = {"type": "FLAT", "price": 0, "step_size": 0}


async def test_a_host_lists_a_charger_and_reads_it_back(client: Any) -> None:
    await signed_in(client, "host@example.org", host=True)

    created = await create(client, home_charger())
    read = await (await client.get(f"/api/v1/listings/{created['id']}")).json()

    assert read == created
    shown_by_the_hub = ("last_updated", "max_power", "stale", "availability_confirmed_at", "host")
    assert without(read, shown_by_the_hub) == home_charger() | {"id": read["id"]}
    assert isinstance(read["id"], str)
    assert read["last_updated"].endswith("Z")
    assert read["evses"][0]["connectors"][0]["last_updated"] == read["last_updated"]


@pytest.mark.parametrize(
    ("power_type", "voltage", "amperage", "stated", "expected"),
    [
        ("AC_1_PHASE", 230, 32, None, 7360),
        ("AC_3_PHASE", 230, 16, None, 11040),  # 3 x line-to-neutral voltage x current
        ("AC_3_PHASE", 230, 32, 11000, 11000),  # a stated limit wins
        ("DC", 400, 125, None, 50000),
    ],
)
async def test_a_connector_shows_its_maximum_power(
    client: Any, power_type: str, voltage: int, amperage: int, stated: int | None, expected: int
) -> None:
    await signed_in(client, "host@example.org", host=True)
    listing = home_charger()
    connector = listing["evses"][0]["connectors"][0]
    connector.update(power_type=power_type, max_voltage=voltage, max_amperage=amperage)
    if stated is not None:
        connector["max_electric_power"] = stated

    created = await create(client, listing)

    assert created["evses"][0]["connectors"][0]["max_power"] == expected


@pytest.mark.parametrize(
    "name",
    [
        "location_example.json",
        "location_example_uc2_destination_charger.json",
        "location_example_uc3_destination_charger_not_published.json",
        "location_example_parking_garage_opening_hours.json",
        "location_example_uc5_home_charge_point.json",
        "location_example_uc4_limited_visibility.json",
    ],
)
async def test_an_ocpi_location_goes_in_and_comes_back_with_the_same_fields(client: Any, name: str) -> None:
    await signed_in(client, "host@example.org", host=True)
    location = example(name)
    # OCPI invites token holders; the hub invites accounts, so the example's tokens become one driver.
    if "publish_allowed_to" in location:
        location["publish_allowed_to"] = ["host@example.org"]
    # A connector names only its host's own tariffs.
    for connector in (connector for evse in location.get("evses", []) for connector in evse["connectors"]):
        for tariff_id in connector.get("tariff_ids", []):
            tariff = {"id": tariff_id, "currency": "EUR", "elements": [{"price_components": [FREE]}]}
            assert (await client.post("/api/v1/tariffs", json=tariff)).status == 201

    created = await create(client, location)

    sent = {key: value for key, value in location.items() if key not in HUB_OWNED}
    shown_by_the_hub = ("last_updated", "max_power", "host", "stale", "availability_confirmed_at")
    assert without(created, shown_by_the_hub) == without(sent, ("last_updated",)) | {"id": created["id"]}


async def test_opening_times_with_exceptions_in_local_time_come_back_in_utc(client: Any) -> None:
    await signed_in(client, "host@example.org", host=True)
    opening_times = {
        "twentyfourseven": False,
        "regular_hours": [{"weekday": 1, "period_begin": "18:00", "period_end": "24:00"}],
        "exceptional_closings": [{"period_begin": "2026-12-24T18:00", "period_end": "2026-12-25T00:00"}],
        "exceptional_openings": [{"period_begin": "2026-12-27T08:00:00Z", "period_end": "2026-12-27T12:00:00Z"}],
    }

    created = await create(client, home_charger(opening_times=opening_times))

    assert created["opening_times"] == opening_times | {
        "exceptional_closings": [{"period_begin": "2026-12-24T17:00:00Z", "period_end": "2026-12-24T23:00:00Z"}]
    }


async def test_put_replaces_the_whole_listing(client: Any) -> None:
    await signed_in(client, "host@example.org", host=True)
    created = await create(client, home_charger(facilities=["WIFI"]))
    replacement = home_charger(name="Carport", evses=[])

    response = await client.put(f"/api/v1/listings/{created['id']}", json=replacement)
    read = await (await client.get(f"/api/v1/listings/{created['id']}")).json()

    assert response.status == 200
    assert read == await response.json()
    assert read["name"] == "Carport"
    assert "evses" not in read
    assert "facilities" not in read


async def test_a_host_lists_their_own_listings_but_not_removed_ones(client: Any) -> None:
    await signed_in(client, "host@example.org", host=True)
    kept = await create(client, home_charger(name="Kept"))
    removed = await create(client, home_charger(name="Removed"))
    await client.delete(f"/api/v1/listings/{removed['id']}")

    listings = (await (await client.get("/api/v1/listings")).json())["listings"]

    assert [listing["id"] for listing in listings] == [kept["id"]]


async def test_removing_keeps_the_listing_for_its_host_with_every_evse_removed(client: Any) -> None:
    await signed_in(client, "host@example.org", host=True)
    created = await create(client, home_charger())

    response = await client.delete(f"/api/v1/listings/{created['id']}")
    read = await (await client.get(f"/api/v1/listings/{created['id']}")).json()

    assert response.status == 204
    assert [evse["status"] for evse in read["evses"]] == ["REMOVED"]
    assert read["publish"] is False
    assert (await client.delete(f"/api/v1/listings/{created['id']}")).status == 404
    assert (await client.put(f"/api/v1/listings/{created['id']}", json=home_charger())).status == 409


async def test_a_removed_listing_is_gone_for_everyone_else(client: Any) -> None:
    await signed_in(client, "host@example.org", host=True)
    created = await create(client, home_charger(publish=True))
    await client.delete(f"/api/v1/listings/{created['id']}")
    client.session.cookie_jar.clear()

    assert (await client.get(f"/api/v1/listings/{created['id']}")).status == 404
