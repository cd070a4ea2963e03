"""The charging controller: one decision per cycle from the meters, the charger and the host's settings.

Order of precedence, each step able to end the cycle:

1. No car, mode off, or no current both the host and the charger accept: disabled, written at once.
2. A silent meter (no reading, or older than `meter_timeout_s`): fail safe. Nothing is raised without
   knowing the grid and the fuse: solar charging pauses (it has no surplus to go by), a charge that needs
   the meter (min+solar always, fast and scheduled when a fuse is set) drops to the minimum current, and
   nothing starts.
3. The mode's target: fast, scheduled (schedule.py), solar or min+solar (surplus_charging.py).
4. The fuse (fuse.py) caps it; a charge already over the fuse is cut at once on the phases in effect.
5. The write gate (write_gate.py) sends it now, or holds a regulation change until the interval allows.

The host may replace `settings` and `limits` between cycles; every cycle reads them afresh. The caller may
call at any cadence: every delay counts the clock it is given, not calls.
"""

from __future__ import annotations

from datetime import datetime

from .electric import STEP_SLACK, CurrentRange, car_power_w, floor_to_step, power_w
from .fuse import fuse_headroom_a
from .model import ChargerLimits, ChargerReading, Decision, Mode, Settings, SiteReading
from .phases import PhaseSelector, fixed_phases
from .reasons import amps, duration
from .schedule import plan_charging
from .surplus import available_power_w
from .surplus_charging import SurplusCharging
from .target import Target
from .write_gate import Command, WriteGate


class Controller:
    """Decides, every cycle, whether and how fast the car charges. Pure: the caller supplies the clock."""

    def __init__(self, settings: Settings, limits: ChargerLimits) -> None:
        self.settings = settings
        self.limits = limits
        self._phases = PhaseSelector()
        self._surplus_charging = SurplusCharging(self._phases)
        self._gate = WriteGate()
        self._mode: Mode | None = None

    def update(self, now: datetime, site: SiteReading | None, charger: ChargerReading) -> Decision:
        """The decision for this cycle; send it to the charger when `write` is true."""
        settings = self.settings
        if settings.mode is not self._mode:
            self._surplus_charging.reset()
            self._mode = settings.mode
        fresh = site if site is not None and _age_s(now, site) <= settings.meter_timeout_s else None
        available_w = None if fresh is None else available_power_w(fresh, car_power_w(charger), settings)
        in_effect = self._gate.in_effect(charger)
        target = self._target(now, site, available_w, charger, in_effect)
        if fresh is not None:
            target = self._within_fuse(target, fresh, charger, in_effect)
        decision = self._gate.decide(
            now, target, surplus_w=available_w, interval_s=settings.min_write_interval_s, charger=charger
        )
        self._phases.observe(now, decision.phases)
        return decision

    def _target(
        self,
        now: datetime,
        site: SiteReading | None,
        available_w: float | None,
        charger: ChargerReading,
        in_effect: Command,
    ) -> Target:
        settings = self.settings
        rng = CurrentRange.of(settings, self.limits)
        if not charger.connected:
            self._surplus_charging.reset()
            self._phases.reset()
            return Target.stopped(in_effect.phases, "no car connected", urgent=True)
        if settings.mode is Mode.OFF:
            return Target.stopped(in_effect.phases, "off", urgent=True)
        if rng is None:
            return Target.stopped(in_effect.phases, "the minimum current is above the maximum", urgent=True)
        if settings.mode is Mode.FAST or settings.mode is Mode.SCHEDULED:
            if settings.mode is Mode.FAST:
                target = self._fast(now, charger, rng)
            else:
                target = self._scheduled(now, charger, in_effect, rng)
            if available_w is None and settings.fuse_a is not None and target.enabled:
                return _meter_silent(now, site, in_effect, rng, pause=False)
            return target
        if available_w is None:
            self._surplus_charging.reset()
            return _meter_silent(now, site, in_effect, rng, pause=settings.mode is Mode.SOLAR)
        return self._surplus_charging.decide(
            now,
            available_w=available_w,
            charger=charger,
            in_effect=in_effect,
            settings=settings,
            limits=self.limits,
            rng=rng,
        )

    def _fast(self, now: datetime, charger: ChargerReading, rng: CurrentRange) -> Target:
        """As fast as the charger and the fuse allow, on all phases where the policy lets it switch."""
        phases = self._full_power_phases(now, charger)
        return Target(True, rng.max_a, phases, f"fast charging at {amps(rng.max_a)}")

    def _full_power_phases(self, now: datetime, charger: ChargerReading) -> int:
        fixed = fixed_phases(self.settings, self.limits, charger)
        if fixed is not None:
            return fixed
        return charger.phases if self._phases.pausing(now, self.limits) else 3

    def _scheduled(self, now: datetime, charger: ChargerReading, in_effect: Command, rng: CurrentRange) -> Target:
        """Full power in the planned windows, nothing outside them."""
        settings = self.settings
        if settings.target_energy_kwh is None or settings.departure is None:
            return Target.stopped(in_effect.phases, "scheduled: set a target energy and a departure")
        missing_kwh = settings.target_energy_kwh - charger.session_energy_kwh
        if missing_kwh <= 0:
            return Target.stopped(in_effect.phases, f"target of {settings.target_energy_kwh:.1f} kWh reached")
        phases = self._full_power_phases(now, charger)
        plan = plan_charging(
            now,
            settings.departure,
            missing_kwh,
            power_w(rng.max_a, phases),
            prices=settings.prices,
            kind=settings.price_kind,
        )
        if plan.charging_at(now):
            return Target(
                True, rng.max_a, phases, f"{plan.describe(settings.departure)}: charging at {amps(rng.max_a)}"
            )
        return Target.stopped(in_effect.phases, plan.describe(settings.departure))

    def _within_fuse(self, target: Target, fresh: SiteReading, charger: ChargerReading, in_effect: Command) -> Target:
        """Cap the target at the fuse; cut a charge that is over it at once, on the phases it uses."""
        fuse_a = self.settings.fuse_a
        rng = CurrentRange.of(self.settings, self.limits)
        if fuse_a is None or rng is None or not target.enabled:
            return target
        if in_effect.enabled:
            headroom_a = fuse_headroom_a(fuse_a, fresh, charger, in_effect.phases)
            if in_effect.current_a > headroom_a + STEP_SLACK:
                return _fuse_limited(in_effect.phases, headroom_a, fuse_a, rng)
        headroom_a = fuse_headroom_a(fuse_a, fresh, charger, target.phases)
        if target.current_a <= headroom_a + STEP_SLACK:
            return target
        return _fuse_limited(target.phases, headroom_a, fuse_a, rng)


def _fuse_limited(phases: int, headroom_a: float, fuse_a: float, rng: CurrentRange) -> Target:
    allowed_a = floor_to_step(headroom_a, rng.step_a)
    if allowed_a < rng.min_a:
        return Target.stopped(
            phases, f"paused: the {amps(fuse_a)} fuse leaves {amps(max(0.0, headroom_a))}", urgent=True
        )
    return Target(True, min(allowed_a, rng.max_a), phases, f"limited by the {amps(fuse_a)} fuse", urgent=True)


def _meter_silent(
    now: datetime, site: SiteReading | None, in_effect: Command, rng: CurrentRange, *, pause: bool
) -> Target:
    """Fail safe without a fresh meter: pause solar charging, else hold the minimum; never start or raise."""
    silence = "no meter reading" if site is None else f"meter silent for {duration(_age_s(now, site))}"
    if pause or not in_effect.enabled:
        return Target.stopped(in_effect.phases, f"{silence}: paused", urgent=True)
    return Target(True, rng.min_a, in_effect.phases, f"{silence}: holding {amps(rng.min_a)}", urgent=True)


def _age_s(now: datetime, site: SiteReading) -> float:
    return (now - site.updated_at).total_seconds()
