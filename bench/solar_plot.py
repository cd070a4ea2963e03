"""One day of the solar benchmark as a PNG: PV, house load, and the EV power each controller drew."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta, tzinfo
import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only: no display on a server or in CI

from matplotlib import pyplot as plt

from bench.solar_sim import Trace

KW = 1000.0
# Fixed per controller, apart from the PV (orange) and house (grey) lines, so that plots compare at a glance.
EV_COLOURS = ("tab:blue", "tab:green", "tab:purple", "tab:red")


def plot_day(path: Path, title: str, start: datetime, local_time: tzinfo, traces: Mapping[str, Trace]) -> None:
    """`traces` share one time base: PV and house load come from the first; EV power from each."""
    first = next(iter(traces.values()))
    local_times = [(start + timedelta(seconds=second)).astimezone(local_time) for second in first.seconds]
    midnight = local_times[0].replace(hour=0, minute=0, second=0, microsecond=0)
    times = [(moment - midnight).total_seconds() / 3600 for moment in local_times]  # hours: typed for matplotlib
    figure, axes = plt.subplots(figsize=(12, 5), dpi=120)
    surplus_kw = [max(0.0, pv - house) / KW for pv, house in zip(first.pv_w, first.house_w, strict=True)]
    axes.fill_between(times, surplus_kw, step="post", color="gold", alpha=0.35, label="surplus (PV - house)")
    axes.step(times, [pv / KW for pv in first.pv_w], where="post", color="orange", linewidth=0.8, label="PV")
    axes.step(times, [house / KW for house in first.house_w], where="post", color="grey", linewidth=0.8, label="house")
    for (name, trace), colour in zip(traces.items(), EV_COLOURS, strict=False):
        ev_kw = [ev / KW for ev in trace.ev_w]
        axes.step(times, ev_kw, where="post", color=colour, linewidth=1.1, label=f"EV: {name}")
    axes.set_title(title)
    axes.set_ylabel("kW")
    hours = range(math.floor(times[0]), math.ceil(times[-1]) + 1)
    axes.set_xticks(list(hours), [f"{hour % 24:02d}:00" for hour in hours])
    axes.set_xlabel(f"local time ({local_time})")
    axes.grid(alpha=0.3)
    axes.legend(loc="upper left", fontsize="small", ncols=2)
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path)
    plt.close(figure)
