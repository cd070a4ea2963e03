"""step_size rounds a dimension's session total up, once, with the step of the last component used."""

from __future__ import annotations

from decimal import Decimal

from chargeshare_hub.tariffs import Dimension, price

from .helpers import billed, charging, component, element, parking, reserved, session, tariff


def test_energy_is_rounded_up_to_whole_steps_of_wh() -> None:
    per_kwh = tariff(element(component("ENERGY", "0.25", step_size=1000)))
    cost = price(per_kwh, session("2024-01-08 12:00", charging(60, "0.1")))
    assert billed(cost, Dimension.ENERGY) == 1000
    assert cost.excl_vat == Decimal("0.25")


def test_an_exact_multiple_is_not_rounded() -> None:
    per_100_wh = tariff(element(component("ENERGY", "0.25", step_size=100)))
    assert billed(price(per_100_wh, session("2024-01-08 12:00", charging(60, "20.5"))), Dimension.ENERGY) == 20500


def test_time_is_rounded_once_on_the_session_total_not_per_period() -> None:
    quarter_hours = tariff(element(component("TIME", "4.00", step_size=900)))
    cost = price(quarter_hours, session("2024-01-08 12:00", charging(7), charging(7)))
    assert billed(cost, Dimension.TIME) == 15 * 60
    assert cost.excl_vat == 1


def test_the_last_components_step_rounds_the_whole_total_at_its_price() -> None:
    # 25 min at the day rate (30 min steps), 10 min at the evening rate (15 min steps): 35 min billed as 45.
    switching = tariff(
        element(component("TIME", "1.20", step_size=1800), end_time="17:00"),
        element(component("TIME", "2.40", step_size=900), start_time="17:00"),
    )
    cost = price(switching, session("2024-01-08 16:35", charging(35)))
    assert billed(cost, Dimension.TIME) == 45 * 60
    assert cost.excl_vat == Decimal("0.50") + Decimal("0.80")


def test_switching_elements_mid_session_adds_no_rounding_of_its_own() -> None:
    tiers = tariff(
        element(component("ENERGY", "0.50", step_size=1000), max_kwh=1),
        element(component("ENERGY", "0.20", step_size=1)),
    )
    cost = price(tiers, session("2024-01-08 12:00", charging(60, "1.5")))
    assert billed(cost, Dimension.ENERGY) == 1500
    assert cost.excl_vat == Decimal("0.60")


def test_charging_time_is_rounded_when_no_parking_is_priced() -> None:
    per_minute = tariff(element(component("TIME", "6.00", step_size=60)))
    cost = price(per_minute, session("2024-01-08 12:00", charging(10.5), parking(30)))
    assert billed(cost, Dimension.TIME) == 11 * 60
    assert billed(cost, Dimension.PARKING_TIME) == 0


def test_parking_from_another_element_is_rounded_alone_and_charging_time_not_at_all() -> None:
    separate = tariff(
        element(component("TIME", "6.00", step_size=900)),
        element(component("PARKING_TIME", "6.00", step_size=300)),
    )
    cost = price(separate, session("2024-01-08 12:00", charging(10.5), parking(12)))
    assert billed(cost, Dimension.TIME) == 630
    assert billed(cost, Dimension.PARKING_TIME) == 15 * 60


def test_parking_from_the_same_element_rounds_charging_and_parking_time_together() -> None:
    together = tariff(
        element(component("TIME", "6.00", step_size=60), component("PARKING_TIME", "6.00", step_size=300))
    )
    cost = price(together, session("2024-01-08 12:00", charging(10.5), parking(12)))
    # 22.5 min in all becomes 25: the 2.5 extra minutes are billed as parking.
    assert billed(cost, Dimension.TIME) == 630
    assert billed(cost, Dimension.PARKING_TIME) == 14 * 60 + 30


def test_time_no_element_prices_is_left_out_of_the_rounded_total() -> None:
    parking_until_20 = tariff(
        element(
            component("TIME", "2.40", step_size=900), component("PARKING_TIME", "1.00", step_size=900), end_time="20:00"
        ),
        element(component("TIME", "2.40", step_size=900), start_time="20:00"),
    )
    cost = price(parking_until_20, session("2024-01-08 19:40", charging(12), parking(20)))
    assert billed(cost, Dimension.PARKING_TIME) == 18 * 60  # 12 + 8 priced minutes rounded to 30


def test_reservation_time_is_rounded_on_its_own() -> None:
    booking = tariff(
        element(component("TIME", "6.00", step_size=600), reservation="RESERVATION"),
        element(component("TIME", "6.00", step_size=900)),
    )
    cost = price(booking, session("2024-01-08 12:00", charging(16), reservation=reserved(13)))
    assert billed(cost, Dimension.TIME, reservation=True) == 20 * 60
    assert billed(cost, Dimension.TIME) == 30 * 60


def test_flat_ignores_its_step_size() -> None:
    for step_size in (0, 1, 900):
        fee = tariff(element(component("FLAT", "1.50", step_size=step_size)))
        cost = price(fee, session("2024-01-08 12:00", charging(10)))
        assert billed(cost, Dimension.FLAT) == 1
        assert cost.excl_vat == Decimal("1.50")
