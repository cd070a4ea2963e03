"""A charger's sharing rules as the host sets them with its entities, stored with the entry.

The pure rules live in control/sharing.py; this is what the entities show and the store keeps: the windows
as the text the host typed (canonical form), and a surplus threshold of 0 meaning "no surplus rule".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any, Final

from .control.sharing import GuestPower, SharingRules, SurplusRule
from .control.sharing_windows import format_windows, parse_windows
from .stored_settings import restore_settings

GUEST_POWER_OPTIONS: Final = [power.value for power in GuestPower]


@dataclass(frozen=True, slots=True)
class SharingSettings:
    """What the host chose for one charger; a new installation does not share (as SharingRules says)."""

    enabled: bool = False
    windows: str = ""  # "mon-fri 08:00-18:00; sat,sun 00:00-24:00"; empty: at any hour
    min_surplus_w: float = 0.0  # 0: whatever the sun does
    surplus_minutes: float = 10.0
    guest_power: str = GuestPower.FIXED.value
    guest_current_a: float = 16.0

    def __post_init__(self) -> None:
        # Everything the rules would refuse is refused here, so a stored or entered value is always usable.
        self.rules()

    def rules(self) -> SharingRules:
        surplus = SurplusRule(self.min_surplus_w, self.surplus_minutes) if self.min_surplus_w > 0 else None
        return SharingRules(
            enabled=self.enabled,
            windows=parse_windows(self.windows),
            surplus=surplus,
            guest_power=GuestPower(self.guest_power),
            guest_current_a=self.guest_current_a,
        )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> SharingSettings:
        """The stored settings (see restore_settings)."""
        return restore_settings(cls(), data, _parse)


def canonical_windows(text: str) -> str:
    """The windows as format_windows writes them; ValueError (the parser's reason) if they cannot be read."""
    return format_windows(parse_windows(text))


def _parse(key: str, value: Any) -> Any:
    if key == "enabled":
        if not isinstance(value, bool):
            raise TypeError(key)
        return value
    if key == "windows":
        return canonical_windows(str(value))
    if key == "guest_power":
        return GuestPower(value).value
    if key not in SharingSettings.__dataclass_fields__:
        raise TypeError(key)
    return float(value)
