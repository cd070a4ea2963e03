"""The current that follows the surplus while charging: down at once, up with care.

evcc sets `current + surplus / (V x phases)` every 30 s, as if the car followed within one cycle and the
surplus stayed put; lagging cars and passing clouds make it overshoot and import. Here:

- The target is absolute: available power (measured car power minus grid, surplus.py) over the voltage
  and phases, so a car that lags behind its last setpoint does not make us add the same step twice.
- Down (asymmetric): as soon as the latest reading no longer affords the current, to what it affords.
- Up (cautious): only when the step gains at least `MIN_INCREASE_A` - a deadband: finer steps are not worth
  a write, and a surplus hovering around the current does not flip it up and down every interval - and by
  at most `RAMP_LIMIT_A` per write, so that one wrong reading can never swing the car across its range.
- Rounded to the charger's steps: down, unless the step is coarse and the surplus nearly pays for the next
  one (see `ROUND_UP_FROM`).
"""

from __future__ import annotations

import math

from .electric import STEP_SLACK, current_a

MIN_INCREASE_A = 0.5
RAMP_LIMIT_A = 6.0
# Rounding down wastes half a step on average while charging: 345 W at 1 A on 3 phases, more than evcc's
# whole gap to the oracle in surplus used. Where the surplus covers at least this share of the next step,
# the step's rest comes from the grid: in theory 1 Wh per 4+ Wh of surplus used; the surplus is noisy at
# the 30 s write scale, so less. Measured on the solar benchmark's month, 3p whole amps, stop delay share
# 0.3 (hysteresis.py), against rounding down (0.684 used, 12.3 kWh import): from 0.9 of a step 0.691,
# 12.9 kWh (12 Wh used per Wh imported); 0.8: 0.698, 14.1 (8:1); 0.7: 0.703, 15.9 (5:1); 0.6: 0.708, 18.7
# (4:1). 1p/3p moves alike (0.888, 9.8 kWh -> 0.895, 10.3 at 0.9; 0.902, 11.6 at 0.8). 0.9 keeps the import
# at half evcc's on 1p/3p chargers, where it counts most. Fine steps (0.1 A) round down.
ROUND_UP_FROM = 0.9
COARSE_STEP_A = 0.5  # whole and half amps; 0.1 A chargers waste only 11 W (1 phase) on average


def affordable_current_a(available_w: float, phases: int, step_a: float) -> float:
    """The current on the charger's steps that the surplus pays for (see the module's docstring)."""
    steps = current_a(available_w, phases) / step_a
    whole = math.floor(steps + STEP_SLACK)
    if step_a >= COARSE_STEP_A and steps - whole >= ROUND_UP_FROM - STEP_SLACK:
        whole += 1
    return round(whole * step_a, 6)


def follow_surplus(from_a: float, available_w: float, phases: int, step_a: float) -> float:
    """The current the surplus pays for, starting from `from_a` in effect; may lie outside the car's range."""
    affordable_a = affordable_current_a(available_w, phases, step_a)
    if affordable_a < from_a:
        return affordable_a
    if affordable_a - from_a < max(step_a, MIN_INCREASE_A) - STEP_SLACK:
        return from_a
    return min(affordable_a, from_a + RAMP_LIMIT_A)
