"""A charger's controller settings as the host sets them with its entities, stored with the entry.

`manual` is ours, not the controller's: the controller stays out and the current limit and charging allowed
entities work as they always have. Every other mode hands enable, current and phases to the controller.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import datetime, time, timedelta
from typing import Any, Final

from homeassistant.util import dt as dt_util

from .control.model import Mode, PhasePolicy, PriceSlot, Settings
from .control_site import SiteInputs
from .stored_settings import restore_settings

MANUAL: Final = "manual"
MODES: Final = (MANUAL, *(mode.value for mode in Mode))
# Without a grid meter there is no surplus to follow. Fast and scheduled charge at the maximum and need none
# (a fuse is only set together with the meters, and then the controller fails safe without them).
PHASE_POLICIES: Final = [policy.value for policy in PhasePolicy]
MODES_NEEDING_GRID: Final = frozenset({Mode.SOLAR.value, Mode.MIN_SOLAR.value})
_DEFAULTS = Settings()


@dataclass(frozen=True, slots=True)
class ControlSettings:
    """What the host chose for one charger; the defaults leave a new installation as it was."""

    mode: str = MANUAL
    min_current_a: float = _DEFAULTS.min_current_a
    max_current_a: float = _DEFAULTS.max_current_a
    enable_threshold_w: float = _DEFAULTS.enable_threshold_w
    disable_threshold_w: float = _DEFAULTS.disable_threshold_w
    target_energy_kwh: float | None = None
    departure: time | None = None  # local time of day
    phases: str = _DEFAULTS.phases.value  # where the charger can switch: auto, or always 1 or 3

    @property
    def controlled(self) -> bool:
        return self.mode != MANUAL

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["departure"] = self.departure.isoformat() if self.departure else None
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> ControlSettings:
        """The stored settings (see restore_settings)."""
        return restore_settings(cls(), data, _parse)

    def controller_settings(self, site: SiteInputs, prices: tuple[PriceSlot, ...], now: datetime) -> Settings:
        """The controller's settings for a controlled mode, from ours and the site's."""
        return Settings(
            mode=Mode(self.mode),
            phases=PhasePolicy(self.phases),
            min_current_a=self.min_current_a,
            max_current_a=self.max_current_a,
            enable_threshold_w=self.enable_threshold_w,
            disable_threshold_w=self.disable_threshold_w,
            fuse_a=site.fuse_a if site.phase_currents is not None else None,
            battery_priority_soc=site.battery_priority_soc,
            target_energy_kwh=self.target_energy_kwh,
            departure=next_departure(self.departure, now),
            prices=prices,
            price_kind=site.price_kind,
        )


def next_departure(departure: time | None, now: datetime) -> datetime | None:
    """The next time the clock shows `departure` (today or tomorrow, local time), in UTC."""
    if departure is None:
        return None
    local_now = dt_util.as_local(now)
    at = datetime.combine(local_now.date(), departure, tzinfo=local_now.tzinfo)
    if at <= local_now:
        at = datetime.combine(local_now.date() + timedelta(days=1), departure, tzinfo=local_now.tzinfo)
    return dt_util.as_utc(at)


def _parse(key: str, value: Any) -> Any:
    if key == "mode":
        if value not in MODES:
            raise ValueError(value)
        return value
    if key == "phases":
        return PhasePolicy(value).value
    if key == "departure":
        return None if value is None else time.fromisoformat(value)
    if key == "target_energy_kwh" and value is None:
        return None
    if key not in ControlSettings.__dataclass_fields__:
        raise TypeError(key)
    return float(value)
