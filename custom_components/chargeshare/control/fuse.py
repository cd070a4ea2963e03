"""Load management: the charger's current never takes a phase at the grid connection point above the fuse.

The house's phase currents (site.phase_currents_a) include the charger's own: the rest of the house on a
phase is the site's current there less the charger's. The charger may then add up to `fuse - rest` on
every phase it uses. Without phase currents only the fuse itself bounds the charger.

A 1-phase charge is on the phase the charger draws on (L1 when it draws nothing yet), as wired.
Currents may be negative where PV exports on a phase: the car's current then first cancels the export.
"""

from __future__ import annotations

from .electric import ACTIVE_PHASE_A
from .model import ChargerReading, SiteReading


def charging_phase_indexes(charger: ChargerReading, phases: int) -> tuple[int, ...]:
    """Which of L1, L2, L3 a charge on `phases` phases uses."""
    if phases >= 3:
        return (0, 1, 2)
    loaded = max(range(3), key=lambda index: charger.currents_a[index])
    return (loaded,) if charger.currents_a[loaded] > ACTIVE_PHASE_A else (0,)


def fuse_headroom_a(fuse_a: float, site: SiteReading, charger: ChargerReading, phases: int) -> float:
    """The most the charger may draw per phase on `phases` phases without exceeding the fuse on any."""
    if site.phase_currents_a is None:
        return fuse_a
    return min(
        fuse_a - (site.phase_currents_a[index] - charger.currents_a[index])
        for index in charging_phase_indexes(charger, phases)
    )
