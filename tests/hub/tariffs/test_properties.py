"""Properties that hold for any tariff and session."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import given, settings, strategies as st

from chargeshare_hub.tariffs import Reservation, Tariff, Usage, UsagePeriod, price

from .helpers import tariff_json

DIMENSIONS = ("ENERGY", "FLAT", "PARKING_TIME", "TIME")
ZONES = ("Europe/Amsterdam", "UTC", "America/New_York", "Australia/Lord_Howe")
# Hypothesis draws aware datetimes between naive bounds.
FIRST_START = datetime(2024, 1, 1)  # noqa: DTZ001
LAST_START = datetime(2025, 12, 31)  # noqa: DTZ001


def amounts(max_value: int = 10) -> st.SearchStrategy[Decimal]:
    return st.decimals(min_value=0, max_value=max_value, places=2)


def clock_times() -> st.SearchStrategy[str]:
    return st.builds(lambda h, m: f"{h:02d}:{m:02d}", st.integers(0, 23), st.sampled_from([0, 15, 30, 45]))


@st.composite
def restrictions(draw: st.DrawFn) -> dict[str, Any]:
    found: dict[str, Any] = {}
    if draw(st.booleans()):
        found["start_time"] = draw(clock_times())
    if draw(st.booleans()):
        found["end_time"] = draw(clock_times())
    if draw(st.booleans()):
        found["day_of_week"] = draw(
            st.lists(st.sampled_from(["MONDAY", "WEDNESDAY", "SATURDAY", "SUNDAY"]), min_size=1, unique=True)
        )
    ranges: tuple[tuple[str, str, st.SearchStrategy[Any]], ...] = (
        ("min_kwh", "max_kwh", st.decimals(0, 60, places=1)),
        ("min_duration", "max_duration", st.integers(0, 6 * 3600)),
        ("min_power", "max_power", st.decimals(0, 50, places=1)),
        ("min_current", "max_current", st.decimals(0, 64, places=0)),
    )
    for low, high, values in ranges:
        bounds = sorted(draw(st.sets(values, min_size=2, max_size=2)))
        if draw(st.booleans()):
            found[low] = bounds[0]
        if draw(st.booleans()):
            found[high] = bounds[1]
    return found


@st.composite
def elements(draw: st.DrawFn) -> dict[str, Any]:
    dimensions = draw(st.lists(st.sampled_from(DIMENSIONS), min_size=1, max_size=4, unique=True))
    components = [
        {
            "type": dimension,
            "price": draw(amounts()),
            "step_size": draw(st.sampled_from([1, 60, 300, 900, 1000])),
            **({"vat": draw(st.sampled_from([Decimal(0), Decimal(10), Decimal(21)]))} if draw(st.booleans()) else {}),
        }
        for dimension in dimensions
    ]
    found: dict[str, Any] = {"price_components": components}
    if draw(st.booleans()):
        found["restrictions"] = draw(restrictions())
    return found


def price_bound(excl_vat: Decimal, with_incl_vat: bool) -> dict[str, Any]:
    return {"excl_vat": excl_vat, **({"incl_vat": excl_vat * Decimal("1.2")} if with_incl_vat else {})}


@st.composite
def tariffs(draw: st.DrawFn, *, bounded: bool = False) -> Tariff:
    fields: dict[str, Any] = {}
    if bounded:
        low, high = sorted(draw(st.lists(amounts(20), min_size=2, max_size=2)))
        fields["min_price"] = price_bound(low, draw(st.booleans()))
        fields["max_price"] = price_bound(high, draw(st.booleans()))
    return Tariff.from_ocpi(tariff_json(*draw(st.lists(elements(), min_size=1, max_size=4)), **fields))


@st.composite
def periods(draw: st.DrawFn) -> UsagePeriod:
    minutes = timedelta(minutes=draw(st.integers(0, 300)))
    if draw(st.booleans()):
        return UsagePeriod.parking(minutes)
    return UsagePeriod.charging(
        minutes,
        draw(st.decimals(0, 50, places=3)),
        power_kw=draw(st.none() | st.decimals(0, 50, places=1)),
        current_a=draw(st.none() | st.decimals(0, 64, places=0)),
    )


@st.composite
def usages(draw: st.DrawFn) -> Usage:
    zone = draw(st.sampled_from(ZONES))
    start = draw(st.datetimes(FIRST_START, LAST_START, timezones=st.just(ZoneInfo(zone))))
    reservation = None
    if draw(st.booleans()):
        reservation = Reservation(timedelta(minutes=draw(st.integers(0, 120))), expired=draw(st.booleans()))
    expired = reservation is not None and reservation.expired
    session = () if expired else tuple(draw(st.lists(periods(), max_size=4)))
    return Usage(zone, start, session, reservation)


@settings(deadline=None)
@given(tariffs(), usages())
def test_a_price_is_never_negative(tariff: Tariff, usage: Usage) -> None:
    cost = price(tariff, usage)
    assert cost.excl_vat >= 0
    assert cost.incl_vat is None or cost.incl_vat >= 0
    assert all(d.quantity >= 0 and d.excl_vat >= 0 for d in cost.dimensions)


@settings(deadline=None)
@given(
    tariff=st.builds(
        lambda unit_price, step_size, vat: Tariff.from_ocpi(
            tariff_json(
                {"price_components": [{"type": "ENERGY", "price": unit_price, "step_size": step_size, "vat": vat}]}
            )
        ),
        amounts(),
        st.sampled_from([1, 10, 100, 1000, 5000]),
        st.sampled_from([Decimal(0), Decimal(20)]),
    ),
    energy=st.decimals(0, 80, places=3),
    more=st.decimals(0, 20, places=3),
    minutes=st.integers(0, 600),
)
def test_more_energy_never_costs_less_with_one_energy_price(
    tariff: Tariff, energy: Decimal, more: Decimal, minutes: int
) -> None:
    def cost(kwh: Decimal) -> Decimal:
        usage = Usage("UTC", datetime(2024, 1, 8, 12, tzinfo=ZoneInfo("UTC")), (charge(minutes, kwh),))
        return price(tariff, usage).excl_vat

    assert cost(energy) <= cost(energy + more)


@settings(deadline=None)
@given(tariffs(bounded=True), usages())
def test_the_total_stays_within_min_and_max_price(tariff: Tariff, usage: Usage) -> None:
    cost = price(tariff, usage)
    assert tariff.min_price is not None
    assert tariff.max_price is not None
    assert tariff.min_price.excl_vat <= cost.excl_vat <= tariff.max_price.excl_vat
    if cost.incl_vat is not None and tariff.min_price.incl_vat is not None:
        assert cost.incl_vat >= tariff.min_price.incl_vat
    if cost.incl_vat is not None and tariff.max_price.incl_vat is not None:
        assert cost.incl_vat <= tariff.max_price.incl_vat


@settings(deadline=None)
@given(tariffs(), usages(), st.integers(2, 300), st.integers(1, 299), st.decimals(0, 1, places=3))
def test_cutting_a_charging_period_in_two_changes_nothing(
    tariff: Tariff, usage: Usage, minutes: int, cut: int, kwh_per_minute: Decimal
) -> None:
    cut = min(cut, minutes - 1)
    whole = Usage(usage.time_zone, usage.start, (charge(minutes, kwh_per_minute * minutes),))
    halves = (charge(cut, kwh_per_minute * cut), charge(minutes - cut, kwh_per_minute * (minutes - cut)))
    cut_in_two = Usage(usage.time_zone, usage.start, halves)
    assert price(tariff, cut_in_two) == price(tariff, whole)


def charge(minutes: int, kwh: Decimal) -> UsagePeriod:
    return UsagePeriod.charging(timedelta(minutes=minutes), kwh)
