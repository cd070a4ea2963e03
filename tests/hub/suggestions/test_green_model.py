"""The green-share model: the sun's elevation, and an energy mix whose solar part follows the sun."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chargeshare_hub.suggestions.green import GreenShare, Mix, mix_of
from chargeshare_hub.suggestions.solar import sun_elevation_deg

KOELN = (50.93, 6.96)


@pytest.mark.parametrize(
    ("place", "moment", "expected"),
    [
        # At solar noon the sun stands 90° - latitude + declination high.
        (KOELN, datetime(2026, 6, 21, 11, 30, tzinfo=UTC), 90 - 50.93 + 23.44),
        (KOELN, datetime(2026, 12, 21, 11, 38, tzinfo=UTC), 90 - 50.93 - 23.44),
        ((0.0, 0.0), datetime(2026, 3, 20, 12, 7, tzinfo=UTC), 90.0),
        ((-33.87, 151.21), datetime(2026, 12, 21, 1, 55, tzinfo=UTC), 90 - 33.87 + 23.44),  # Sydney's summer
    ],
)
def test_the_sun_stands_where_the_declination_puts_it_at_noon(
    place: tuple[float, float], moment: datetime, expected: float
) -> None:
    assert sun_elevation_deg(*place, moment) == pytest.approx(expected, abs=0.6)


def test_the_sun_is_below_the_horizon_at_night_and_in_polar_night() -> None:
    assert sun_elevation_deg(*KOELN, datetime(2026, 6, 21, 23, 30, tzinfo=UTC)) < -10
    assert sun_elevation_deg(-85.0, 0.0, datetime(2026, 6, 21, 12, 0, tzinfo=UTC)) < 0


def test_the_sun_rises_and_sets_at_the_known_times_in_koeln() -> None:
    # 21 June 2026: sunrise about 03:20 UTC, sunset about 19:50 UTC (the sun's centre, no refraction).
    assert sun_elevation_deg(*KOELN, datetime(2026, 6, 21, 3, 0, tzinfo=UTC)) < 0
    assert sun_elevation_deg(*KOELN, datetime(2026, 6, 21, 3, 45, tzinfo=UTC)) > 0
    assert sun_elevation_deg(*KOELN, datetime(2026, 6, 21, 19, 30, tzinfo=UTC)) > 0
    assert sun_elevation_deg(*KOELN, datetime(2026, 6, 21, 20, 15, tzinfo=UTC)) < 0


def test_an_energy_mix_splits_into_steady_renewables_and_solar() -> None:
    mix = mix_of(
        {
            "is_green_energy": False,
            "energy_sources": [
                {"source": "WIND", "percentage": 20},
                {"source": "WATER", "percentage": 10},
                {"source": "SOLAR", "percentage": 20},
                {"source": "COAL", "percentage": 50},
            ],
        }
    )

    assert mix == Mix(steady=pytest.approx(0.3), solar=pytest.approx(0.2))


def test_a_mix_without_sources_is_all_green_or_not_at_all_and_none_is_unknown() -> None:
    assert mix_of({"is_green_energy": True}) == Mix(1.0, 0.0)
    assert mix_of({"is_green_energy": False, "energy_sources": []}) == Mix(0.0, 0.0)
    assert mix_of(None) is None


def test_shares_over_100_percent_are_read_as_proportions() -> None:
    mix = mix_of({"is_green_energy": True, "energy_sources": [{"source": "SOLAR", "percentage": 100},
                                                              {"source": "GAS", "percentage": 100}]})  # fmt: skip

    assert mix == Mix(0.0, 0.5)


def test_steady_renewables_are_as_green_by_night_as_by_day() -> None:
    share = GreenShare(Mix(0.4, 0.0), *KOELN)

    assert share.at(datetime(2026, 6, 21, 0, 0, tzinfo=UTC)) == share.at(datetime(2026, 6, 21, 11, 30, tzinfo=UTC))


def test_solar_makes_noon_greener_than_morning_and_adds_nothing_at_night() -> None:
    share = GreenShare(Mix(0.1, 0.2), *KOELN)

    night, morning, noon = (share.at(datetime(2026, 6, 21, hour, 30, tzinfo=UTC)) for hour in (0, 6, 11))

    assert night == pytest.approx(0.1)
    assert night < morning < noon


def test_over_a_day_the_solar_part_averages_its_share_of_the_mix() -> None:
    share = GreenShare(Mix(0.0, 0.2), *KOELN)
    day_start = datetime(2026, 6, 21, tzinfo=UTC) - timedelta(hours=KOELN[1] / 15)  # solar midnight

    assert share.over(day_start, day_start + timedelta(days=1)) == pytest.approx(0.2, rel=0.01)


def test_where_the_sun_covers_everything_the_share_is_one() -> None:
    share = GreenShare(Mix(0.2, 0.8), *KOELN)

    assert share.at(datetime(2026, 6, 21, 11, 30, tzinfo=UTC)) == 1.0


def test_a_slot_is_as_green_as_its_mean_over_its_time() -> None:
    share = GreenShare(Mix(0.0, 0.3), *KOELN)
    start = datetime(2026, 6, 21, 9, 0, tzinfo=UTC)

    over = share.over(start, start + timedelta(hours=1))

    assert share.at(start) < over < share.at(start + timedelta(hours=1))
