"""Solar start and stop: thresholds and paced delays (hysteresis.py). Minimum power 1380 W (6 A, 1 phase)."""

from __future__ import annotations

import pytest

from custom_components.chargeshare.control.hysteresis import StartStop, pace, stop_pace
from custom_components.chargeshare.control.model import Settings

from .drive import at

MIN_W = 1380.0
QUARTER_W = MIN_W / 4  # drives the start delay at clock speed
CLOCK_DEFICIT_W = 0.3 * MIN_W  # drives the stop delay at clock speed (414 W)


@pytest.mark.parametrize(
    ("power_w", "expected"),
    [(QUARTER_W, 1.0), (2 * QUARTER_W, 2.0), (MIN_W, 4.0), (10 * MIN_W, 4.0), (QUARTER_W / 2, 0.5), (1.0, 0.25)],
)
def test_pace_is_proportional_within_a_quarter_and_four(power_w: float, expected: float) -> None:
    assert pace(power_w, QUARTER_W) == expected


@pytest.mark.parametrize(
    ("available_w", "seconds_to_start"),
    [
        (MIN_W + MIN_W / 2, 60),  # half the minimum beyond it: evcc's minute
        (2 * MIN_W, 30),  # plenty: start soon and use it
        (4 * MIN_W, 15),
        (MIN_W + MIN_W / 4, 120),  # marginal: it would soon stop again
    ],
)
def test_start_delay_runs_at_the_pace_of_the_surplus(available_w: float, seconds_to_start: int) -> None:
    start_stop = StartStop()
    fired = [start_stop.check_start(at(s), available_w, MIN_W, Settings()).fire for s in range(0, 301, 5)]
    assert fired.index(True) * 5 == seconds_to_start


def test_start_waits_for_the_minimum_plus_threshold_and_a_dip_resets_it() -> None:
    start_stop, settings = StartStop(), Settings(enable_threshold_w=200)
    waiting = start_stop.check_start(at(0), MIN_W + 100, MIN_W, settings)
    assert (waiting.fire, waiting.reason) == (False, "waiting for 1.6 kW surplus for 60 s")
    assert not start_stop.check_start(at(0), MIN_W + 890, MIN_W, settings).fire
    assert start_stop.check_start(at(30), MIN_W + 890, MIN_W, settings).reason == "2.3 kW surplus: starting in 30 s"
    assert not start_stop.check_start(at(40), MIN_W, MIN_W, settings).fire  # a dip
    assert not start_stop.check_start(at(50), MIN_W + 890, MIN_W, settings).fire  # counts afresh
    assert not start_stop.check_start(at(100), MIN_W + 890, MIN_W, settings).fire
    assert start_stop.check_start(at(110), MIN_W + 890, MIN_W, settings).fire


@pytest.mark.parametrize(
    ("deficit_w", "expected"),
    [
        (CLOCK_DEFICIT_W, 1.0),
        (2 * CLOCK_DEFICIT_W, 4.0),  # twice the deficit: four times the pace
        (MIN_W, 12.0 * 0.9259),  # (1380 / 414)^2
        (10 * MIN_W, 12.0),  # at most 12
        (CLOCK_DEFICIT_W / 2, 0.25),  # at least 1/4
        (1.0, 0.25),
    ],
)
def test_stop_pace_grows_with_the_square_of_the_deficit(deficit_w: float, expected: float) -> None:
    assert stop_pace(deficit_w, MIN_W) == pytest.approx(expected, rel=1e-4)


@pytest.mark.parametrize(
    ("available_w", "seconds_to_stop"),
    [
        (0.0, 20),  # no surplus at all: the whole minimum is imported, stop after 16 s where evcc takes 180
        (MIN_W - 2 * CLOCK_DEFICIT_W, 45),
        (MIN_W - CLOCK_DEFICIT_W, 180),  # 0.3 of the minimum short: evcc's 3 minutes
        (MIN_W - 0.7 * CLOCK_DEFICIT_W, 370),  # a little short: keep using the surplus there is, longer
        (MIN_W - 1, 720),  # a few watts short: at most four times the delay
    ],
)
def test_stop_delay_runs_at_the_pace_of_the_deficit(available_w: float, seconds_to_stop: int) -> None:
    start_stop = StartStop()
    fired = [start_stop.check_stop(at(s), available_w, MIN_W, Settings()).fire for s in range(0, 1001, 5)]
    assert fired.index(True) * 5 == seconds_to_stop


def test_stop_needs_the_deficit_above_the_threshold_and_recovery_resets_it() -> None:
    start_stop, settings = StartStop(), Settings(disable_threshold_w=300)
    assert start_stop.check_stop(at(0), MIN_W - 300, MIN_W, settings).reason == "1.1 kW surplus: holding the minimum"
    short_w = MIN_W - 2 * CLOCK_DEFICIT_W  # 828 W short: 4x pace, 45 s
    assert not start_stop.check_stop(at(0), short_w, MIN_W, settings).fire
    counting = start_stop.check_stop(at(20), short_w, MIN_W, settings)
    assert counting.reason == "0.8 kW short of the minimum: stopping in 25 s"
    start_stop.surplus_suffices()
    assert not start_stop.check_stop(at(30), short_w, MIN_W, settings).fire
    assert not start_stop.check_stop(at(60), short_w, MIN_W, settings).fire
    stopped = start_stop.check_stop(at(75), short_w, MIN_W, settings)
    assert stopped.fire
    assert stopped.reason == "stopped: 0.8 kW short of the minimum"
