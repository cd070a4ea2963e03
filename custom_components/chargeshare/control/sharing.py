"""Sharing rules: whether the hub may offer the host's charger to guests now, and how a guest's car charges.

The host shares always, only in weekly windows (sharing_windows.py), only while there is enough solar
surplus, or windows and surplus together. `SharingEvaluator.update` answers in this order:

1. A guest session in progress stays available, whatever else changed: the window ending, the surplus
   dropping, even the switch. Switching sharing off stops new guests and bookings; it never ends a
   running guest session (the guest was promised the charge; the host can still stop it at the charger).
2. The switch off: not available.
3. Outside every window: not available until the next window starts (`next_change`).
4. A car plugged in that is not a guest's (the host's own): not available, "charger in use".
5. The surplus rule: available once the surplus has been at least `min_surplus_w` for `for_minutes`; from
   then on until it has been below for the off delay, so a passing cloud does not flap the hub's listing.
   No surplus reading (None) is not available: without a meter we cannot know the sun shines.

The surplus timer runs on every update, whatever the answer: a surplus that has lasted since before the
window opened, or before the switch went on, counts in full. `surplus_w` is what the controller reports as
available for a car (`Decision.surplus_w`), the car's own draw included, so a charging car does not eat the
surplus that keeps sharing open.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
import enum
import math
from zoneinfo import ZoneInfo

from .model import Mode, Settings
from .sharing_windows import SharingWindow, Weekday, period_at

# IEC 61851: the lowest current a charger may offer a car.
MIN_GUEST_CURRENT_A = 6.0

# The reason while a surplus rule has no reading: the caller may add why there is none.
NO_SURPLUS_READING = "no surplus reading"


class GuestPower(enum.StrEnum):
    FIXED = "fixed"  # a fixed current, whatever the sun does
    SOLAR = "solar"  # only from surplus, as the host's car in solar mode
    MIN_SOLAR = "min_solar"  # the minimum current at least, surplus on top


_GUEST_MODES = {GuestPower.FIXED: Mode.FAST, GuestPower.SOLAR: Mode.SOLAR, GuestPower.MIN_SOLAR: Mode.MIN_SOLAR}


@dataclass(frozen=True, slots=True)
class SurplusRule:
    """Share only while at least `min_surplus_w` has lasted `for_minutes`.

    Once shared, sharing stays open until the surplus has stayed below the threshold for `off_delay_minutes`
    (None: the same `for_minutes`).
    """

    min_surplus_w: float
    for_minutes: float
    off_delay_minutes: float | None = None

    def __post_init__(self) -> None:
        if self.for_minutes < 0 or (self.off_delay_minutes or 0) < 0:
            raise ValueError("surplus rule delays cannot be negative")

    @property
    def on_delay(self) -> timedelta:
        return timedelta(minutes=self.for_minutes)

    @property
    def off_delay(self) -> timedelta:
        return timedelta(minutes=self.for_minutes if self.off_delay_minutes is None else self.off_delay_minutes)


@dataclass(frozen=True, slots=True)
class SharingRules:
    """What the host chose; a new installation does not share until the host switches sharing on."""

    enabled: bool = False
    windows: tuple[SharingWindow, ...] = ()  # none: at any hour
    surplus: SurplusRule | None = None  # None: whatever the sun does
    guest_power: GuestPower = GuestPower.FIXED
    guest_current_a: float = 16.0  # per phase, for GuestPower.FIXED

    def __post_init__(self) -> None:
        if self.guest_current_a < MIN_GUEST_CURRENT_A:
            raise ValueError(f"a guest's fixed current must be at least {MIN_GUEST_CURRENT_A:g} A")


@dataclass(frozen=True, slots=True)
class GuestCharging:
    """How the controller charges a guest's car."""

    mode: Mode
    fixed_current_a: float | None  # Mode.FAST at this current; None: the surplus decides

    def apply(self, host_settings: Settings) -> Settings:
        """The host's controller settings with the guest's mode and current in place of the host's car's."""
        if self.fixed_current_a is None:
            return replace(host_settings, mode=self.mode)
        return replace(
            host_settings,
            mode=self.mode,
            max_current_a=self.fixed_current_a,
            min_current_a=min(host_settings.min_current_a, self.fixed_current_a),
        )


def guest_charging(rules: SharingRules) -> GuestCharging:
    fixed_current_a = rules.guest_current_a if rules.guest_power is GuestPower.FIXED else None
    return GuestCharging(_GUEST_MODES[rules.guest_power], fixed_current_a)


@dataclass(frozen=True, slots=True)
class Availability:
    """What the hub shows, and why in a few words for the host's dashboard."""

    available: bool
    reason: str  # "outside sharing hours: next Mon 08:00"
    # UTC: while available the end of the sharing window, while outside the windows the start of the next one.
    # None: not known (the surplus cannot be foreseen) or never.
    next_change: datetime | None = None


class _SurplusGate:
    """Opens once the surplus has held the threshold for the on delay; closes after the off delay below it."""

    def __init__(self, rule: SurplusRule) -> None:
        self.rule = rule
        self.open = False
        self.flip_pending_since: datetime | None = None  # when the surplus crossed to the side that flips `open`

    def update(self, now: datetime, surplus_w: float | None) -> None:
        if surplus_w is None:  # fail safe; a reading that comes back starts the wait over
            self.open, self.flip_pending_since = False, None
            return
        if (surplus_w >= self.rule.min_surplus_w) == self.open:
            self.flip_pending_since = None
            return
        # A clock that stepped back would otherwise hold the timer for as long as it stepped.
        if self.flip_pending_since is None or self.flip_pending_since > now:
            self.flip_pending_since = now
        if now - self.flip_pending_since >= (self.rule.off_delay if self.open else self.rule.on_delay):
            self.open, self.flip_pending_since = not self.open, None


class SharingEvaluator:
    """Applies one charger's sharing rules each update; keeps the surplus timer in between."""

    def __init__(self, rules: SharingRules, zone: ZoneInfo) -> None:
        self.zone = zone  # the host's: windows are local wall-clock times
        self._rules = rules
        self._gate = _SurplusGate(rules.surplus) if rules.surplus else None

    @property
    def rules(self) -> SharingRules:
        return self._rules

    def set_rules(self, rules: SharingRules) -> None:
        """New options: the surplus timer carries on unless the surplus rule itself changed."""
        if rules.surplus != self._rules.surplus:
            self._gate = _SurplusGate(rules.surplus) if rules.surplus else None
        self._rules = rules

    def update(
        self, now: datetime, surplus_w: float | None, charger_connected: bool, guest_session_active: bool
    ) -> Availability:
        """`charger_connected`: a car is plugged in (ChargerReading.connected), the guest's or another."""
        if now.tzinfo is None:
            raise ValueError("now must be timezone-aware")
        # Timer arithmetic in UTC: datetimes sharing a zoneinfo subtract by wall clock, wrong across DST.
        now = now.astimezone(UTC)
        gate = self._gate
        if gate:
            gate.update(now, surplus_w)
        if guest_session_active:
            if self._rules.enabled:
                return Availability(True, "guest session in progress")
            return Availability(True, "guest session in progress; sharing switched off for new guests")
        if not self._rules.enabled:
            return Availability(False, "sharing switched off")
        period = period_at(self._rules.windows, self.zone, now)
        if period.start > now:
            return Availability(False, f"outside sharing hours: next {self._weekday_time(period.start)}", period.start)
        if charger_connected:
            return Availability(False, "charger in use")
        until = f" until {self._weekday_time(period.end)}" if period.end else ""
        if not gate:
            return Availability(True, f"shared{until}", period.end)
        threshold = f"{gate.rule.min_surplus_w / 1000:.1f} kW"
        if surplus_w is None:
            return Availability(False, NO_SURPLUS_READING)
        if not gate.open:
            return Availability(False, f"waiting for {threshold} surplus for {gate.rule.for_minutes:g} min")
        if gate.flip_pending_since is None:
            return Availability(True, f"shared{until}: {threshold} surplus", period.end)
        below_minutes = math.floor((now - gate.flip_pending_since) / timedelta(minutes=1))
        off_minutes = gate.rule.off_delay / timedelta(minutes=1)
        reason = f"shared{until}: surplus below {threshold} for {below_minutes} of {off_minutes:g} min"
        return Availability(True, reason, period.end)

    def _weekday_time(self, moment: datetime) -> str:
        """ "Mon 08:00" in the host's time; English whatever the system locale, which %a would follow."""
        local = moment.astimezone(self.zone)
        return f"{Weekday(local.weekday()).name.title()} {local:%H:%M}"
