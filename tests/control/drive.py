"""Builders for readings over time and a loop that plays them through a controller: the tables' vocabulary."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from custom_components.chargeshare.control.controller import Controller
from custom_components.chargeshare.control.model import (
    VOLTAGE_V,
    ChargerLimits,
    ChargerReading,
    Decision,
    Settings,
    SiteReading,
)

START = datetime(2026, 6, 1, 10, 0, tzinfo=UTC)


def at(seconds: float) -> datetime:
    return START + timedelta(seconds=seconds)


def site(grid_w: float, seconds: float, **fields: object) -> SiteReading:
    """A fresh grid reading taken at `seconds`."""
    return SiteReading(grid_w=grid_w, updated_at=at(seconds), **fields)  # type: ignore[arg-type]


def charger_drawing(current_a: float = 0.0, phases: int = 1, *, enabled: bool | None = None) -> ChargerReading:
    """A plugged-in car drawing `current_a` on each of `phases` phases."""
    currents = tuple(current_a if index < phases else 0.0 for index in range(3))
    return ChargerReading(
        connected=True,
        charging=current_a > 1.0,
        enabled=current_a > 0 if enabled is None else enabled,
        offered_a=current_a,
        phases=phases,
        currents_a=currents,  # type: ignore[arg-type]
        power_w=current_a * VOLTAGE_V * phases,
    )


UNPLUGGED = ChargerReading(connected=False, charging=False, enabled=False, offered_a=0.0, phases=1)


@dataclass
class Plant:
    """A car that draws at once what it is offered, and a site whose surplus the test sets each step.

    `surplus_w` is PV minus the house: the grid then reads the car's draw less that.
    """

    controller: Controller
    phases: int = 1
    enabled: bool = False
    current_a: float = 0.0

    def step(self, seconds: float, surplus_w: float, **site_fields: object) -> Decision:
        car_w = self.current_a * VOLTAGE_V * self.phases if self.enabled else 0.0
        charger = charger_drawing(self.current_a if self.enabled else 0.0, self.phases, enabled=self.enabled)
        decision = self.controller.update(at(seconds), site(car_w - surplus_w, seconds, **site_fields), charger)
        if decision.write:
            self.enabled, self.current_a, self.phases = decision.enabled, decision.current_a, decision.phases
        return decision

    def run(self, surplus_w: float, seconds: Iterable[float], **site_fields: object) -> list[Decision]:
        return [self.step(moment, surplus_w, **site_fields) for moment in seconds]


def plant(settings: Settings | None = None, limits: ChargerLimits | None = None, **charger_state: object) -> Plant:
    controller = Controller(settings or Settings(), limits or ChargerLimits(max_phases=1))
    return replace(Plant(controller), **charger_state)  # type: ignore[arg-type]


def every(step_s: float, until_s: float, start_s: float = 0.0) -> list[float]:
    """The cycle times from `start_s` to `until_s` inclusive."""
    count = int((until_s - start_s) / step_s)
    return [start_s + index * step_s for index in range(count + 1)]
