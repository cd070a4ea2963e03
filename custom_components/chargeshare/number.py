"""Numbers: each charger's current limit, the controller's currents, thresholds and target energy, and sharing's."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from homeassistant.components.number import NumberDeviceClass, NumberEntity, NumberEntityDescription, NumberMode
from homeassistant.const import EntityCategory, UnitOfElectricCurrent, UnitOfEnergy, UnitOfPower, UnitOfTime
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.entity_platform import AddEntitiesCallback

from .charger import Capability, ChargerState
from .const import MIN_CURRENT
from .control_entity import ControlSettingEntity
from .control_settings import ControlSettings
from .coordinator import ChargerCoordinator
from .entity import ChargeShareEntity, async_add_charger_entities
from .runtime import ChargeShareConfigEntry
from .sharing_entity import SharingEntity

PARALLEL_UPDATES = 1
_MAX_THRESHOLD_W = 20000.0
_MAX_TARGET_KWH = 200.0
_MAX_SURPLUS_MINUTES = 240.0

CURRENT_LIMIT = NumberEntityDescription(
    key="current_limit",
    translation_key="current_limit",
    device_class=NumberDeviceClass.CURRENT,
    native_unit_of_measurement=UnitOfElectricCurrent.AMPERE,
    native_min_value=MIN_CURRENT,
    native_step=1,
    mode=NumberMode.SLIDER,
)


@dataclass(frozen=True, kw_only=True)
class ControlNumberDescription(NumberEntityDescription):
    """A controller setting: `setting` names its ControlSettings field."""

    setting: str
    value_fn: Callable[[ControlSettings], float | None]
    max_fn: Callable[[ChargerState], float] | None = None  # a maximum that depends on the charger


def _current(key: str, setting: str) -> ControlNumberDescription:
    return ControlNumberDescription(
        key=key,
        translation_key=key,
        setting=setting,
        value_fn=lambda settings: float(getattr(settings, setting)),
        max_fn=lambda state: state.max_current_a,
        device_class=NumberDeviceClass.CURRENT,
        native_unit_of_measurement=UnitOfElectricCurrent.AMPERE,
        native_min_value=MIN_CURRENT,
        native_step=1,
        mode=NumberMode.BOX,
        entity_category=EntityCategory.CONFIG,
    )


def _threshold(key: str, setting: str) -> ControlNumberDescription:
    return ControlNumberDescription(
        key=key,
        translation_key=key,
        setting=setting,
        value_fn=lambda settings: float(getattr(settings, setting)),
        device_class=NumberDeviceClass.POWER,
        native_unit_of_measurement=UnitOfPower.WATT,
        native_min_value=-_MAX_THRESHOLD_W,
        native_max_value=_MAX_THRESHOLD_W,
        native_step=50,
        mode=NumberMode.BOX,
        entity_category=EntityCategory.CONFIG,
    )


CONTROL_NUMBERS: tuple[ControlNumberDescription, ...] = (
    _current("min_current", "min_current_a"),
    _current("max_current", "max_current_a"),
    _threshold("enable_threshold", "enable_threshold_w"),
    _threshold("disable_threshold", "disable_threshold_w"),
    ControlNumberDescription(
        key="target_energy",
        translation_key="target_energy",
        setting="target_energy_kwh",
        value_fn=lambda settings: settings.target_energy_kwh,
        device_class=NumberDeviceClass.ENERGY,
        native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
        native_min_value=0,
        native_max_value=_MAX_TARGET_KWH,
        native_step=0.5,
        mode=NumberMode.BOX,
    ),
)


@dataclass(frozen=True, kw_only=True)
class SharingNumberDescription(NumberEntityDescription):
    """A sharing setting: `setting` names its SharingSettings field."""

    setting: str
    max_fn: Callable[[ChargerState], float] | None = None


SHARING_NUMBERS: tuple[SharingNumberDescription, ...] = (
    SharingNumberDescription(  # 0: no surplus rule
        key="sharing_min_surplus",
        translation_key="sharing_min_surplus",
        setting="min_surplus_w",
        device_class=NumberDeviceClass.POWER,
        native_unit_of_measurement=UnitOfPower.WATT,
        native_min_value=0,
        native_max_value=_MAX_THRESHOLD_W,
        native_step=50,
        mode=NumberMode.BOX,
        entity_category=EntityCategory.CONFIG,
    ),
    SharingNumberDescription(
        key="sharing_surplus_minutes",
        translation_key="sharing_surplus_minutes",
        setting="surplus_minutes",
        device_class=NumberDeviceClass.DURATION,
        native_unit_of_measurement=UnitOfTime.MINUTES,
        native_min_value=0,
        native_max_value=_MAX_SURPLUS_MINUTES,
        native_step=1,
        mode=NumberMode.BOX,
        entity_category=EntityCategory.CONFIG,
    ),
    SharingNumberDescription(
        key="guest_current",
        translation_key="guest_current",
        setting="guest_current_a",
        max_fn=lambda state: state.max_current_a,
        device_class=NumberDeviceClass.CURRENT,
        native_unit_of_measurement=UnitOfElectricCurrent.AMPERE,
        native_min_value=MIN_CURRENT,
        native_step=1,
        mode=NumberMode.BOX,
        entity_category=EntityCategory.CONFIG,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant, entry: ChargeShareConfigEntry, async_add_entities: AddEntitiesCallback
) -> None:
    def build(coordinator: ChargerCoordinator) -> list[Entity]:
        return [
            CurrentLimitNumber(coordinator, CURRENT_LIMIT),
            *(ControlNumber(coordinator, description) for description in CONTROL_NUMBERS),
            *(SharingNumber(coordinator, description) for description in SHARING_NUMBERS),
        ]

    async_add_charger_entities(hass, entry, async_add_entities, build)


class CurrentLimitNumber(ChargeShareEntity, NumberEntity):
    """The most current the car may draw per phase; written to the charger as a charging profile."""

    @property
    def available(self) -> bool:
        return super().available and Capability.SMART_CHARGING in self.coordinator.data.capabilities

    @property
    def native_max_value(self) -> float:
        return self.coordinator.data.max_current_a

    @property
    def native_value(self) -> float:
        state = self.coordinator.data
        return state.max_current_a if state.current_limit_a is None else state.current_limit_a

    def _shown(self) -> tuple[Any, ...]:
        return (*super()._shown(), self.native_max_value)

    async def async_set_native_value(self, value: float) -> None:
        charger = self.coordinator.charger
        await self.coordinator.async_command(lambda: charger.async_set_current(value))
        self.async_write_ha_state()


class ControlNumber(ControlSettingEntity, NumberEntity):
    entity_description: ControlNumberDescription

    @property
    def native_max_value(self) -> float:
        max_fn = self.entity_description.max_fn
        return max_fn(self.coordinator.data) if max_fn else super().native_max_value

    @property
    def native_value(self) -> float | None:
        return self.entity_description.value_fn(self.control.settings)

    def _shown(self) -> tuple[Any, ...]:
        return (*super()._shown(), self.native_max_value)

    async def async_set_native_value(self, value: float) -> None:
        await self.control.async_change(**{self.entity_description.setting: value})


class SharingNumber(SharingEntity, NumberEntity):
    entity_description: SharingNumberDescription

    @property
    def native_max_value(self) -> float:
        max_fn = self.entity_description.max_fn
        return max_fn(self.coordinator.data) if max_fn else super().native_max_value

    @property
    def native_value(self) -> float:
        return float(getattr(self.sharing.settings, self.entity_description.setting))

    def _shown(self) -> tuple[Any, ...]:
        return (*super()._shown(), self.native_max_value)

    async def async_set_native_value(self, value: float) -> None:
        self.sharing.change(**{self.entity_description.setting: value})
