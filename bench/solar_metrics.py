"""The solar benchmark's metrics, as defined in shared/reference/solar.md §5.3, integrated step by step.

S = max(0, PV - house) is the surplus the car could take; P_ev is what it draws. Energies are integrated over
the plug-in windows only (the plant simulates nothing else).
"""

from __future__ import annotations

from dataclasses import dataclass

SECONDS_PER_HOUR = 3600.0


@dataclass(slots=True)
class Metrics:
    days: int  # plug-in windows simulated: one a day
    plugged_s: float = 0.0
    surplus_wh: float = 0.0  # ∫ S
    ev_wh: float = 0.0  # ∫ P_ev
    solar_ev_wh: float = 0.0  # ∫ min(P_ev, S): surplus that went into the car
    ev_import_wh: float = 0.0  # ∫ max(0, P_ev - S): grid import the car caused
    wasted_wh: float = 0.0  # ∫ max(0, S - P_ev): exported while the car could have taken it
    grid_import_wh: float = 0.0  # ∫ max(0, grid): all import while plugged in, the house's included
    starts: int = 0  # the charger allowed to charge again (enable off -> on, or plugged in while on)
    setpoint_changes: int = 0  # writes that changed the charger's current, enable or phases
    phase_switches: int = 0
    fuse_seconds: float = 0.0  # time with any phase above the fuse at the grid connection point

    def add_step(self, step_s: float, *, pv_w: float, house_w: float, ev_w: float) -> None:
        surplus_w = max(0.0, pv_w - house_w)
        hours = step_s / SECONDS_PER_HOUR
        self.plugged_s += step_s
        self.surplus_wh += surplus_w * hours
        self.ev_wh += ev_w * hours
        self.solar_ev_wh += min(ev_w, surplus_w) * hours
        self.ev_import_wh += max(0.0, ev_w - surplus_w) * hours
        self.wasted_wh += max(0.0, surplus_w - ev_w) * hours
        self.grid_import_wh += max(0.0, house_w + ev_w - pv_w) * hours

    @property
    def surplus_used(self) -> float:
        """Share of the surplus that went into the car."""
        return self.solar_ev_wh / self.surplus_wh if self.surplus_wh else 0.0

    @property
    def solar_share(self) -> float:
        """Share of the car's energy that came from the surplus."""
        return self.solar_ev_wh / self.ev_wh if self.ev_wh else 0.0

    @property
    def starts_per_day(self) -> float:
        return self.starts / self.days if self.days else 0.0

    @property
    def phase_switches_per_day(self) -> float:
        return self.phase_switches / self.days if self.days else 0.0

    @property
    def setpoint_changes_per_hour(self) -> float:
        """Per hour plugged in."""
        return self.setpoint_changes * SECONDS_PER_HOUR / self.plugged_s if self.plugged_s else 0.0
