"""The solar benchmark's plant and metrics on small synthetic series (no pvlib, pandas or matplotlib)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
import math

import pytest

from bench.solar_baselines import ChargeNow, InstantOracle
from bench.solar_evcc import EvccStyle
from bench.solar_metrics import Metrics
from bench.solar_sim import Car, Plant, SiteSeries, Trace, simulate
from custom_components.chargeshare.control.model import (
    VOLTAGE_V,
    ChargerLimits,
    ChargerReading,
    Decision,
    SiteReading,
)

START = datetime(2016, 6, 1, 10, 0, tzinfo=UTC)
INSTANT_CAR = Car(start_delay_s=0.0, lag_s=0.0)
ONE_PHASE = ChargerLimits(resolution_a=0.1, max_phases=1)
THREE_PHASE = ChargerLimits(max_phases=3)
SWITCHING = ChargerLimits(max_phases=3, phase_switching=True)


def series(pv_w: list[float], house_w: float | list[float] = 300.0) -> SiteSeries:
    house = house_w if isinstance(house_w, list) else [house_w] * len(pv_w)
    return SiteSeries(start=START, pv_w=pv_w, house_w=house)


def whole(site: SiteSeries) -> list[tuple[int, int]]:
    return [(0, len(site.pv_w) * 60)]


class Scripted:
    """Writes the decision scheduled at or before `now`; records what it was shown."""

    def __init__(self, schedule: dict[int, tuple[bool, float, int]]) -> None:
        self.schedule = schedule
        self.calls: list[tuple[float, SiteReading | None, ChargerReading]] = []

    def update(self, now: datetime, site: SiteReading | None, charger: ChargerReading) -> Decision:
        elapsed = (now - START).total_seconds()
        self.calls.append((elapsed, site, charger))
        due = [second for second in self.schedule if second <= elapsed]
        enabled, current_a, phases = self.schedule[max(due)] if due else (False, 0.0, charger.phases)
        return Decision(enabled, current_a, phases, "scripted", None, write=True)


# PV that crosses the 1-phase and 3-phase minimum powers both ways, above the maximum too.
VARYING_PV = [0.0, 1500.0, 2500.0, 4000.0, 6000.0, 12000.0, 9000.0, 4600.0, 3000.0, 1000.0, 2200.0, 0.0]


@pytest.mark.parametrize("limits", [ONE_PHASE, THREE_PHASE, SWITCHING])
def test_the_oracle_charges_from_surplus_only(limits: ChargerLimits) -> None:
    site = series(VARYING_PV)
    plant = Plant(limits, INSTANT_CAR, meter_period_s=10, step_s=10, phase_switch_pause_s=0.0)

    metrics = simulate(site, whole(site), plant, InstantOracle(limits))

    assert metrics.ev_wh > 0
    assert metrics.solar_share == pytest.approx(1.0)
    assert metrics.ev_import_wh == pytest.approx(0.0, abs=1e-6)


def test_the_oracle_on_a_switching_charger_uses_more_surplus_than_on_either_fixed_phase_count() -> None:
    site = series(VARYING_PV)

    def used(limits: ChargerLimits) -> float:
        plant = Plant(limits, INSTANT_CAR, meter_period_s=10, step_s=10, phase_switch_pause_s=0.0)
        return simulate(site, whole(site), plant, InstantOracle(limits)).surplus_used

    assert used(SWITCHING) > max(used(ONE_PHASE), used(THREE_PHASE))


def test_charge_now_draws_the_maximum_power_for_the_whole_window() -> None:
    site = series([0.0] * 120)
    plant = Plant(THREE_PHASE, INSTANT_CAR)

    metrics = simulate(site, whole(site), plant, ChargeNow(THREE_PHASE))

    assert metrics.ev_wh == pytest.approx(16 * VOLTAGE_V * 3 * 2)  # two hours at 11.04 kW
    assert metrics.ev_import_wh == pytest.approx(metrics.ev_wh)
    assert metrics.starts == 1


def test_a_lagging_car_starts_after_its_delay_and_follows_with_its_time_constant() -> None:
    site = series([0.0] * 3)
    trace = Trace(every_s=1)
    plant = Plant(ONE_PHASE, Car(start_delay_s=40.0, lag_s=30.0))

    simulate(site, whole(site), plant, ChargeNow(ONE_PHASE), trace)

    current_a = [ev_w / VOLTAGE_V for ev_w in trace.ev_w]
    assert max(current_a[:40]) == 0.0
    # One time constant after it starts drawing, a first-order lag has covered 1 - 1/e of the step.
    assert current_a[40 + 29] == pytest.approx(16 * (1 - math.exp(-1)))
    assert current_a[-1] == pytest.approx(16, rel=1e-2)


def test_the_grid_meter_holds_its_sample_until_the_next_and_arrives_after_its_delay() -> None:
    site = series([0.0] * 2, house_w=[1000.0, 2000.0])
    controller = Scripted({})
    plant = Plant(ONE_PHASE, INSTANT_CAR, meter_period_s=10, meter_delay_s=3)

    simulate(site, whole(site), plant, controller)

    seen = [
        (elapsed, site.grid_w, (site.updated_at - START).total_seconds())
        for elapsed, site, _ in controller.calls
        if site
    ]
    assert [elapsed for elapsed, _, _ in seen] == [float(second) for second in range(3, 120, 10)]
    assert all(elapsed - sampled == 3 for elapsed, _, sampled in seen)
    assert [grid_w for _, grid_w, _ in seen] == [1000.0] * 6 + [2000.0] * 6


def test_starts_setpoint_changes_and_phase_switches_are_counted() -> None:
    site = series([0.0] * 10)
    schedule = {
        0: (True, 6.0, 3),
        60: (True, 6.0, 3),  # unchanged: not a setpoint change
        120: (True, 10.0, 3),
        180: (False, 0.0, 3),
        240: (True, 8.0, 1),  # a start and a phase switch in one write
        300: (False, 0.0, 1),
        360: (True, 8.0, 1),
    }

    metrics = simulate(site, whole(site), Plant(SWITCHING, INSTANT_CAR), Scripted(schedule))

    assert metrics.starts == 3
    assert metrics.phase_switches == 1
    assert metrics.setpoint_changes == 6
    assert metrics.starts_per_day == 3  # one window is one day


def test_the_charger_rounds_down_to_its_resolution_and_clamps_to_its_range() -> None:
    site = series([0.0] * 3)
    trace = Trace(every_s=60)
    schedule = {0: (True, 7.9, 1), 60: (True, 4.0, 1), 120: (True, 40.0, 1)}

    simulate(site, whole(site), Plant(ChargerLimits(max_phases=1), INSTANT_CAR), Scripted(schedule), trace)

    assert [ev_w / VOLTAGE_V for ev_w in trace.ev_w] == pytest.approx([7.0, 6.0, 16.0])


@pytest.mark.parametrize(
    ("house_w", "limits", "over_fuse"),
    [(15_000.0, THREE_PHASE, True), (15_000.0, ONE_PHASE, True), (3_000.0, THREE_PHASE, False)],
)
def test_seconds_over_the_fuse_are_counted(house_w: float, limits: ChargerLimits, over_fuse: bool) -> None:
    # 15 kW spread over three phases is 21.7 A on each; the car's 16 A on top passes 25 A.
    site = series([0.0] * 5, house_w=house_w)

    metrics = simulate(site, whole(site), Plant(limits, INSTANT_CAR), ChargeNow(limits))

    assert metrics.fuse_seconds == (300 if over_fuse else 0)


def test_evcc_style_starts_after_a_minute_of_surplus_and_stops_after_three_minutes_without() -> None:
    site = series([0.0] + [3000.0] * 10 + [0.0] * 10, house_w=300.0)
    trace = Trace(every_s=1)

    metrics = simulate(site, whole(site), Plant(ONE_PHASE, INSTANT_CAR), EvccStyle(ONE_PHASE), trace)

    charging_s = [second for second, ev_w in zip(trace.seconds, trace.ev_w, strict=True) if ev_w > 0]
    assert metrics.starts == 1
    assert charging_s[0] == 60 + 60  # surplus from minute 1, enabled a minute later at its 30 s cycle
    assert charging_s[-1] == 11 * 60 + 180 - 1  # deficit from minute 11: held at minimum for 3 min, then off


def test_metrics_split_the_car_energy_into_surplus_and_import() -> None:
    metrics = Metrics(days=1)

    metrics.add_step(3600, pv_w=3000.0, house_w=1000.0, ev_w=2500.0)
    metrics.add_step(3600, pv_w=3000.0, house_w=1000.0, ev_w=1500.0)

    assert (metrics.surplus_wh, metrics.ev_wh, metrics.solar_ev_wh) == (4000.0, 4000.0, 3500.0)
    assert (metrics.ev_import_wh, metrics.wasted_wh, metrics.grid_import_wh) == (500.0, 500.0, 500.0)
    assert metrics.surplus_used == metrics.solar_share == 3500.0 / 4000.0


def test_the_oracle_in_whole_amps_uses_less_surplus_than_in_fine_steps_and_still_imports_nothing() -> None:
    site = series(VARYING_PV)

    def run(resolution_a: float) -> Metrics:
        limits = replace(THREE_PHASE, resolution_a=resolution_a)
        plant = Plant(limits, INSTANT_CAR, meter_period_s=10, step_s=10, phase_switch_pause_s=0.0)
        return simulate(site, whole(site), plant, InstantOracle(limits))

    fine, whole_amps = run(0.001), run(1.0)

    assert whole_amps.surplus_used < fine.surplus_used
    assert whole_amps.ev_import_wh == pytest.approx(0.0, abs=1e-6)
