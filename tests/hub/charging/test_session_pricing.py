"""A session ends in a CDR priced with the tariff copied at its start: energy, time, parking and flat fees as
the OCPI worked cases price them, in the currency's minor units."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from chargeshare_hub.charging.tables import Cdr, ChargingSession
from chargeshare_hub.web.context import HUB
from chargeshare_hub.web.errors import ApiError
from tests.hub.bookings.helpers import actor

from .helpers import SESSION_START, charged, charger, charging, end, example_tariff, start


async def test_five_kwh_under_the_start_fee_tariff_cost_what_the_worked_case_gives(client: Any) -> None:
    host = await actor(client, "host@example.org", host=True)
    location_id = await charger(client, host, example_tariff("tariff_9_025kwh_start.json"))

    cdr = await charged(client, host, location_id, kwh=5)

    # 5 x 0.25 + 0.50 = 1.75 excl. VAT; 1.25 x 1.10 + 0.50 x 1.20 = 1.975 incl., rounded half up to the cent.
    assert (cdr.total_cost_excl_minor, cdr.total_cost_incl_minor) == (175, 198)
    assert cdr.document["total_cost"] == {"excl_vat": 1.75, "incl_vat": 1.98}
    assert cdr.document["total_energy_cost"] == {"excl_vat": 1.25, "incl_vat": 1.38}
    assert cdr.document["total_fixed_cost"] == {"excl_vat": 0.5, "incl_vat": 0.6}
    assert cdr.document["total_energy"] == 5
    assert cdr.currency == "EUR"


async def test_charging_time_and_parking_time_are_priced_from_the_meter_readings(client: Any) -> None:
    host = await actor(client, "host@example.org", host=True)
    location_id = await charger(client, host, example_tariff("tariff_13_simple_3hour_5parking.json"))
    await start(client, host, location_id)
    await charging(client).session_progress(
        host.user_id, "s1", message_id="m1", at=SESSION_START + timedelta(minutes=60), meter_wh=6_000
    )

    cdr = await end(client, host, minutes=100, meter_wh=6_000)

    # One hour charging at 3.00 (+10 %), then 40 minutes parked at 5.00/h (+20 %).
    assert cdr.document["total_time_cost"] == {"excl_vat": 3, "incl_vat": 3.3}
    assert cdr.document["total_parking_cost"] == {"excl_vat": 3.33, "incl_vat": 4}
    assert (cdr.total_cost_excl_minor, cdr.total_cost_incl_minor) == (633, 730)
    assert (cdr.document["total_time"], cdr.document["total_parking_time"]) == (1.6667, 0.6667)
    assert [period["dimensions"][0]["type"] for period in cdr.document["charging_periods"]] == [
        "ENERGY",
        "PARKING_TIME",
    ]


async def test_a_cdr_carries_the_place_the_token_and_the_tariff_as_they_were(client: Any) -> None:
    host = await actor(client, "host@example.org", host=True)
    location_id = await charger(client, host, example_tariff("tariff_8_simple_025kwh.json"))

    cdr = await charged(client, host, location_id, id_tag="RFID-42")

    document = cdr.document
    assert document["id"] == document["session_id"] == "s1"
    assert document["cdr_location"]["id"] == location_id
    assert document["cdr_location"]["evse_uid"] == "wallbox-1"
    assert document["cdr_location"]["connector_standard"] == "IEC_62196_T2"
    assert document["cdr_token"]["uid"] == "RFID-42"
    assert [tariff["id"] for tariff in document["tariffs"]] == ["t1"]
    assert document["charging_periods"][0]["tariff_id"] == "t1"
    assert (document["start_date_time"], document["end_date_time"]) == ("2024-01-10T11:00:00Z", "2024-01-10T12:00:00Z")
    assert "credit" not in document


async def test_a_tariff_changed_during_the_session_does_not_change_its_price(client: Any) -> None:
    host = await actor(client, "host@example.org", host=True)
    tariff = example_tariff("tariff_8_simple_025kwh.json")
    location_id = await charger(client, host, tariff)
    await start(client, host, location_id)
    dearer = tariff | {"elements": [{"price_components": [{"type": "ENERGY", "price": 0.9, "step_size": 1}]}]}
    assert (await client.put("/api/v1/tariffs/t1", json=dearer, headers=host.headers)).status == 200

    cdr = await end(client, host, minutes=60, meter_wh=6_000)

    assert cdr.total_cost_excl_minor == 125
    assert cdr.document["tariffs"][0]["elements"][0]["price_components"][0]["price"] == 0.25


async def test_the_regular_tariff_prices_the_session_when_a_connector_names_several(client: Any) -> None:
    host = await actor(client, "host@example.org", host=True)
    ad_hoc = example_tariff("tariff_1_simple_2hour.json", "ad-hoc") | {"type": "AD_HOC_PAYMENT"}
    regular = example_tariff("tariff_8_simple_025kwh.json", "regular") | {"type": "REGULAR"}
    location_id = await charger(client, host, ad_hoc, regular)

    cdr = await charged(client, host, location_id, kwh=4)

    assert cdr.total_cost_excl_minor == 100
    assert [tariff["id"] for tariff in cdr.document["tariffs"]] == ["ad-hoc", "regular"]


async def test_only_tariffs_valid_at_the_start_are_copied(client: Any) -> None:
    host = await actor(client, "host@example.org", host=True)
    expired = example_tariff("tariff_1_simple_2hour.json", "2023") | {"end_date_time": "2024-01-01T00:00:00Z"}
    current = example_tariff("tariff_8_simple_025kwh.json", "2024") | {"start_date_time": "2024-01-01T00:00:00Z"}
    location_id = await charger(client, host, expired, current)

    cdr = await charged(client, host, location_id, kwh=4)

    assert [tariff["id"] for tariff in cdr.document["tariffs"]] == ["2024"]
    assert cdr.total_cost_excl_minor == 100


async def test_a_connector_without_a_tariff_charges_for_free(client: Any) -> None:
    host = await actor(client, "host@example.org", host=True)
    location_id = await charger(client, host)

    cdr: Cdr = await charged(client, host, location_id)

    assert (cdr.total_cost_excl_minor, cdr.total_cost_incl_minor) == (0, 0)
    assert cdr.document["total_cost"] == {"excl_vat": 0, "incl_vat": 0}
    assert "tariff_id" not in cdr.document["charging_periods"][0]


async def test_a_session_that_ends_before_it_starts_is_refused_and_stays_active(client: Any) -> None:
    host = await actor(client, "host@example.org", host=True)
    location_id = await charger(client, host)
    await start(client, host, location_id)

    with pytest.raises(ApiError) as refused:
        await end(client, host, minutes=-5, meter_wh=2_000)

    assert (refused.value.status, refused.value.field) == (400, "end")
    async with client.server.app[HUB].db.read() as session:
        assert (await session.get(ChargingSession, "s1")).status == "ACTIVE"
        assert await session.get(Cdr, "s1") is None
