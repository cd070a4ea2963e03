"""Modes `solar` and `min_solar`: start, follow and stop with the surplus.

- `solar` starts and stops with the surplus (hysteresis.py), follows it in between (regulation.py) and holds
  the minimum current while a stop delay runs.
- `min_solar` charges at least the minimum current whenever a car is plugged in, the surplus on top.

With phase switching (policy `auto`) a start picks the phases the surplus affords, and while charging on 3
phases only the 1-phase minimum counts for stopping: a 3-phase shortfall is the down switch's to cure
(phases.py), as evcc counts a running phase timer.
"""

from __future__ import annotations

from datetime import datetime

from .electric import CurrentRange, active_phases, power_w
from .hysteresis import StartStop
from .model import ChargerLimits, ChargerReading, Mode, Settings
from .phases import PhaseChoice, PhaseSelector, fixed_phases
from .reasons import amps, kilowatts
from .regulation import follow_surplus
from .target import Target
from .write_gate import Command


class SurplusCharging:
    """The state of surplus charging: the start/stop delays, and the phase selector it shares."""

    def __init__(self, phase_selector: PhaseSelector) -> None:
        self._start_stop = StartStop()
        self._phases = phase_selector

    def reset(self) -> None:
        """The car left, the mode changed or the meter went silent: delays start afresh."""
        self._start_stop.reset()

    def decide(
        self,
        now: datetime,
        *,
        available_w: float,
        charger: ChargerReading,
        in_effect: Command,
        settings: Settings,
        limits: ChargerLimits,
        rng: CurrentRange,
    ) -> Target:
        fixed = fixed_phases(settings, limits, charger)
        if not in_effect.enabled:
            return self._start(
                now,
                available_w=available_w,
                charger=charger,
                in_effect=in_effect,
                fixed=fixed,
                settings=settings,
                limits=limits,
                rng=rng,
            )
        if fixed is not None:
            choice = PhaseChoice(fixed)
        elif charger.charging:
            choice = self._phases.while_charging(
                now,
                available_w=available_w,
                in_effect=in_effect.phases,
                rng=rng,
                settings=settings,
                limits=limits,
            )
        else:
            choice = PhaseChoice(in_effect.phases)
        return self._follow(
            now,
            available_w=available_w,
            charger=charger,
            in_effect=in_effect,
            choice=choice,
            switching=fixed is None,
            settings=settings,
            rng=rng,
        )

    def _start(
        self,
        now: datetime,
        *,
        available_w: float,
        charger: ChargerReading,
        in_effect: Command,
        fixed: int | None,
        settings: Settings,
        limits: ChargerLimits,
        rng: CurrentRange,
    ) -> Target:
        phases = fixed
        if phases is None:
            phases = self._phases.for_start(
                now,
                available_w=available_w,
                in_effect=in_effect.phases,
                rng=rng,
                settings=settings,
                limits=limits,
            )
        current_a = rng.clamp(follow_surplus(rng.min_a, available_w, active_phases(charger, phases), rng.step_a))
        if settings.mode is Mode.MIN_SOLAR:
            return Target(True, current_a, phases, f"charging at {amps(current_a)}: minimum plus surplus")
        verdict = self._start_stop.check_start(now, available_w, power_w(rng.min_a, phases), settings)
        if not verdict.fire:
            return Target.stopped(in_effect.phases, verdict.reason)
        return Target(True, current_a, phases, verdict.reason)

    def _follow(
        self,
        now: datetime,
        *,
        available_w: float,
        charger: ChargerReading,
        in_effect: Command,
        choice: PhaseChoice,
        switching: bool,
        settings: Settings,
        rng: CurrentRange,
    ) -> Target:
        phases = choice.phases
        note = f"; {choice.note}" if choice.note else ""
        active = active_phases(charger, phases)
        # After a switch the current starts again from the minimum on the new phases.
        from_a = in_effect.current_a if phases == in_effect.phases else rng.min_a
        affordable_a = follow_surplus(from_a, available_w, active, rng.step_a)
        if affordable_a >= rng.min_a:
            self._start_stop.surplus_suffices()
            current_a = min(affordable_a, rng.max_a)
            return Target(True, current_a, phases, f"charging from surplus at {amps(current_a)}{note}")
        if settings.mode is Mode.MIN_SOLAR:
            surplus = kilowatts(max(0.0, available_w))
            return Target(
                True, rng.min_a, phases, f"charging at the minimum {amps(rng.min_a)}: {surplus} surplus{note}"
            )
        stop_phases = 1 if switching else active
        verdict = self._start_stop.check_stop(now, available_w, power_w(rng.min_a, stop_phases), settings)
        if verdict.fire:
            return Target.stopped(in_effect.phases, verdict.reason, urgent=True)
        return Target(True, rng.min_a, phases, f"{verdict.reason}{note}")
