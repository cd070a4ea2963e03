"""A usage that cannot happen is refused when it is built, not priced wrongly later."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from chargeshare_hub.tariffs import Activity, Reservation, Usage, UsagePeriod

START = datetime(2024, 1, 8, 12, tzinfo=UTC)


def test_charging_at_a_power_lasts_as_long_as_the_energy_takes() -> None:
    period = UsagePeriod.charging_at_power(Decimal("40"), Decimal("48"))
    assert period.duration == timedelta(minutes=50)
    assert period.average_power_kw == 48


def test_power_defaults_to_the_average_and_is_unknown_for_an_instant() -> None:
    assert UsagePeriod.charging(timedelta(minutes=30), Decimal("5.5")).average_power_kw == 11
    assert UsagePeriod.charging(timedelta(0), Decimal("5.5")).average_power_kw is None


def test_parking_draws_nothing() -> None:
    period = UsagePeriod.parking(timedelta(minutes=5))
    assert period.activity is Activity.PARKING
    assert (period.average_power_kw, period.current_drawn_a) == (Decimal(0), Decimal(0))


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: UsagePeriod.charging(timedelta(minutes=-1), Decimal(1)), "cannot last"),
        (lambda: UsagePeriod.charging(timedelta(minutes=1), Decimal(-1)), "energy_kwh cannot be negative"),
        (lambda: UsagePeriod.charging(timedelta(1), Decimal(1), current_a=Decimal(-6)), "current_a cannot be negative"),
        (lambda: UsagePeriod(Activity.PARKING, timedelta(minutes=1), Decimal(1)), "parking period delivers no energy"),
        (lambda: UsagePeriod.charging_at_power(Decimal(1), Decimal(0)), "positive power"),
        (lambda: Reservation(timedelta(minutes=-5)), "cannot last"),
        (lambda: Usage("Europe/Amsterdam", datetime(2024, 1, 8, 12)), "aware"),  # noqa: DTZ001
        (lambda: Usage("Mars/Olympus_Mons", START), "unknown time zone"),
        (lambda: Usage("../etc/passwd", START), "unknown time zone"),
        (
            lambda: Usage(
                "UTC",
                START,
                (UsagePeriod.charging(timedelta(minutes=5), Decimal(1)),),
                Reservation(timedelta(minutes=15), expired=True),
            ),
            "expired reservation is not followed by a session",
        ),
    ],
)
def test_impossible_usage_is_refused(build: Callable[[], object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        build()
