"""The plant of the solar benchmark: a house, a PV array, a grid meter, a charger and a car, in closed loop.

Pure Python and deterministic, so that tests run it without pvlib, pandas or matplotlib. The 1-minute PV and
house series are held constant within each minute (zero-order hold); the loop steps every `step_s` seconds.

Per step, in this order: the grid meter samples `grid = house + EV - PV` (+ = import) every
`meter_period_s`, and the controller sees the sample `meter_delay_s` later, together with the charger's reading
taken at the same instant; its decision reaches the charger only when `Decision.write` is true; then the car
moves towards what it is offered (start delay, first-order lag) and the metrics integrate the step.

Only plug-in windows are simulated: the car is away otherwise, and the EV adds nothing to the grid. When a window
ends the controller is told once that the car left, and the car's state is cleared.

Charger: it clamps an enabled current into [min_a, max_a] (IEC 61851 signals no charging below 6 A) and rounds
down to its resolution. A phase switch interrupts charging for `phase_switch_pause_s` plus the car's start delay.

Fuse: the house load and the PV inverter are both spread evenly over the three phases (the UCI data has only
the total, and a 10 kW inverter is three-phase); a single-phase car charges on L1. The current per phase at the
grid connection point is `(house - PV) / 3 / 230 V` plus the car's current on its phases.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
import math
from typing import Protocol

from bench.solar_metrics import Metrics
from custom_components.chargeshare.control.model import (
    VOLTAGE_V,
    ChargerLimits,
    ChargerReading,
    Decision,
    SiteReading,
)

# A phase counts as drawing above this current, as evcc counts active phases (solar.md §1.2).
CHARGING_THRESHOLD_A = 1.0
# The charger's current is rounded down to its resolution; this absorbs float noise such as 6.999999.
ROUNDING_SLACK = 1e-6


class ChargeController(Protocol):
    """What every controller in the benchmark offers: ChargeShare's Controller has this shape."""

    def update(self, now: datetime, site: SiteReading | None, charger: ChargerReading) -> Decision: ...


@dataclass(frozen=True, slots=True)
class Car:
    start_delay_s: float  # from being allowed to charge until it draws
    lag_s: float  # time constant of its first-order response to the offered current (0: instant)


@dataclass(frozen=True, slots=True)
class Plant:
    limits: ChargerLimits
    car: Car
    meter_period_s: int = 1
    meter_delay_s: int = 0
    step_s: int = 1
    phase_switch_pause_s: float = 10.0
    fuse_a: float = 25.0


@dataclass(frozen=True, slots=True)
class SiteSeries:
    """One value per minute from `start` (UTC): PV AC power and house load, in W."""

    start: datetime
    pv_w: Sequence[float]
    house_w: Sequence[float]


@dataclass(slots=True)
class Trace:
    """PV, house and EV power every `every_s` seconds, for plots."""

    every_s: int = 60
    seconds: list[int] = field(default_factory=list)
    pv_w: list[float] = field(default_factory=list)
    house_w: list[float] = field(default_factory=list)
    ev_w: list[float] = field(default_factory=list)


@dataclass(slots=True)
class _Charger:
    """The charger as the plant holds it, and the car behind it."""

    limits: ChargerLimits
    phases: int
    enabled: bool = False
    offered_a: float = 0.0
    car_a: float = 0.0  # what the car draws on each of its phases
    draws_from_s: float = math.inf  # the car draws from this time on (start delay, phase switch)

    def settle(self, current_a: float) -> float:
        """The current the charger puts into effect for a request: within its range, at its resolution."""
        bounded = min(max(current_a, self.limits.min_a), self.limits.max_a)
        steps = math.floor(bounded / self.limits.resolution_a + ROUNDING_SLACK)
        return steps * self.limits.resolution_a


def simulate(
    series: SiteSeries,
    windows: Sequence[tuple[int, int]],
    plant: Plant,
    controller: ChargeController,
    trace: Trace | None = None,
) -> Metrics:
    """Run `controller` over the plug-in `windows` (seconds from `series.start`, end excluded)."""
    metrics = Metrics(days=len(windows))
    charger = _Charger(limits=plant.limits, phases=plant.limits.max_phases)
    for window_start, window_end in windows:
        _run_window(
            window_start,
            window_end,
            series=series,
            plant=plant,
            controller=controller,
            charger=charger,
            metrics=metrics,
            trace=trace,
        )
    return metrics


def _run_window(
    window_start: int,
    window_end: int,
    *,
    series: SiteSeries,
    plant: Plant,
    controller: ChargeController,
    charger: _Charger,
    metrics: Metrics,
    trace: Trace | None,
) -> None:
    step_s = plant.step_s
    car = plant.car
    lag_factor = 1.0 if car.lag_s <= 0 else 1.0 - math.exp(-step_s / car.lag_s)
    start = series.start
    pv_series, house_series = series.pv_w, series.house_w
    # Samples in flight: (visible from, sampled at, grid W, PV W, phase currents, car current per phase).
    in_flight: deque[tuple[int, int, float, float, tuple[float, float, float], float]] = deque()

    if charger.enabled:  # still allowed from before: the car starts as it is plugged in
        metrics.starts += 1
        charger.draws_from_s = window_start + car.start_delay_s

    for now_s in range(window_start, window_end, step_s):
        minute = now_s // 60
        pv_w, house_w = pv_series[minute], house_series[minute]
        house_net_phase_a = (house_w - pv_w) / (3 * VOLTAGE_V)
        if now_s % plant.meter_period_s == 0:
            ev_w = charger.car_a * VOLTAGE_V * charger.phases
            in_flight.append(
                (
                    now_s + plant.meter_delay_s,
                    now_s,
                    house_w + ev_w - pv_w,
                    pv_w,
                    _phase_currents(house_net_phase_a, charger.car_a, charger.phases),
                    charger.car_a,
                )
            )
        latest = None
        while in_flight and in_flight[0][0] <= now_s:
            latest = in_flight.popleft()
        if latest is not None:
            _, sampled_s, grid_w, sampled_pv_w, phase_currents, sampled_car_a = latest
            site = SiteReading(
                grid_w=grid_w,
                updated_at=start + timedelta(seconds=sampled_s),
                pv_w=sampled_pv_w,
                phase_currents_a=phase_currents,
            )
            reading = _reading(charger, sampled_car_a, connected=True)
            decision = controller.update(start + timedelta(seconds=now_s), site, reading)
            if decision.write:
                _apply(decision, now_s, plant, charger, metrics)

        if not charger.enabled:
            charger.car_a = 0.0
        else:
            target_a = charger.offered_a if now_s >= charger.draws_from_s else 0.0
            charger.car_a += (target_a - charger.car_a) * lag_factor
        ev_w = charger.car_a * VOLTAGE_V * charger.phases
        metrics.add_step(step_s, pv_w=pv_w, house_w=house_w, ev_w=ev_w)
        worst_phase_a = abs(house_net_phase_a + charger.car_a)
        if charger.phases < 3:
            worst_phase_a = max(worst_phase_a, abs(house_net_phase_a))
        if worst_phase_a > plant.fuse_a:
            metrics.fuse_seconds += step_s
        if trace is not None and now_s % trace.every_s == 0:
            trace.seconds.append(now_s)
            trace.pv_w.append(pv_w)
            trace.house_w.append(house_w)
            trace.ev_w.append(ev_w)

    leaving = controller.update(start + timedelta(seconds=window_end), None, _reading(charger, 0.0, connected=False))
    if leaving.write:
        _apply(leaving, window_end, plant, charger, metrics)
    charger.car_a = 0.0
    charger.draws_from_s = math.inf


def _apply(decision: Decision, now_s: int, plant: Plant, charger: _Charger, metrics: Metrics) -> None:
    limits = plant.limits
    phases = charger.phases
    if limits.phase_switching and decision.phases in (1, 3) and decision.phases <= limits.max_phases:
        phases = decision.phases
    offered_a = charger.settle(decision.current_a) if decision.enabled else 0.0
    if (decision.enabled, offered_a, phases) == (charger.enabled, charger.offered_a, charger.phases):
        return
    metrics.setpoint_changes += 1
    if decision.enabled and not charger.enabled:
        metrics.starts += 1
        charger.draws_from_s = now_s + plant.car.start_delay_s
    if phases != charger.phases:
        metrics.phase_switches += 1
        charger.phases = phases
        charger.car_a = 0.0
        charger.draws_from_s = now_s + plant.phase_switch_pause_s + plant.car.start_delay_s
    charger.enabled = decision.enabled
    charger.offered_a = offered_a


def _phase_currents(house_net_phase_a: float, car_a: float, phases: int) -> tuple[float, float, float]:
    """Signed currents per phase at the grid connection point (+ = import); a 1-phase car is on L1."""
    with_car = house_net_phase_a + car_a
    return (with_car, with_car if phases == 3 else house_net_phase_a, with_car if phases == 3 else house_net_phase_a)


def _reading(charger: _Charger, car_a: float, *, connected: bool) -> ChargerReading:
    currents: tuple[float, float, float] = (
        car_a,
        car_a if charger.phases == 3 else 0.0,
        car_a if charger.phases == 3 else 0.0,
    )
    return ChargerReading(
        connected=connected,
        charging=connected and car_a > CHARGING_THRESHOLD_A,
        enabled=charger.enabled,
        offered_a=charger.offered_a,
        phases=charger.phases,
        currents_a=currents,
        power_w=car_a * VOLTAGE_V * charger.phases,
    )
