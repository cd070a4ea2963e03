"""Sensors: status, meter, session and identification of each charger, its controller's decision, its sharing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import (
    EntityCategory,
    UnitOfElectricCurrent,
    UnitOfElectricPotential,
    UnitOfEnergy,
    UnitOfPower,
    UnitOfTime,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddEntitiesCallback
from homeassistant.helpers.typing import StateType
from homeassistant.util import dt as dt_util

from .booking_sensors import NextBookingSensor, todays_earnings
from .charger import Capability, ChargerState, ChargerStatus, ConnectorStatus, Phases
from .control.model import Decision
from .control.sharing import Availability
from .control_entity import ControlEntity
from .coordinator import ChargerCoordinator
from .entity import ChargeShareEntity, async_add_charger_entities, supported
from .hub_link.bookings_book import async_booking_book
from .hub_link.entry import is_hub_link
from .runtime import ChargeShareConfigEntry
from .sharing_entity import SharingEntity

PARALLEL_UPDATES = 0
# Unused phases read a few tenths of a volt; they are not part of the average.
_LIVE_PHASE_V = 50.0


@dataclass(frozen=True, kw_only=True)
class ChargeShareSensorDescription(SensorEntityDescription):
    value_fn: Callable[[ChargerState], StateType]
    capability: Capability = Capability.NONE


def _average(values: Phases, floor: float = 0.0) -> float | None:
    live = [v for v in values if v is not None and v > floor]
    if live:
        return round(sum(live) / len(live), 2)
    return 0.0 if any(v is not None for v in values) else None


def _session_seconds(state: ChargerState) -> int | None:
    session = state.session
    if session is None:
        return None
    end = session.ended_at or dt_util.utcnow()
    return max(0, int((end - session.started_at).total_seconds()))


def _session_energy(state: ChargerState) -> float | None:
    return state.session.energy_kwh if state.session else None


def _phase_sensors(
    key: str, device_class: SensorDeviceClass, unit: str, read: Callable[[ChargerState], Phases]
) -> tuple[ChargeShareSensorDescription, ...]:
    return tuple(
        ChargeShareSensorDescription(
            key=f"{key}_l{n + 1}",
            translation_key=f"{key}_phase",
            translation_placeholders={"phase": f"L{n + 1}"},
            device_class=device_class,
            native_unit_of_measurement=unit,
            state_class=SensorStateClass.MEASUREMENT,
            entity_category=EntityCategory.DIAGNOSTIC,
            entity_registry_enabled_default=False,
            value_fn=lambda state, n=n: read(state)[n],  # type: ignore[misc]
        )
        for n in range(3)
    )


SENSORS: tuple[ChargeShareSensorDescription, ...] = (
    ChargeShareSensorDescription(
        key="status",
        translation_key="status",
        device_class=SensorDeviceClass.ENUM,
        options=[status.value for status in ChargerStatus],
        value_fn=lambda state: state.status.value if state.status else None,
    ),
    ChargeShareSensorDescription(
        key="connector_status",
        translation_key="connector_status",
        capability=Capability.CONNECTOR_STATUS,
        device_class=SensorDeviceClass.ENUM,
        options=[status.value for status in ConnectorStatus],
        value_fn=lambda state: state.connector_status.value if state.connector_status else None,
    ),
    ChargeShareSensorDescription(
        key="power",
        translation_key="power",
        device_class=SensorDeviceClass.POWER,
        native_unit_of_measurement=UnitOfPower.WATT,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=0,
        value_fn=lambda state: state.meter.power_w,
    ),
    ChargeShareSensorDescription(
        key="current",
        translation_key="current",
        device_class=SensorDeviceClass.CURRENT,
        native_unit_of_measurement=UnitOfElectricCurrent.AMPERE,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=1,
        value_fn=lambda state: _average(state.meter.current_a),
    ),
    ChargeShareSensorDescription(
        key="voltage",
        translation_key="voltage",
        device_class=SensorDeviceClass.VOLTAGE,
        native_unit_of_measurement=UnitOfElectricPotential.VOLT,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=0,
        value_fn=lambda state: _average(state.meter.voltage_v, _LIVE_PHASE_V),
    ),
    *_phase_sensors(
        "current", SensorDeviceClass.CURRENT, UnitOfElectricCurrent.AMPERE, lambda state: state.meter.current_a
    ),
    *_phase_sensors(
        "voltage", SensorDeviceClass.VOLTAGE, UnitOfElectricPotential.VOLT, lambda state: state.meter.voltage_v
    ),
    ChargeShareSensorDescription(
        key="energy",
        translation_key="energy",
        device_class=SensorDeviceClass.ENERGY,
        native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
        state_class=SensorStateClass.TOTAL_INCREASING,
        suggested_display_precision=2,
        value_fn=lambda state: state.meter.energy_kwh,
    ),
    ChargeShareSensorDescription(
        key="session_energy",
        translation_key="session_energy",
        device_class=SensorDeviceClass.ENERGY,
        native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
        state_class=SensorStateClass.TOTAL_INCREASING,
        suggested_display_precision=2,
        value_fn=_session_energy,
    ),
    ChargeShareSensorDescription(
        key="session_duration",
        translation_key="session_duration",
        device_class=SensorDeviceClass.DURATION,
        native_unit_of_measurement=UnitOfTime.SECONDS,
        suggested_unit_of_measurement=UnitOfTime.MINUTES,
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=_session_seconds,
    ),
    ChargeShareSensorDescription(
        key="last_id_tag",
        translation_key="last_id_tag",
        capability=Capability.AUTHORIZATION,
        value_fn=lambda state: state.last_id_tag_name or state.last_id_tag,
    ),
    ChargeShareSensorDescription(
        key="firmware",
        translation_key="firmware",
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda state: state.identity.firmware,
    ),
)


@dataclass(frozen=True, kw_only=True)
class ControlSensorDescription(SensorEntityDescription):
    """What the controller decided last; unknown in manual mode."""

    value_fn: Callable[[Decision], StateType]


CONTROL_SENSORS: tuple[ControlSensorDescription, ...] = (
    ControlSensorDescription(
        key="surplus",
        translation_key="surplus",
        device_class=SensorDeviceClass.POWER,
        native_unit_of_measurement=UnitOfPower.WATT,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=0,
        value_fn=lambda decision: decision.surplus_w,
    ),
    ControlSensorDescription(
        key="target_current",
        translation_key="target_current",
        device_class=SensorDeviceClass.CURRENT,
        native_unit_of_measurement=UnitOfElectricCurrent.AMPERE,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=1,
        value_fn=lambda decision: decision.current_a,
    ),
    ControlSensorDescription(
        key="control_reason",
        translation_key="control_reason",
        value_fn=lambda decision: decision.reason,
    ),
)


@dataclass(frozen=True, kw_only=True)
class SharingSensorDescription(SensorEntityDescription):
    """Why the charger is or is not available for sharing, and until when."""

    value_fn: Callable[[Availability], StateType | datetime]


SHARING_SENSORS: tuple[SharingSensorDescription, ...] = (
    SharingSensorDescription(
        key="sharing_status",
        translation_key="sharing_status",
        value_fn=lambda availability: availability.reason,
    ),
    SharingSensorDescription(  # unknown: no change foreseen (always open, or the surplus decides)
        key="sharing_next_change",
        translation_key="sharing_next_change",
        device_class=SensorDeviceClass.TIMESTAMP,
        value_fn=lambda availability: availability.next_change,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant, entry: ChargeShareConfigEntry, async_add_entities: AddEntitiesCallback
) -> None:
    book = await async_booking_book(hass)
    if is_hub_link(entry):
        async_add_entities([todays_earnings(entry, book)])
        return

    def build(coordinator: ChargerCoordinator) -> list[SensorEntity]:
        return [
            *(ChargeShareSensor(coordinator, d) for d in supported(coordinator, SENSORS)),
            *(ControlSensor(coordinator, d) for d in CONTROL_SENSORS),
            *(SharingSensor(coordinator, d) for d in SHARING_SENSORS),
            NextBookingSensor(coordinator, book),
        ]

    async_add_charger_entities(hass, entry, async_add_entities, build)


class ChargeShareSensor(ChargeShareEntity, SensorEntity):
    entity_description: ChargeShareSensorDescription

    @property
    def native_value(self) -> StateType | datetime:
        return self.entity_description.value_fn(self.coordinator.data)


class ControlSensor(ControlEntity, SensorEntity):
    entity_description: ControlSensorDescription

    @property
    def native_value(self) -> StateType:
        decision = self.control.decision
        return None if decision is None else self.entity_description.value_fn(decision)


class SharingSensor(SharingEntity, SensorEntity):
    entity_description: SharingSensorDescription

    @property
    def native_value(self) -> StateType | datetime:
        return self.entity_description.value_fn(self.sharing.availability)
