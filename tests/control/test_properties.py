"""Properties that hold for any readings, any settings within reason and any call cadence (hypothesis).

Each example plays a random sequence of cycles through one controller and checks every decision:

- never above the fuse on a fresh meter with phase currents;
- never below the minimum current while enabled, never above the maximum, always on the charger's steps;
- mode off never enables;
- writes: a write sooner than `min_write_interval_s` after the previous one is a safety reduction: it never
  raises the current, never enables and never adds phases (write_gate.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from hypothesis import HealthCheck, given, settings as hypothesis_settings, strategies as st

from custom_components.chargeshare.control.controller import Controller
from custom_components.chargeshare.control.electric import CurrentRange
from custom_components.chargeshare.control.fuse import fuse_headroom_a
from custom_components.chargeshare.control.model import (
    VOLTAGE_V,
    ChargerLimits,
    ChargerReading,
    Decision,
    Mode,
    PhasePolicy,
    Settings,
    SiteReading,
)

from .drive import START

SLACK = 1e-6
PROPERTY_SETTINGS = hypothesis_settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@dataclass(frozen=True)
class Cycle:
    after_s: float  # since the previous cycle
    house_w: float
    pv_w: float
    house_phase_a: tuple[float, float, float]
    meter_age_s: float  # how old the grid reading is
    connected: bool


cycles = st.lists(
    st.builds(
        Cycle,
        after_s=st.sampled_from([1.0, 5.0, 10.0, 30.0, 61.0]) | st.floats(0.1, 120),
        house_w=st.floats(0, 12_000),
        pv_w=st.floats(0, 12_000),
        house_phase_a=st.tuples(st.floats(-20, 40), st.floats(-20, 40), st.floats(-20, 40)),
        meter_age_s=st.sampled_from([0.0, 0.0, 0.0, 5.0, 120.0]),
        connected=st.booleans() | st.just(True),
    ),
    min_size=1,
    max_size=60,
)

configurations = st.tuples(
    st.builds(
        Settings,
        mode=st.sampled_from(Mode),
        min_current_a=st.sampled_from([6.0, 6.5, 8.0]),
        max_current_a=st.sampled_from([10.0, 16.0, 32.0]),
        phases=st.sampled_from(PhasePolicy),
        fuse_a=st.sampled_from([None, 16.0, 25.0, 35.0]),
        min_write_interval_s=st.sampled_from([0.0, 10.0, 30.0, 120.0]),
        enable_delay_s=st.sampled_from([0.0, 60.0]),
        disable_delay_s=st.sampled_from([0.0, 180.0]),
        target_energy_kwh=st.sampled_from([None, 5.0, 40.0]),
        departure=st.sampled_from([None, START + timedelta(hours=2), START + timedelta(minutes=20)]),
    ),
    st.builds(
        ChargerLimits,
        max_a=st.sampled_from([16.0, 32.0]),
        resolution_a=st.sampled_from([1.0, 0.1, 0.001]),
        max_phases=st.sampled_from([1, 3]),
        phase_switching=st.booleans(),
    ),
)


def play(
    settings: Settings, limits: ChargerLimits, steps: list[Cycle]
) -> list[tuple[Cycle, SiteReading, ChargerReading, Decision]]:
    """Run the cycles with a charger that applies every write at once and a car that draws what it may."""
    controller = Controller(settings, limits)
    enabled, current_a, phases = False, 0.0, limits.max_phases
    now = START
    played = []
    for step in steps:
        now += timedelta(seconds=step.after_s)
        car_a = current_a if enabled and step.connected else 0.0
        car_currents = tuple(car_a if index < phases else 0.0 for index in range(3))
        charger = ChargerReading(
            connected=step.connected,
            charging=car_a > 1,
            enabled=enabled,
            offered_a=current_a,
            phases=phases,
            currents_a=car_currents,  # type: ignore[arg-type]
            power_w=car_a * VOLTAGE_V * phases,
        )
        site_phase_a = tuple(house + car for house, car in zip(step.house_phase_a, car_currents, strict=True))
        site = SiteReading(
            grid_w=step.house_w + car_a * VOLTAGE_V * phases - step.pv_w,
            updated_at=now - timedelta(seconds=step.meter_age_s),
            pv_w=step.pv_w,
            phase_currents_a=site_phase_a,  # type: ignore[arg-type]
        )
        decision = controller.update(now, site, charger)
        played.append((step, site, charger, decision))
        if decision.write:
            enabled, current_a, phases = decision.enabled, decision.current_a, decision.phases
    return played


@PROPERTY_SETTINGS
@given(configurations, cycles)
def test_never_above_the_fuse(configuration: tuple[Settings, ChargerLimits], steps: list[Cycle]) -> None:
    settings, limits = configuration
    for step, site, charger, decision in play(settings, limits, steps):
        if settings.fuse_a is None or not decision.enabled or step.meter_age_s > settings.meter_timeout_s:
            continue
        assert decision.current_a <= fuse_headroom_a(settings.fuse_a, site, charger, decision.phases) + SLACK


@PROPERTY_SETTINGS
@given(configurations, cycles)
def test_within_the_current_range_on_the_chargers_steps(
    configuration: tuple[Settings, ChargerLimits], steps: list[Cycle]
) -> None:
    settings, limits = configuration
    current_range = CurrentRange.of(settings, limits)
    for _, _, _, decision in play(settings, limits, steps):
        if not decision.enabled:
            assert decision.current_a == 0.0
            continue
        assert current_range is not None
        assert current_range.min_a - SLACK <= decision.current_a <= current_range.max_a + SLACK
        steps_count = decision.current_a / limits.resolution_a
        assert abs(steps_count - round(steps_count)) < SLACK * 1000


@PROPERTY_SETTINGS
@given(configurations, cycles)
def test_off_means_off(configuration: tuple[Settings, ChargerLimits], steps: list[Cycle]) -> None:
    settings, limits = configuration
    off = Settings(mode=Mode.OFF, fuse_a=settings.fuse_a)
    assert not any(decision.enabled for *_, decision in play(off, limits, steps))


@PROPERTY_SETTINGS
@given(configurations, cycles)
def test_writes_within_the_interval_only_reduce(
    configuration: tuple[Settings, ChargerLimits], steps: list[Cycle]
) -> None:
    settings, limits = configuration
    last_write: Decision | None = None
    elapsed_s = 0.0
    for step, _, _, decision in play(settings, limits, steps):
        elapsed_s += step.after_s
        if not decision.write:
            continue
        if last_write is not None and elapsed_s < settings.min_write_interval_s:
            assert not decision.enabled or (
                last_write.enabled
                and decision.current_a <= last_write.current_a + SLACK
                and decision.phases <= last_write.phases
            )
        last_write, elapsed_s = decision, 0.0
