"""The charging-time estimate: the lower of connector and car power on the phases both use, minutes rounded up."""

from __future__ import annotations

import pytest

from chargeshare_hub.vehicles.charging_time import CarLimits, charging_minutes, charging_power_w, fastest_minutes

THREE_PHASE_11KW = CarLimits(frozenset({"IEC_62196_T2"}), 11_000, 3, None)
SINGLE_PHASE_7KW = CarLimits(frozenset({"IEC_62196_T2", "IEC_62196_T2_COMBO"}), 7_400, 1, 100_000)


@pytest.mark.parametrize(
    ("car", "power_type", "connector_w", "expected_w"),
    [
        (THREE_PHASE_11KW, "AC_3_PHASE", 22_080, 11_000),  # the car limits
        (THREE_PHASE_11KW, "AC_3_PHASE", 11_040, 11_000),
        (THREE_PHASE_11KW, "AC_3_PHASE", 4_140, 4_140),  # the connector limits (3 x 6 A)
        (THREE_PHASE_11KW, "AC_1_PHASE", 7_360, 3_666),  # one phase: the car's single-phase share, 11/3 kW
        (THREE_PHASE_11KW, "AC_1_PHASE", 2_300, 2_300),  # a 10 A household socket
        (THREE_PHASE_11KW, "AC_2_PHASE", 7_360, 7_333),  # two of its three phases
        (SINGLE_PHASE_7KW, "AC_1_PHASE", 7_360, 7_360),
        (SINGLE_PHASE_7KW, "AC_3_PHASE", 11_040, 3_680),  # one of the connector's three 16 A phases
        (SINGLE_PHASE_7KW, "AC_3_PHASE", 22_080, 7_360),  # one 32 A phase
        (SINGLE_PHASE_7KW, "AC_2_PHASE_SPLIT", 9_600, 7_400),  # split phase reaches the car as one phase
    ],
)
def test_ac_power_is_the_lower_limit_per_phase_on_the_phases_both_use(
    car: CarLimits, power_type: str, connector_w: int, expected_w: int
) -> None:
    assert charging_power_w(car, "IEC_62196_T2", power_type, connector_w) == expected_w


def test_dc_power_is_the_lower_of_connector_and_car() -> None:
    assert charging_power_w(SINGLE_PHASE_7KW, "IEC_62196_T2_COMBO", "DC", 50_000) == 50_000
    assert charging_power_w(SINGLE_PHASE_7KW, "IEC_62196_T2_COMBO", "DC", 150_000) == 100_000


def test_a_car_without_dc_cannot_use_a_dc_connector() -> None:
    car = CarLimits(frozenset({"IEC_62196_T2"}), 11_000, 3, None)

    assert charging_power_w(car, "IEC_62196_T2", "DC", 50_000) is None


def test_a_connector_the_car_does_not_take_gives_no_power() -> None:
    assert charging_power_w(THREE_PHASE_11KW, "CHADEMO", "DC", 50_000) is None
    assert charging_power_w(THREE_PHASE_11KW, "DOMESTIC_F", "AC_1_PHASE", 2_300) is None


@pytest.mark.parametrize(
    ("energy_wh", "power_w", "minutes"),
    [(11_000, 11_000, 60), (11_001, 11_000, 61), (10_000, 11_000, 55), (1, 100_000, 1), (50_000, 3_666, 819)],
)
def test_minutes_are_rounded_up(energy_wh: int, power_w: int, minutes: int) -> None:
    assert charging_minutes(energy_wh, power_w) == minutes


def test_nothing_to_charge_or_no_power_is_refused() -> None:
    with pytest.raises(ValueError, match="positive"):
        charging_minutes(0, 11_000)
    with pytest.raises(ValueError, match="positive"):
        charging_minutes(1_000, 0)


def test_the_fastest_usable_connector_decides_a_listings_time() -> None:
    connectors = [
        {"standard": "IEC_62196_T2", "power_type": "AC_1_PHASE", "max_power": 3_680},
        {"standard": "IEC_62196_T2_COMBO", "power_type": "DC", "max_power": 50_000},
        {"standard": "CHADEMO", "power_type": "DC", "max_power": 150_000},  # not a standard the car takes
    ]

    assert fastest_minutes(SINGLE_PHASE_7KW, connectors, 25_000) == 30
    assert fastest_minutes(THREE_PHASE_11KW, connectors, 3_666) == 60  # its single-phase share, 11/3 kW
    assert fastest_minutes(THREE_PHASE_11KW, connectors[1:], 3_666) is None
