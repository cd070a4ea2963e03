"""How well ChargeShare's controller charges a car from solar surplus, against evcc-style, an oracle and charge-now.

A closed-loop simulation on a real month (shared/reference/solar.md §5): 1-minute irradiance of Payerne,
June 2016, as the AC power of a 10 kWp array, and the 1-minute load of a real household (bench/solar_data.py
says where both come from and how they are cited). Every controller runs on the same data, plug-in windows,
charger, car and meter (bench/solar_sim.py); the metrics are solar.md §5.3's (bench/solar_metrics.py).

Controllers, all behind the `update(now, site, charger) -> Decision` shape of ours:
- ours: custom_components.chargeshare.control.controller.Controller in solar mode, 25 A fuse given;
- evcc-style: evcc's solar mode re-expressed from its published algorithm (bench/solar_evcc.py);
- instant oracle: the surplus, clamped to the charger's power range, at every instant, on an ideal plant
  with fine current steps; and the same on the charger's own steps (what no import-free controller can beat);
- charge now: the maximum current whenever plugged in.

    ./scripts/setup bench
    .venv/bin/python -m bench.solar [--quick] [--plot PATH] [--controllers ours evcc-style ...]

It prints figures; it is not a test and asserts nothing.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from datetime import date, datetime, time as time_of_day, timedelta
import itertools
import multiprocessing
import os
from pathlib import Path
import platform
import tempfile
import time

from bench.solar_baselines import ChargeNow, InstantOracle
from bench.solar_data import LOCAL_TIME, SOURCES, load_site_series
from bench.solar_evcc import EvccStyle
from bench.solar_metrics import Metrics
from bench.solar_plot import plot_day
from bench.solar_report import CHARGE_NOW, EVCC_STYLE, ORACLE, ORACLE_CHARGER_STEPS, OURS, scenario_table
from bench.solar_sim import Car, ChargeController, Plant, SiteSeries, Trace, simulate
from custom_components.chargeshare.control.model import ChargerLimits, Mode, PhasePolicy, Settings

FUSE_A = 25.0
QUICK_DAYS = 3
# The system's temporary folder: a file to look at, nothing the repository keeps.
DEFAULT_PLOT = Path(tempfile.gettempdir()) / "chargeshare-bench" / "solar-cloudy-day.png"
NORMAL_CAR = Car(start_delay_s=15.0, lag_s=8.0)
LAGGING_CAR = Car(start_delay_s=40.0, lag_s=30.0)
ONE_PHASE = ChargerLimits(resolution_a=0.1, max_phases=1)
THREE_PHASE = ChargerLimits(resolution_a=1.0, max_phases=3)
SWITCHING = ChargerLimits(resolution_a=1.0, max_phases=3, phase_switching=True)
HOME_OFFICE = (time_of_day(8, 0), time_of_day(18, 0))
COMMUTER = (time_of_day(17, 30), time_of_day(7, 30))
# The oracles' plant: what they decide is what the car draws, within the 1-minute data's hold.
IDEAL_CAR = Car(start_delay_s=0.0, lag_s=0.0)
IDEAL_STEP_S = 10
FINE_STEP_A = 0.001


@dataclass(frozen=True, slots=True)
class Scenario:
    title: str
    plugged: tuple[time_of_day, time_of_day]  # local time; an end before the start is the next morning
    limits: ChargerLimits
    car: Car = NORMAL_CAR
    meter_period_s: int = 1

    def charger(self, controller: str) -> ChargerLimits:
        """The charger `controller` drives: the fine-step oracle's takes any current."""
        if controller == ORACLE:
            return replace(self.limits, resolution_a=FINE_STEP_A)
        return self.limits

    def plant(self, controller: str) -> Plant:
        limits = self.charger(controller)
        if controller in {ORACLE, ORACLE_CHARGER_STEPS}:
            return Plant(limits, IDEAL_CAR, IDEAL_STEP_S, step_s=IDEAL_STEP_S, phase_switch_pause_s=0.0)
        return Plant(limits, self.car, self.meter_period_s, fuse_a=FUSE_A)


SCENARIOS = (
    Scenario("Home office 08:00-18:00, 1p charger, 0.1 A steps", HOME_OFFICE, ONE_PHASE),
    Scenario("Home office 08:00-18:00, 3p charger, whole amps", HOME_OFFICE, THREE_PHASE),
    Scenario("Home office 08:00-18:00, 1p/3p charger, whole amps", HOME_OFFICE, SWITCHING),
    Scenario("Commuter 17:30-07:30, 1p/3p charger, whole amps", COMMUTER, SWITCHING),
    Scenario("Home office, 3p, a car that lags (start 40 s, τ 30 s)", HOME_OFFICE, THREE_PHASE, LAGGING_CAR),
    Scenario("Home office, 1p/3p, grid meter every 10 s", HOME_OFFICE, SWITCHING, meter_period_s=10),
)
PLOT_SCENARIO = SCENARIOS[2]  # 1p/3p: where the controllers differ most


def _ours(limits: ChargerLimits) -> ChargeController:
    # Imported here: the benchmark runs the references without it.
    from custom_components.chargeshare.control.controller import Controller

    fixed = PhasePolicy.ONE if limits.max_phases == 1 else PhasePolicy.THREE
    settings = Settings(
        mode=Mode.SOLAR,
        min_current_a=limits.min_a,
        max_current_a=limits.max_a,
        phases=PhasePolicy.AUTO if limits.phase_switching else fixed,
        fuse_a=FUSE_A,
    )
    return Controller(settings, limits)


CONTROLLERS: dict[str, Callable[[ChargerLimits], ChargeController]] = {
    ORACLE: InstantOracle,
    ORACLE_CHARGER_STEPS: InstantOracle,
    EVCC_STYLE: EvccStyle,
    OURS: _ours,
    CHARGE_NOW: ChargeNow,
}

_series: SiteSeries | None = None  # set in each worker process


def _init_worker(series: SiteSeries) -> None:
    global _series  # noqa: PLW0603  (one read-only copy per worker process, set once)
    _series = series


def _run(scenario: Scenario, controller: str, days: int) -> Metrics:
    assert _series is not None
    windows = plug_windows(_series, scenario.plugged, days)
    return simulate(_series, windows, scenario.plant(controller), CONTROLLERS[controller](scenario.charger(controller)))


def plug_windows(series: SiteSeries, plugged: tuple[time_of_day, time_of_day], days: int) -> list[tuple[int, int]]:
    """The first `days` daily windows (seconds from the series' start) that lie wholly inside the data."""
    data_end = series.start + timedelta(minutes=len(series.pv_w))
    first_day = series.start.astimezone(LOCAL_TIME).date()
    windows: list[tuple[int, int]] = []
    for day in (first_day + timedelta(days=offset) for offset in range(len(series.pv_w) // 1440 + 1)):
        start, end = _local_window(day, plugged)
        if series.start <= start and end <= data_end and len(windows) < days:
            windows.append((_seconds(series, start), _seconds(series, end)))
    return windows


def _local_window(day: date, plugged: tuple[time_of_day, time_of_day]) -> tuple[datetime, datetime]:
    start = datetime.combine(day, plugged[0], LOCAL_TIME)
    end_day = day + timedelta(days=1) if plugged[1] <= plugged[0] else day
    return start, datetime.combine(end_day, plugged[1], LOCAL_TIME)


def _seconds(series: SiteSeries, moment: datetime) -> int:
    return int((moment - series.start).total_seconds())


def cloudiest_window(series: SiteSeries, windows: Sequence[tuple[int, int]]) -> tuple[int, int]:
    """The window whose PV changes most from minute to minute: where tracking is hardest."""

    def variability(window: tuple[int, int]) -> float:
        pv = series.pv_w[window[0] // 60 : window[1] // 60]
        return sum(abs(later - earlier) for earlier, later in itertools.pairwise(pv))

    return max(windows, key=variability)


def _parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help=f"the first {QUICK_DAYS} days only")
    parser.add_argument("--plot", type=Path, default=DEFAULT_PLOT, help="where to save the cloudy day's PNG")
    parser.add_argument("--controllers", nargs="+", choices=list(CONTROLLERS), default=list(CONTROLLERS))
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    return parser.parse_args(argv)


def _available(controllers: Sequence[str]) -> list[str]:
    if OURS not in controllers:
        return list(controllers)
    try:
        from custom_components.chargeshare.control import controller  # noqa: F401
    except ImportError as err:
        print(f"Ours is left out: {err}")
        return [name for name in controllers if name != OURS]
    return list(controllers)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parse_args(argv)
    began = time.perf_counter()
    controllers = _available(args.controllers)
    series = load_site_series()
    loaded = time.perf_counter()
    days = QUICK_DAYS if args.quick else len(series.pv_w) // 1440
    jobs = [(scenario, name) for scenario in SCENARIOS for name in controllers]
    context = multiprocessing.get_context("fork")  # workers inherit the loaded modules
    with ProcessPoolExecutor(args.workers, context, initializer=_init_worker, initargs=(series,)) as pool:
        futures = [pool.submit(_run, scenario, name, days) for scenario, name in jobs]
        results = [future.result() for future in futures]
    simulated = time.perf_counter()

    print(f"Solar surplus benchmark: {days} days of June 2016, 10 kWp PV, {FUSE_A:.0f} A fuse per phase.")
    for source in SOURCES:
        print(f"  {source}")
    by_job = dict(zip(jobs, results, strict=True))
    for scenario in SCENARIOS:
        print()
        print(scenario_table(scenario.title, {name: by_job[scenario, name] for name in controllers}))

    _init_worker(series)
    plotted = [name for name in (EVCC_STYLE, OURS, ORACLE) if name in controllers]
    windows = plug_windows(series, PLOT_SCENARIO.plugged, days)
    day = cloudiest_window(series, windows)
    traces = {name: Trace(every_s=IDEAL_STEP_S) for name in plotted}
    for name, trace in traces.items():
        controller = CONTROLLERS[name](PLOT_SCENARIO.charger(name))
        simulate(series, [day], PLOT_SCENARIO.plant(name), controller, trace)
    day_label = (series.start + timedelta(seconds=day[0])).astimezone(LOCAL_TIME).date()
    plot_day(args.plot, f"{PLOT_SCENARIO.title}: {day_label}", series.start, LOCAL_TIME, traces)
    finished = time.perf_counter()

    print()
    print(f"Plot of the cloudiest day ({day_label}): {args.plot}")
    print(
        f"Runtime {finished - began:.1f} s (data {loaded - began:.1f} s, simulation {simulated - loaded:.1f} s "
        f"on {args.workers} workers, plot {finished - simulated:.1f} s); Python {platform.python_version()}, "
        f"{os.cpu_count()} cores."
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
