"""A session metered at home reaches the hub as exactly one CDR, priced by the tariff copied at its start, however
often its messages are resent; the host's Home Assistant hears of the CDR once, and the driver follows the session
live."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from chargeshare_hub.charging.tables import Cdr, ChargingSession, MeterValue
from tests.hub.bookings.helpers import Clock, actor, booked, period
from tests.hub.charging.helpers import charger, example_tariff

from .helpers import count, event_stream, linked, paired, z


def _reading(start: datetime, *, minutes: int, meter_wh: int, power_w: int) -> dict[str, Any]:
    return {"session_id": "s-1", "at": z(start + timedelta(minutes=minutes)), "meter_wh": meter_wh, "power_w": power_w}


def _messages(location_id: str, clock: Clock, id_tag: str = "RFID-1") -> list[tuple[str, dict[str, Any], str]]:
    """A session of 5 kWh in one hour, as the integration reports it: (type, payload, message id)."""
    start = clock.now
    return [
        (
            "session.start",
            {
                "session_id": "s-1",
                "location_id": location_id,
                "evse_uid": "wallbox-1",
                "connector_id": "1",
                "id_tag": id_tag,
                "auth_method": "WHITELIST",
                "start": z(start),
                "meter_start_wh": 10_000,
            },
            "u1",
        ),
        ("session.progress", _reading(start, minutes=30, meter_wh=12_500, power_w=5000), "u2"),
        ("session.progress", _reading(start, minutes=50, meter_wh=14_000, power_w=4200), "u3"),
        ("session.end", {"session_id": "s-1", "end": z(start + timedelta(hours=1)), "meter_stop_wh": 15_000}, "u4"),
    ]


async def test_a_session_ends_in_one_cdr_priced_by_the_tariff_and_the_host_hears_of_it(
    client: Any, clock: Clock
) -> None:
    host = await actor(client, "host@example.org", host=True)
    location_id = await charger(client, host, example_tariff("tariff_9_025kwh_start.json"))

    async with linked(client, await paired(client, host)) as link:
        answers = [await link.apply(*message) for message in _messages(location_id, clock)]
        issued = await link.next("cdr.issued")

    assert [answer["type"] for answer in answers] == ["ack"] * 4
    # 5 kWh x 0.25 + 0.50 start = 1.75 excl. VAT (the worked case)
    assert issued["payload"] == {
        "session_id": "s-1",
        "cdr_id": "s-1",
        "total_cost": {"excl_vat": 1.75, "incl_vat": 1.98},
        "currency": "EUR",
    }
    response = await client.get("/api/v1/cdrs/s-1", headers=host.headers)
    cdr = await response.json()
    assert (cdr["total_energy"], cdr["total_cost"]) == (5, {"excl_vat": 1.75, "incl_vat": 1.98})
    assert (cdr["start_date_time"], cdr["end_date_time"]) == (z(clock.now), z(clock.now + timedelta(hours=1)))


async def test_every_message_resent_after_a_reconnect_still_makes_one_cdr(client: Any, clock: Clock) -> None:
    host = await actor(client, "host@example.org", host=True)
    location_id = await charger(client, host, example_tariff("tariff_9_025kwh_start.json"))
    token = await paired(client, host)
    messages = _messages(location_id, clock)
    async with linked(client, token) as link:
        for message in messages:
            await link.apply(*message)
        await link.ack(await link.next("cdr.issued"))

    async with linked(client, token) as again:
        answers = [await again.apply(*message) for message in messages]
        later = await again.nothing_more()

    assert [(answer["type"], answer["payload"]["id"]) for answer in answers] == [("ack", f"u{n}") for n in range(1, 5)]
    assert later == []  # no second cdr.issued
    assert (await count(client, Cdr), await count(client, ChargingSession), await count(client, MeterValue)) == (
        1,
        1,
        2,
    )


async def test_an_end_reported_twice_under_new_ids_is_still_one_cdr(client: Any, clock: Clock) -> None:
    host = await actor(client, "host@example.org", host=True)
    location_id = await charger(client, host, example_tariff("tariff_9_025kwh_start.json"))
    messages = _messages(location_id, clock)

    async with linked(client, await paired(client, host)) as link:
        for message in messages:
            await link.apply(*message)
        kind, payload, _ = messages[-1]
        again = await link.apply(kind, payload, "u4-again")
        issued = [frame for frame in await link.nothing_more() if frame["type"] == "cdr.issued"]

    assert again["type"] == "ack"
    assert len(issued) == 1
    assert await count(client, Cdr) == 1


async def test_the_driver_of_the_booking_follows_the_session_live(client: Any, clock: Clock) -> None:
    host = await actor(client, "host@example.org", host=True)
    driver = await actor(client, "driver@example.org")
    location_id = await charger(client, host, example_tariff("tariff_9_025kwh_start.json"))
    booking = await booked(client, driver, location_id, period(0.25, 2))
    clock.advance(minutes=10)  # early start: within the booking's id tag window

    async with (
        event_stream(client, headers=driver.headers) as drivers,
        event_stream(client) as strangers,
        linked(client, await paired(client, host)) as link,
    ):
        for message in _messages(location_id, clock, id_tag=booking["id_tag"])[:2]:
            assert (await link.apply(*message))["type"] == "ack"
        started, progress = await drivers.next(), await drivers.next()
        nothing_for_strangers = await strangers.none_within(0.3)

    assert (started["event"], started["data"]["status"], started["data"]["kwh"]) == ("session.progress", "ACTIVE", 0)
    assert (progress["data"]["kwh"], progress["data"]["power_w"]) == (2.5, 5000)
    assert nothing_for_strangers
    fulfilled = await client.get(f"/api/v1/bookings/{booking['id']}", headers=driver.headers)
    assert (await fulfilled.json())["reservation_status"] == "FULFILLED"


async def test_an_end_before_the_start_is_refused_and_the_session_stays_open(client: Any, clock: Clock) -> None:
    host = await actor(client, "host@example.org", host=True)
    location_id = await charger(client, host, example_tariff("tariff_9_025kwh_start.json"))
    start, *_ = _messages(location_id, clock)

    async with linked(client, await paired(client, host)) as link:
        await link.apply(*start)
        early = {"session_id": "s-1", "end": z(clock.now - timedelta(hours=1)), "meter_stop_wh": 15_000}
        nack = await link.apply("session.end", early)

    assert (nack["type"], nack["payload"]["field"]) == ("nack", "end")
    assert await count(client, Cdr) == 0
