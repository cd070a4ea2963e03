"""Restrictions: lower bounds inclusive, upper bounds exclusive, re-checked as the session goes on."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from chargeshare_hub.tariffs import Dimension, Usage, price

from .helpers import billed, charging, component, element, hours, parking, reserved, session, tariff


def minutes_in(usage: Usage, **restrictions: Any) -> Decimal:
    """Minutes of charging priced by a TIME element with these restrictions, a free element taking the rest.

    At 60 EUR/h the price in EUR is the number of minutes.
    """
    restricted = tariff(element(component("TIME", "60"), **restrictions), element(component("TIME", "0")))
    return price(restricted, usage).excl_vat


@pytest.mark.parametrize(
    ("start", "expected_minutes"),
    [
        ("2024-01-08 17:00", 10),  # starts on start_time: inclusive
        ("2024-01-08 16:50", 0),  # ends on start_time
        ("2024-01-08 19:50", 10),  # ends on end_time
        ("2024-01-08 20:00", 0),  # starts on end_time: exclusive
    ],
)
def test_start_time_is_inclusive_and_end_time_exclusive(start: str, expected_minutes: int) -> None:
    assert minutes_in(session(start, charging(10)), start_time="17:00", end_time="20:00") == expected_minutes


def test_a_session_crossing_time_boundaries_is_split_at_them() -> None:
    assert minutes_in(session("2024-01-08 16:30", charging(60)), start_time="17:00", end_time="20:00") == 30
    assert minutes_in(session("2024-01-08 16:00", charging(300)), start_time="17:00", end_time="20:00") == 180


def test_an_end_time_before_the_start_time_wraps_past_midnight() -> None:
    overnight = session("2024-01-08 21:00", charging(600))  # until 07:00
    assert minutes_in(overnight, start_time="22:00", end_time="06:00") == 8 * 60


def test_an_end_time_of_midnight_means_until_the_end_of_the_day() -> None:
    assert minutes_in(session("2024-01-08 23:00", charging(120)), start_time="20:00", end_time="00:00") == 60


def test_a_start_time_alone_holds_until_midnight_and_an_end_time_alone_from_midnight() -> None:
    assert minutes_in(session("2024-01-08 21:00", charging(180)), start_time="22:00") == 120
    assert minutes_in(session("2024-01-08 23:00", charging(240)), end_time="02:00") == 120


def test_equal_start_and_end_times_cover_the_whole_day() -> None:
    assert minutes_in(session("2024-01-08 09:00", charging(120)), start_time="10:00", end_time="10:00") == 120
    assert minutes_in(session("2024-01-08 09:00", charging(120)), start_time="00:00", end_time="00:00") == 120


def test_the_day_of_week_changes_at_local_midnight() -> None:
    weekend = {"day_of_week": ["SATURDAY", "SUNDAY"]}
    assert minutes_in(session("2024-01-12 23:00", charging(120)), **weekend) == 60  # Friday into Saturday
    assert minutes_in(session("2024-01-14 23:00", charging(120)), **weekend) == 60  # Sunday into Monday
    assert minutes_in(session("2024-01-10 12:00", charging(120)), **weekend) == 0


def test_start_date_is_inclusive_and_end_date_exclusive() -> None:
    two_days = session("2024-01-09 23:00", charging(26 * 60))  # until 2024-01-11 01:00
    assert minutes_in(two_days, start_date="2024-01-10", end_date="2024-01-11") == 24 * 60


def test_durations_count_seconds_since_the_session_started() -> None:
    two_hours = session("2024-01-08 12:00", charging(120))
    assert minutes_in(two_hours, max_duration=1800) == 30
    assert minutes_in(two_hours, min_duration=1800, max_duration=3600) == 30
    assert minutes_in(two_hours, min_duration=7200) == 0


def test_parking_durations_include_the_charging_time_before() -> None:
    first_session_hour_free = tariff(
        element(component("PARKING_TIME", "0"), max_duration=3600),
        element(component("PARKING_TIME", "2.00")),
    )
    assert price(first_session_hour_free, session("2024-01-08 12:00", charging(45), parking(30))).excl_vat == Decimal(
        "0.50"
    )
    assert price(first_session_hour_free, session("2024-01-08 12:00", charging(60), parking(165))).excl_vat == Decimal(
        "5.50"
    )


def test_energy_bounds_count_energy_delivered_so_far_and_split_a_period() -> None:
    first_5_kwh_free = tariff(element(component("ENERGY", "0"), max_kwh=5), element(component("ENERGY", "1.00")))
    assert price(first_5_kwh_free, session("2024-01-08 12:00", charging(60, "10"))).excl_vat == 5
    assert price(first_5_kwh_free, session("2024-01-08 12:00", charging(60, "5"))).excl_vat == 0
    assert price(first_5_kwh_free, session("2024-01-08 12:00", charging(30, "5"), charging(30, "2"))).excl_vat == 2


def test_an_energy_bound_splits_time_where_the_energy_is_reached() -> None:
    # 10 kWh evenly over an hour: the 5th kWh is reached after 30 minutes.
    assert minutes_in(session("2024-01-08 12:00", charging(60, "10")), min_kwh=5) == 30


@pytest.mark.parametrize(
    ("power_kw", "restrictions", "applies"),
    [
        ("15.9", {"max_power": 16}, True),
        ("16", {"max_power": 16}, False),
        ("16", {"min_power": 16}, True),
        ("15.9", {"min_power": 16}, False),
    ],
)
def test_power_bounds(power_kw: str, restrictions: dict[str, Any], applies: bool) -> None:
    priced = minutes_in(session("2024-01-08 12:00", charging(10, "2", power_kw=power_kw)), **restrictions)
    assert priced == (10 if applies else 0)


def test_power_defaults_to_the_average_of_the_period() -> None:
    assert minutes_in(session("2024-01-08 12:00", charging(60, "11")), max_power=16) == 60
    assert minutes_in(session("2024-01-08 12:00", charging(60, "22")), max_power=16) == 0


@pytest.mark.parametrize(
    ("current_a", "restrictions", "applies"),
    [
        ("31.9", {"max_current": 32}, True),
        ("32", {"max_current": 32}, False),
        ("32", {"min_current": 32}, True),
        ("31.9", {"min_current": 32}, False),
        (None, {"min_current": 6}, False),
        (None, {"max_current": 32}, False),
        (None, {}, True),
    ],
)
def test_current_bounds_and_an_unknown_current(
    current_a: str | None, restrictions: dict[str, Any], applies: bool
) -> None:
    priced = minutes_in(session("2024-01-08 12:00", charging(10, current_a=current_a)), **restrictions)
    assert priced == (10 if applies else 0)


def test_a_period_changing_power_is_priced_per_period() -> None:
    bands = tariff(element(component("ENERGY", "0.20"), max_power=16), element(component("ENERGY", "0.50")))
    usage = session("2024-01-08 12:00", charging(10, "1", power_kw="6"), charging(50, "40", power_kw="48"))
    assert price(bands, usage).excl_vat == Decimal("20.20")


def test_each_dimension_takes_the_first_element_that_applies_to_it() -> None:
    mixed = tariff(
        element(component("ENERGY", "0.30"), max_power=11),
        element(component("TIME", "1.00")),
        element(component("ENERGY", "0.50"), component("TIME", "9.00")),
    )
    cost = price(mixed, session("2024-01-08 12:00", charging(60, "22")))
    assert cost.excl_vat == Decimal("0.50") * 22 + Decimal("1.00")


def test_a_dimension_no_element_applies_to_costs_nothing() -> None:
    evenings = tariff(element(component("TIME", "2.00"), start_time="17:00", end_time="20:00"))
    cost = price(evenings, session("2024-01-08 12:00", charging(60), parking(60)))
    assert cost.excl_vat == 0
    assert cost.dimensions == ()


def test_flat_comes_from_the_first_element_that_applies_at_the_start() -> None:
    fees = tariff(
        element(component("FLAT", "1.00"), start_time="17:00", end_time="20:00"),
        element(component("FLAT", "0.50")),
    )
    assert price(fees, session("2024-01-08 16:55", charging(60))).excl_vat == Decimal("0.50")
    assert price(fees, session("2024-01-08 17:00", charging(60))).excl_vat == Decimal("1.00")


def test_a_flat_fee_that_only_applies_later_is_billed_once_it_does() -> None:
    overstay = tariff(element(component("FLAT", "10.00"), min_duration=7200), element(component("ENERGY", "0.25")))
    assert price(overstay, session("2024-01-08 12:00", charging(60, "4"))).excl_vat == 1
    assert price(overstay, session("2024-01-08 12:00", charging(60, "4"), parking(90))).excl_vat == 11


def test_reservation_elements_price_only_the_reservation() -> None:
    booking = tariff(
        element(component("FLAT", "2.00"), component("TIME", "6.00"), reservation="RESERVATION"),
        element(component("TIME", "1.00")),
    )
    cost = price(booking, session("2024-01-08 12:00", charging(60), reservation=reserved(30)))
    assert cost.excl_vat == Decimal("2.00") + Decimal("3.00") + Decimal("1.00")
    assert billed(cost, Dimension.TIME, reservation=True) == hours("0.5")
    assert billed(cost, Dimension.TIME) == hours("1")


def test_unrestricted_elements_do_not_price_a_reservation() -> None:
    plain = tariff(element(component("FLAT", "0.50"), component("TIME", "1.00")))
    cost = price(plain, session("2024-01-08 12:00", charging(60), reservation=reserved(30)))
    assert cost.excl_vat == Decimal("1.50")
    assert all(not d.reservation for d in cost.dimensions)


def test_reservation_expires_applies_only_to_an_expired_reservation() -> None:
    booking = tariff(
        element(component("TIME", "6.00"), reservation="RESERVATION_EXPIRES"),
        element(component("TIME", "3.00"), reservation="RESERVATION"),
        element(component("FLAT", "0.50")),
    )
    assert price(booking, session("2024-01-08 12:00", charging(0), reservation=reserved(60))).excl_vat == Decimal(
        "3.50"
    )
    expired = session("2024-01-08 12:00", reservation=reserved(60, expired=True))
    assert price(booking, expired).excl_vat == 6  # and no session: no FLAT


def test_reservation_restrictions_are_checked_on_the_reservation_clock() -> None:
    booking = tariff(
        element(component("TIME", "60"), reservation="RESERVATION", start_time="11:45"),
        element(component("ENERGY", "0.25")),
    )
    usage = session("2024-01-08 12:00", charging(60, "4"), reservation=reserved(30))  # reserved from 11:30
    assert price(booking, usage).excl_vat == 15 + 1


def test_time_of_day_follows_the_clock_across_the_spring_daylight_saving_jump() -> None:
    # 2024-03-31 in Amsterdam: 02:00 jumps to 03:00. 01:30 + 2 real hours ends at 04:30.
    night = session("2024-03-31 01:30", charging(120))
    assert minutes_in(night, start_time="02:30", end_time="03:30") == 30  # 03:00 to 03:30
    assert minutes_in(night, start_time="01:00", end_time="03:00") == 30  # 01:30 to the jump


def test_time_of_day_follows_the_clock_across_the_autumn_daylight_saving_jump() -> None:
    # 2024-10-27 in Amsterdam: 03:00 falls back to 02:00, so 02:00 to 03:00 happens twice.
    night = session("2024-10-27 01:30", charging(180))  # ends at 03:30 winter time
    assert minutes_in(night, start_time="02:00", end_time="03:00") == 120
