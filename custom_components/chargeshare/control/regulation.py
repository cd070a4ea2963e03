"""The current that follows the surplus while charging: down at once, up with care.

evcc sets `current + surplus / (V x phases)` every 30 s, as if the car followed within one cycle and the
surplus stayed put; lagging cars and passing clouds make it overshoot and import. Here:

- The target is absolute: available power (measured car power minus grid, surplus.py) over the voltage
  and phases, so a car that lags behind its last setpoint does not make us add the same step twice.
- Down (asymmetric): as soon as the latest reading no longer affords the current, to what it affords.
- Up (cautious): only when the step gains at least `MIN_INCREASE_A` - a deadband: finer steps are not worth
  a write, and a surplus hovering around the current does not flip it up and down every interval - and by
  at most `RAMP_LIMIT_A` per write, so that one wrong reading can never swing the car across its range.
- Rounded down to the charger's steps: rounding to nearest would import up to half a step half the time.
"""

from __future__ import annotations

from .electric import STEP_SLACK, current_a, floor_to_step

MIN_INCREASE_A = 0.5
RAMP_LIMIT_A = 6.0


def follow_surplus(from_a: float, available_w: float, phases: int, step_a: float) -> float:
    """The current the surplus pays for, starting from `from_a` in effect; may lie outside the car's range."""
    affordable_a = floor_to_step(current_a(available_w, phases), step_a)
    if affordable_a < from_a:
        return affordable_a
    if affordable_a - from_a < max(step_a, MIN_INCREASE_A) - STEP_SLACK:
        return from_a
    return min(affordable_a, from_a + RAMP_LIMIT_A)
