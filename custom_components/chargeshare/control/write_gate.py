"""When a decision is sent to the charger: only when it changes something, and not too often.

Chargers keep setpoints in flash and cars need time to follow, so regulation writes (any change of current,
enable or phases made to follow the surplus, a schedule or a mode) are at least `min_write_interval_s` apart.
Until then the decision repeats what is in effect and its reason says when the change follows.

The exception are safety reductions, sent at once whatever the interval: the fuse, a silent meter, mode off,
an unplugged car and the stop of solar charging. They are only ever reductions - lower current or disabled,
never more current, enable or more phases - so the rule tests can state is: *a write within the interval of
the previous one never raises the current, never enables and never adds phases.* A target marked urgent
that is not a pure reduction waits like any other.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .model import ChargerReading, Decision
from .reasons import duration
from .target import Target

SAME_CURRENT_A = 1e-6


@dataclass(frozen=True, slots=True)
class Command:
    """What the charger was last told."""

    enabled: bool
    current_a: float
    phases: int


class WriteGate:
    """Remembers the last write and holds back regulation writes within the minimum interval."""

    def __init__(self) -> None:
        self._written: Command | None = None
        self._written_at: datetime | None = None

    def in_effect(self, charger: ChargerReading) -> Command:
        """Our last write; before any, what the charger reports."""
        if self._written is not None:
            return self._written
        return Command(charger.enabled, charger.offered_a if charger.enabled else 0.0, charger.phases)

    def decide(
        self, now: datetime, target: Target, *, surplus_w: float | None, interval_s: float, charger: ChargerReading
    ) -> Decision:
        in_effect = self.in_effect(charger)
        wanted = Command(target.enabled, target.current_a if target.enabled else 0.0, target.phases)
        if _same(wanted, in_effect):
            return _decision(wanted, target.reason, surplus_w, write=False)
        wait_s = self._wait_s(now, interval_s)
        if wait_s <= 0 or (target.urgent and _reduces(wanted, in_effect)):
            self._written, self._written_at = wanted, now
            return _decision(wanted, target.reason, surplus_w, write=True)
        return _decision(in_effect, f"{target.reason} (in {duration(wait_s)})", surplus_w, write=False)

    def _wait_s(self, now: datetime, interval_s: float) -> float:
        if self._written_at is None:
            return 0.0
        return interval_s - (now - self._written_at).total_seconds()


def _same(a: Command, b: Command) -> bool:
    return a.enabled == b.enabled and abs(a.current_a - b.current_a) < SAME_CURRENT_A and a.phases == b.phases


def _reduces(wanted: Command, in_effect: Command) -> bool:
    """Less or equal on every count: current, enable and phases."""
    if not wanted.enabled:
        return wanted.phases <= in_effect.phases
    return (
        in_effect.enabled
        and wanted.current_a <= in_effect.current_a + SAME_CURRENT_A
        and (wanted.phases <= in_effect.phases)
    )


def _decision(command: Command, reason: str, surplus_w: float | None, *, write: bool) -> Decision:
    return Decision(
        enabled=command.enabled,
        current_a=command.current_a if command.enabled else 0.0,
        phases=command.phases,
        reason=reason,
        surplus_w=surplus_w,
        write=write,
    )
