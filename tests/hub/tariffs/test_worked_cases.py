"""Every priced example of the OCPI 2.2.1 Tariffs module comes out as the specification prints it.

The cases and their session fields are described in shared/reference/ocpi-2.2.1/README.md.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
import json
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from chargeshare_hub.tariffs import (
    DayOfWeek,
    Dimension,
    Reservation,
    Tariff,
    TariffElement,
    Usage,
    UsagePeriod,
    price,
)
from tests.hub.reference import OCPI_REFERENCE as REFERENCE

CASES_FILE = REFERENCE / "tariff_cases.json"
# The example tariffs are German (DE); January keeps daylight saving time out of the examples.
TIME_ZONE = "Europe/Berlin"
FIRST_MONDAY = date(2024, 1, 8)
DEFAULT_START = time(12, 0)
# "0" in the cases means exact up to float noise in the printed figures.
EXACT = Decimal("1e-9")


def _load_cases() -> list[dict[str, Any]]:
    if not CASES_FILE.is_file():
        pytest.fail(
            f"OCPI reference cases not found at {CASES_FILE}: check the shared folder out beside the repository",
            pytrace=False,
        )
    cases: list[dict[str, Any]] = json.loads(CASES_FILE.read_text(encoding="utf-8"))
    return cases


CASES = _load_cases()


def _tariff(case: dict[str, Any]) -> Tariff:
    path = REFERENCE / case["tariff_file"]
    if not path.is_file():
        pytest.fail(f"case {case['id']}: tariff file {path} not found", pytrace=False)
    tariff = Tariff.from_ocpi(json.loads(path.read_text(encoding="utf-8")))
    override = case["session"].get("energy_price_override_excl_vat")
    if override is None:
        return tariff
    return replace(tariff, elements=tuple(_with_energy_price(e, Decimal(str(override))) for e in tariff.elements))


def _with_energy_price(element: TariffElement, energy_price: Decimal) -> TariffElement:
    """The spec takes this live price from outside the JSON (tariff_alt_url)."""
    components = tuple(
        replace(c, price=energy_price) if c.dimension is Dimension.ENERGY else c for c in element.price_components
    )
    return replace(element, price_components=components)


def _decimal(value: float) -> Decimal:
    return Decimal(str(value))


def _usage(session: dict[str, Any], energy_kwh: Decimal | None) -> Usage:
    """The session as the README defines its fields; energy_kwh replaces the stated energy for range cases."""
    weekday = list(DayOfWeek).index(DayOfWeek(session.get("weekday", "MONDAY")))
    start_time = time.fromisoformat(session.get("start_local", DEFAULT_START.isoformat()))
    start = datetime.combine(FIRST_MONDAY + timedelta(days=weekday), start_time, tzinfo=ZoneInfo(TIME_ZONE))
    current = None if "current_a" not in session else _decimal(session["current_a"])
    periods: list[UsagePeriod] = []
    if "charging_periods" in session:
        for stated in session["charging_periods"]:
            energy = _decimal(stated["energy_kwh"])
            if "minutes" in stated:
                periods.append(UsagePeriod.charging(timedelta(minutes=stated["minutes"]), energy, current_a=current))
            else:
                periods.append(UsagePeriod.charging_at_power(energy, _decimal(stated["power_kw"]), current_a=current))
    elif "charging_minutes" in session or energy_kwh is not None:
        # An unstated charging time does not matter for that tariff, except in tariff_7 (see the README).
        duration = timedelta(minutes=session.get("charging_minutes", 0))
        periods.append(UsagePeriod.charging(duration, energy_kwh or Decimal(0), current_a=current))
    if session.get("parking_minutes"):
        periods.append(UsagePeriod.parking(timedelta(minutes=session["parking_minutes"])))
    reservation = None
    if "reservation_minutes" in session:
        reservation = Reservation(timedelta(minutes=session["reservation_minutes"]), session["reservation_expired"])
    return Usage(TIME_ZONE, start, tuple(periods), reservation)


def _energies(session: dict[str, Any]) -> list[Decimal | None]:
    if "energy_kwh_below" in session:
        below = _decimal(session["energy_kwh_below"])
        return [
            below * share for share in (Decimal(0), Decimal("0.001"), Decimal("0.5"), Decimal("0.9"), Decimal("0.9999"))
        ]
    if "energy_kwh" in session:
        return [_decimal(session["energy_kwh"])]
    return [None]


def test_there_are_28_cases_with_unique_ids() -> None:
    ids = [case["id"] for case in CASES]
    assert len(ids) == 28
    assert len(set(ids)) == len(ids)


def test_stated_charging_periods_add_up_to_the_stated_totals() -> None:
    for case in CASES:
        session = case["session"]
        periods = session.get("charging_periods", [])
        if periods and "energy_kwh" in session:
            assert sum(_decimal(p["energy_kwh"]) for p in periods) == _decimal(session["energy_kwh"]), case["id"]
        if periods and "charging_minutes" in session:
            assert sum(p["minutes"] for p in periods) == session["charging_minutes"], case["id"]


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_worked_case(case: dict[str, Any]) -> None:
    tariff = _tariff(case)
    tolerance = max(_decimal(case["tolerance"]), EXACT)
    expected = case["expected"]
    for energy in _energies(case["session"]):
        cost = price(tariff, _usage(case["session"], energy))
        assert abs(cost.excl_vat - _decimal(expected["excl_vat"])) <= tolerance, (energy, cost)
        if expected["incl_vat"] is not None:
            assert cost.incl_vat is not None, (energy, cost)
            assert abs(cost.incl_vat - _decimal(expected["incl_vat"])) <= tolerance, (energy, cost)


def test_the_free_parking_hour_of_tariff_7_counts_from_the_session_start() -> None:
    """The README's caveat: with an hour of charging first, the file's durations give 10.05, not the spec's 7.30."""
    case = next(case for case in CASES if case["id"] == "first-kwh-and-first-parking-hour-free")
    cost = price(_tariff(case), _usage(case["session"] | {"charging_minutes": 60}, Decimal(20)))
    assert cost.excl_vat == Decimal("10.05")
