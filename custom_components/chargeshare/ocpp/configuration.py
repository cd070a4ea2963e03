"""What an OCPP 1.6 charger's configuration keys tell us, and what we ask it to change.

Read once after every boot, in one GetConfiguration: the feature profiles (our capabilities), how
charging profiles are expressed, and the meter values the charger samples.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..charger import Capability
from .smart_charging import RateUnit

KEYS = [
    "SupportedFeatureProfiles",
    "ChargingScheduleAllowedChargingRateUnit",
    "ChargeProfileMaxStackLevel",
    "MeterValuesSampledData",
    "MeterValueSampleInterval",
]
CORE = (
    Capability.REMOTE_START_STOP
    | Capability.AVAILABILITY
    | Capability.RESET
    | Capability.UNLOCK
    | Capability.CONFIGURATION
    | Capability.AUTHORIZATION
    | Capability.CONNECTOR_STATUS
)
_FEATURE_PROFILES = {
    "SmartCharging": Capability.SMART_CHARGING,
    "RemoteTrigger": Capability.TRIGGER_MESSAGE,
    "Reservation": Capability.RESERVATIONS,
    "LocalAuthListManagement": Capability.LOCAL_AUTH_LIST,
}
# Until a charger lists its feature profiles, assume what nearly all of them have.
ASSUMED_CAPABILITIES = CORE | Capability.SMART_CHARGING | Capability.TRIGGER_MESSAGE
# What our entities show; the charger samples them into MeterValues.
MEASURANDS = ("Energy.Active.Import.Register", "Power.Active.Import", "Current.Import", "Voltage")
SAMPLE_INTERVAL_S = 15

Values = Mapping[str, str | None]


def capabilities(values: Values) -> Capability:
    profiles = values.get("SupportedFeatureProfiles")
    if profiles is None:
        return ASSUMED_CAPABILITIES
    names = {name.strip() for name in profiles.split(",")}
    found = CORE
    for name, capability in _FEATURE_PROFILES.items():
        if name in names:
            found |= capability
    return found


def rate_unit(values: Values) -> RateUnit:
    return RateUnit.from_configuration(values.get("ChargingScheduleAllowedChargingRateUnit"))


def max_stack_level(values: Values) -> int:
    try:
        return int(values.get("ChargeProfileMaxStackLevel") or 0)
    except ValueError:
        return 0


def meter_value_changes(values: Values) -> list[tuple[str, str]]:
    """The ChangeConfiguration requests that make the charger sample what we show, often enough."""
    changes = []
    present = {m.strip() for m in (values.get("MeterValuesSampledData") or "").split(",")} - {""}
    if not set(MEASURANDS) <= present:
        changes.append(("MeterValuesSampledData", ",".join([*MEASURANDS, *sorted(present - set(MEASURANDS))])))
    if values.get("MeterValueSampleInterval") in ("0", None):
        changes.append(("MeterValueSampleInterval", str(SAMPLE_INTERVAL_S)))
    return changes
