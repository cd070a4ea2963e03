"""The solar benchmark's printed results: a Markdown table per scenario, our ratios to evcc-style, the aims."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
import math

from bench.solar_metrics import Metrics

OURS, EVCC_STYLE, CHARGE_NOW = "ours", "evcc-style", "charge now"
ORACLE, ORACLE_CHARGER_STEPS = "instant oracle", "oracle, charger's steps"

# The aims for ours, relative to evcc-style on the same data.
MAX_IMPORT_RATIO = 0.5
MIN_GAP_CLOSED = 0.5
# Where the oracle leads evcc-style by less than this share of the surplus, there is no gap to close: the
# oracle charges nothing below the minimum power, while a controller holding the minimum also uses some.
MIN_ORACLE_LEAD = 0.01
USED_TOLERANCE = 1e-9

_HEADER = (
    "| controller | EV kWh | surplus used | solar share | EV grid import kWh | wasted export kWh "
    "| starts/day | setpoint changes/h | phase switches/day | s over fuse |"
)
_RULE = "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"


@dataclass(frozen=True, slots=True)
class Aims:
    import_ratio: float | None  # ours / evcc-style EV grid import (None: neither imported anything)
    gap_closed: float | None  # share of the oracle's lead over evcc-style in surplus used that ours closes
    # (None: the oracle hardly leads)
    starts_ratio: float | None
    fuse_seconds: float
    used: float  # ours
    used_aimed: float  # the surplus used that closes half the gap
    # What an instant oracle that never imports uses in the charger's own current steps (None: not run).
    # Above it, the aim can only be bought with grid import (rounding up, holding the minimum).
    used_bound: float | None

    @property
    def import_met(self) -> bool:
        return self.import_ratio is None or self.import_ratio <= MAX_IMPORT_RATIO

    @property
    def gap_met(self) -> bool:
        # Without a gap to close the aim is still not to use less surplus than evcc-style.
        return self.used >= self.used_aimed - USED_TOLERANCE

    @property
    def starts_met(self) -> bool:
        return self.starts_ratio is None or self.starts_ratio <= 1.0

    @property
    def fuse_met(self) -> bool:
        return self.fuse_seconds == 0


def compare(results: Mapping[str, Metrics]) -> Aims | None:
    """Our figures against evcc-style and the oracle; None when ours or a reference did not run."""
    if not {OURS, EVCC_STYLE, ORACLE} <= results.keys():
        return None
    ours, evcc, oracle = results[OURS], results[EVCC_STYLE], results[ORACLE]
    gap = oracle.surplus_used - evcc.surplus_used
    return Aims(
        import_ratio=_ratio(ours.ev_import_wh, evcc.ev_import_wh),
        gap_closed=(ours.surplus_used - evcc.surplus_used) / gap if gap >= MIN_ORACLE_LEAD else None,
        starts_ratio=_ratio(ours.starts, evcc.starts),
        fuse_seconds=ours.fuse_seconds,
        used=ours.surplus_used,
        used_aimed=evcc.surplus_used + MIN_GAP_CLOSED * max(gap, 0.0),
        used_bound=results[ORACLE_CHARGER_STEPS].surplus_used if ORACLE_CHARGER_STEPS in results else None,
    )


def scenario_table(title: str, results: Mapping[str, Metrics]) -> str:
    first = next(iter(results.values()))
    lines = [
        f"#### {title}",
        "",
        f"{first.days} days, surplus while plugged in {first.surplus_wh / 1000:.1f} kWh.",
        "",
        _HEADER,
        _RULE,
    ]
    lines += [_row(name, metrics) for name, metrics in results.items()]
    aims = compare(results)
    if aims is not None:
        lines += ["", _aims_line(aims)]
    return "\n".join(lines)


def _row(name: str, metrics: Metrics) -> str:
    cells = (
        name,
        f"{metrics.ev_wh / 1000:.1f}",
        f"{metrics.surplus_used:.3f}",
        f"{metrics.solar_share:.3f}",
        f"{metrics.ev_import_wh / 1000:.1f}",
        f"{metrics.wasted_wh / 1000:.1f}",
        f"{metrics.starts_per_day:.1f}",
        f"{metrics.setpoint_changes_per_hour:.1f}",
        f"{metrics.phase_switches_per_day:.1f}",
        f"{metrics.fuse_seconds:.0f}",
    )
    return "| " + " | ".join(cells) + " |"


def _aims_line(aims: Aims) -> str:
    parts = (
        f"EV grid import {_show(aims.import_ratio)} (aim ≤ {MAX_IMPORT_RATIO}: {_verdict(aims.import_met)})",
        f"gap to the oracle in surplus used closed {_show(aims.gap_closed)} "
        f"(aim ≥ {MIN_GAP_CLOSED}: {_verdict(aims.gap_met)})",
        f"starts {_show(aims.starts_ratio)} (aim ≤ 1: {_verdict(aims.starts_met)})",
        f"{aims.fuse_seconds:.0f} s over the fuse (aim 0: {_verdict(aims.fuse_met)})",
    )
    line = "Ours / evcc-style: " + "; ".join(parts) + "."
    if aims.used_bound is not None:
        line += (
            f" The aim in surplus used is {aims.used_aimed:.3f}; an instant oracle in the charger's steps, "
            f"which never imports, uses {aims.used_bound:.3f}."
        )
    return line


def _ratio(ours: float, reference: float) -> float | None:
    if reference:
        return ours / reference
    return math.inf if ours else None


def _show(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def _verdict(met: bool) -> str:
    return "met" if met else "**missed**"
