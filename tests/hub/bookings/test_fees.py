"""Booking fees from the connector's tariff, written as charges in the transition's own transaction."""

from __future__ import annotations

from typing import Any

from chargeshare_hub.web.context import HUB
from tests.hub.bookings.helpers import Clock, actor, booked, period, priced_listing


def _charges(booking: dict[str, Any]) -> list[tuple[str, int, str]]:
    return [(c["kind"], c["amount_minor"], c["currency"]) for c in booking["charges"]]


async def test_a_reservation_fee_and_hourly_reservation_price_make_the_booking_fee(client: Any) -> None:
    _host, location_id = await priced_listing(client, "tariff_16_reservation_2_euro_fee_5_euro_per_hour.json")
    driver = await actor(client, "driver@example.org")

    booking = await booked(client, driver, location_id, period(2, 1.5))

    # (2.00 flat + 1.5 h at 5.00) incl. 20 % VAT = 11.40 EUR; the session's own prices are not charged here.
    assert _charges(booking) == [("BOOKING_FEE", 1140, "EUR")]


async def test_a_request_owes_no_fee_until_the_host_accepts_it(client: Any) -> None:
    host, location_id = await priced_listing(
        client, "tariff_16_reservation_2_euro_fee_5_euro_per_hour.json", {"approval": "HOST_APPROVAL"}
    )
    driver = await actor(client, "driver@example.org")

    pending = await booked(client, driver, location_id, period(2))
    approved = await (await client.post(f"/api/v1/bookings/{pending['id']}/approve", headers=host.headers)).json()

    assert pending["charges"] == []
    assert _charges(approved) == [("BOOKING_FEE", 840, "EUR")]


async def test_a_longer_slot_after_a_change_owes_the_difference(client: Any) -> None:
    _host, location_id = await priced_listing(client, "tariff_16_reservation_2_euro_fee_5_euro_per_hour.json")
    driver = await actor(client, "driver@example.org")
    booking = await booked(client, driver, location_id, period(2))

    moved = await (
        await client.patch(f"/api/v1/bookings/{booking['id']}", json={"period": period(5, 2)}, headers=driver.headers)
    ).json()

    assert _charges(moved) == [("BOOKING_FEE", 840, "EUR"), ("BOOKING_FEE", 600, "EUR")]


async def test_cancelling_in_time_refunds_the_booking_fee(client: Any) -> None:
    _host, location_id = await priced_listing(client, "tariff_16_reservation_2_euro_fee_5_euro_per_hour.json")
    driver = await actor(client, "driver@example.org")
    booking = await booked(client, driver, location_id, period(2))

    canceled = await (
        await client.post(
            f"/api/v1/bookings/{booking['id']}/cancel", json={"cancellation_reason": "TRAFFIC"}, headers=driver.headers
        )
    ).json()

    assert _charges(canceled) == [("BOOKING_FEE", 840, "EUR"), ("BOOKING_FEE", -840, "EUR")]


async def test_a_late_cancellation_keeps_the_fee_and_owes_the_no_show_fee(client: Any, clock: Clock) -> None:
    _host, location_id = await priced_listing(
        client, "tariff_17_reservation_with_expire_fee.json", {"cancel_until_minutes": 60, "noshow_fee": True}
    )
    driver = await actor(client, "driver@example.org")
    booking = await booked(client, driver, location_id, period(2))
    clock.advance(minutes=90)

    canceled = await (
        await client.post(
            f"/api/v1/bookings/{booking['id']}/cancel", json={"cancellation_reason": "TRAFFIC"}, headers=driver.headers
        )
    ).json()

    # Reserving 1 h at 2.00/h incl. 20 % VAT = 2.40; the expiry fee is 4.00 + 20 % = 4.80.
    assert _charges(canceled) == [("BOOKING_FEE", 240, "EUR"), ("LATE_CANCELLATION_FEE", 480, "EUR")]


async def test_a_late_cancellation_is_free_when_the_terms_carry_no_no_show_fee(client: Any, clock: Clock) -> None:
    _host, location_id = await priced_listing(client, "tariff_17_reservation_with_expire_fee.json")
    driver = await actor(client, "driver@example.org")
    booking = await booked(client, driver, location_id, period(2))
    clock.advance(minutes=90)

    canceled = await (
        await client.post(
            f"/api/v1/bookings/{booking['id']}/cancel", json={"cancellation_reason": "TRAFFIC"}, headers=driver.headers
        )
    ).json()

    assert canceled["reservation_status"] == "CANCELED"
    assert _charges(canceled) == [("BOOKING_FEE", 240, "EUR")]


async def test_the_host_cancelling_late_refunds_the_driver(client: Any, clock: Clock) -> None:
    host, location_id = await priced_listing(client, "tariff_17_reservation_with_expire_fee.json", {"noshow_fee": True})
    driver = await actor(client, "driver@example.org")
    booking = await booked(client, driver, location_id, period(2))
    clock.advance(minutes=90)

    canceled = await (
        await client.post(
            f"/api/v1/bookings/{booking['id']}/cancel", json={"cancellation_reason": "FULL"}, headers=host.headers
        )
    ).json()

    assert _charges(canceled) == [("BOOKING_FEE", 240, "EUR"), ("BOOKING_FEE", -240, "EUR")]


async def test_a_no_show_owes_the_expiry_fee_when_the_terms_say_so(client: Any, clock: Clock) -> None:
    _host, location_id = await priced_listing(
        client, "tariff_17_reservation_with_expire_fee.json", {"noshow_fee": True}
    )
    driver = await actor(client, "driver@example.org")
    booking = await booked(client, driver, location_id, period(2))
    clock.advance(hours=3)

    await client.server.app[HUB].bookings.sweep()
    read = await (await client.get(f"/api/v1/bookings/{booking['id']}", headers=driver.headers)).json()

    assert read["reservation_status"] == "NO_SHOW"
    assert _charges(read) == [("BOOKING_FEE", 240, "EUR"), ("NO_SHOW_FEE", 480, "EUR")]


async def test_a_tariff_without_reservation_elements_costs_no_booking_fee(client: Any) -> None:
    _host, location_id = await priced_listing(client, "tariff_13_simple_3hour_5parking.json")
    driver = await actor(client, "driver@example.org")

    booking = await booked(client, driver, location_id, period(2))

    assert booking["charges"] == []
