"""What a mode wants the charger to do this cycle, before the write gate decides whether to send it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Target:
    """A wanted setting, its reason, and whether it is a safety reduction (sent at once)."""

    enabled: bool
    current_a: float  # 0 when not enabled
    phases: int
    reason: str
    urgent: bool = False  # fuse, silent meter, mode off, unplugged, a solar stop: see write_gate.py

    @classmethod
    def stopped(cls, phases: int, reason: str, *, urgent: bool = False) -> Target:
        return cls(enabled=False, current_a=0.0, phases=phases, reason=reason, urgent=urgent)
