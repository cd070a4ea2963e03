"""The site's meters as the controller needs them: which entities (config entry options) and their readings.

A site has one grid connection point, so the inputs belong to the config entry, shared by its chargers.
Readings are converted to the controller's units and signs: W with + = import at the grid and
+ = discharging for the battery, A per phase, percent.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from homeassistant.const import ATTR_UNIT_OF_MEASUREMENT, STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import HomeAssistant, State

from .control.model import PriceKind, PriceSlot, SiteReading
from .control_prices import price_slots

CONF_SITE: Final = "site"  # the options key holding the inputs below
CONF_GRID_POWER: Final = "grid_power"
CONF_GRID_SIGN: Final = "grid_sign"
CONF_PV_POWER: Final = "pv_power"
CONF_BATTERY_POWER: Final = "battery_power"
CONF_BATTERY_SIGN: Final = "battery_sign"
CONF_BATTERY_SOC: Final = "battery_soc"
CONF_BATTERY_PRIORITY_SOC: Final = "battery_priority_soc"
CONF_PHASE_CURRENTS: Final = ("phase_l1", "phase_l2", "phase_l3")
CONF_FUSE: Final = "fuse"
CONF_PRICE: Final = "price"
CONF_PRICE_KIND: Final = "price_kind"

GRID_IMPORT: Final = "import"  # "positive means import", the controller's own sign
GRID_EXPORT: Final = "export"
BATTERY_DISCHARGE: Final = "discharge"  # "positive means discharging", the controller's own sign
BATTERY_CHARGE: Final = "charge"

POWER_UNITS: Final = {"W": 1.0, "kW": 1000.0}
CURRENT_UNITS: Final = {"A": 1.0, "mA": 0.001}
PERCENT_UNITS: Final = {"%": 1.0}


@dataclass(frozen=True, slots=True)
class SiteInputs:
    """The entities the controller reads, and how to read them."""

    grid_power: str | None = None
    grid_sign: float = 1.0  # multiplies a reading into + = import
    pv_power: str | None = None
    battery_power: str | None = None
    battery_sign: float = 1.0  # multiplies a reading into + = discharging
    battery_soc: str | None = None
    battery_priority_soc: float | None = None
    phase_currents: tuple[str, str, str] | None = None
    fuse_a: float | None = None
    price: str | None = None
    price_kind: PriceKind = PriceKind.PRICE

    @classmethod
    def from_options(cls, options: Mapping[str, Any]) -> SiteInputs:
        site: Mapping[str, Any] = options.get(CONF_SITE, {})
        phases: list[str] = [site[key] for key in CONF_PHASE_CURRENTS if site.get(key)]
        return cls(
            grid_power=site.get(CONF_GRID_POWER) or None,
            grid_sign=-1.0 if site.get(CONF_GRID_SIGN) == GRID_EXPORT else 1.0,
            pv_power=site.get(CONF_PV_POWER) or None,
            battery_power=site.get(CONF_BATTERY_POWER) or None,
            battery_sign=-1.0 if site.get(CONF_BATTERY_SIGN) == BATTERY_CHARGE else 1.0,
            battery_soc=site.get(CONF_BATTERY_SOC) or None,
            battery_priority_soc=_optional_float(site.get(CONF_BATTERY_PRIORITY_SOC)),
            phase_currents=(phases[0], phases[1], phases[2]) if len(phases) == 3 else None,
            fuse_a=_optional_float(site.get(CONF_FUSE)),
            price=site.get(CONF_PRICE) or None,
            price_kind=PriceKind(site.get(CONF_PRICE_KIND, PriceKind.PRICE)),
        )


def read_site(hass: HomeAssistant, inputs: SiteInputs) -> SiteReading | None:
    """The site now; None without a usable grid reading, so that the controller fails safe."""
    if inputs.grid_power is None:
        return None
    grid_state = hass.states.get(inputs.grid_power)
    grid = reading(grid_state, POWER_UNITS)
    if grid_state is None or grid is None:
        return None
    battery = reading(hass.states.get(inputs.battery_power), POWER_UNITS) if inputs.battery_power else None
    phases = None
    if inputs.phase_currents is not None:
        values = [reading(hass.states.get(entity_id), CURRENT_UNITS) for entity_id in inputs.phase_currents]
        # Load management needs all three: with one missing, the controller gets none and limits as it must.
        if all(value is not None for value in values):
            phases = (float(values[0] or 0), float(values[1] or 0), float(values[2] or 0))
    return SiteReading(
        grid_w=grid * inputs.grid_sign,
        updated_at=reported_at(grid_state),
        pv_w=reading(hass.states.get(inputs.pv_power), POWER_UNITS) if inputs.pv_power else None,
        battery_w=None if battery is None else battery * inputs.battery_sign,
        battery_soc=reading(hass.states.get(inputs.battery_soc), PERCENT_UNITS) if inputs.battery_soc else None,
        phase_currents_a=phases,
    )


def read_prices(hass: HomeAssistant, inputs: SiteInputs) -> tuple[PriceSlot, ...]:
    state = hass.states.get(inputs.price) if inputs.price else None
    return price_slots(state.attributes) if state is not None else ()


def reading(state: State | None, units: Mapping[str, float]) -> float | None:
    """A state's number in the first unit of `units`; None if unavailable, not a number, or in another unit.

    A state without a unit is taken to be in the first unit (template sensors often have none).
    """
    if state is None or state.state in (STATE_UNAVAILABLE, STATE_UNKNOWN):
        return None
    factor = units.get(state.attributes.get(ATTR_UNIT_OF_MEASUREMENT) or next(iter(units)))
    if factor is None:
        return None
    try:
        return float(state.state) * factor
    except ValueError:
        return None


def unit_accepted(state: State | None, units: Mapping[str, float]) -> bool:
    unit = state.attributes.get(ATTR_UNIT_OF_MEASUREMENT) if state is not None else None
    return not unit or unit in units


def reported_at(state: State) -> datetime:
    """When the meter last reported: `last_reported` (Home Assistant 2024.4+) counts an unchanged value too."""
    reported: datetime = getattr(state, "last_reported", state.last_updated)
    return reported


def _optional_float(value: Any) -> float | None:
    return None if value is None or value == "" else float(value)
