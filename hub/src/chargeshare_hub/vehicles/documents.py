"""A vehicle as the API sends and receives it, and the checks its schema cannot make."""

from __future__ import annotations

from typing import Any

from ..listings.enums import CONNECTOR_STANDARDS
from ..listings.ocpi_json import ocpi_time
from ..web.errors import bad_request
from .tables import Vehicle

MAX_AC_POWER_W = 50_000
MAX_DC_POWER_W = 1_000_000
MAX_BATTERY_KWH = 300
# Connectors that only ever carry DC: a car that takes one charges on DC, so it must say how fast.
DC_ONLY_STANDARDS = frozenset({
    "CHADEMO", "CHAOJI", "GBT_DC", "IEC_62196_T1_COMBO", "IEC_62196_T2_COMBO", "PANTOGRAPH_BOTTOM_UP",
    "PANTOGRAPH_TOP_DOWN",
})  # fmt: skip

VEHICLE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["name", "connector_standards", "max_ac_power_w", "ac_phases"],
    "properties": {
        "name": {"type": "string", "minLength": 1, "maxLength": 100},
        "connector_standards": {
            "type": "array",
            "minItems": 1,
            "maxItems": 10,
            "uniqueItems": True,
            "items": {"type": "string", "enum": list(CONNECTOR_STANDARDS)},
        },
        "max_ac_power_w": {"type": "integer", "minimum": 1000, "maximum": MAX_AC_POWER_W},
        "ac_phases": {"type": "integer", "enum": [1, 3]},
        "max_dc_power_w": {"type": ["integer", "null"], "minimum": 1000, "maximum": MAX_DC_POWER_W},
        "usable_battery_kwh": {"type": ["number", "null"], "minimum": 1, "maximum": MAX_BATTERY_KWH},
        "default": {
            "type": "boolean",
            "description": "true makes this the driver's default vehicle; the first vehicle is the default",
        },
    },
}


def check_vehicle(body: dict[str, Any]) -> None:
    """What the schema cannot say: a car that takes a DC-only connector gives its DC power."""
    dc_only = sorted(DC_ONLY_STANDARDS.intersection(body["connector_standards"]))
    if dc_only and body.get("max_dc_power_w") is None:
        raise bad_request(
            "invalid", f"A car that takes {dc_only[0]} charges on DC: give max_dc_power_w.", "max_dc_power_w"
        )


def write_vehicle(vehicle: Vehicle, body: dict[str, Any]) -> None:
    """The profile's fields from a checked body; `default` is the service's to handle."""
    vehicle.name = body["name"]
    vehicle.connector_standards = list(body["connector_standards"])
    vehicle.max_ac_power_w = body["max_ac_power_w"]
    vehicle.ac_phases = body["ac_phases"]
    vehicle.max_dc_power_w = body.get("max_dc_power_w")
    battery = body.get("usable_battery_kwh")
    vehicle.usable_battery_wh = None if battery is None else round(battery * 1000)


def vehicle_json(vehicle: Vehicle) -> dict[str, Any]:
    return {
        "id": vehicle.id,
        "name": vehicle.name,
        "connector_standards": vehicle.connector_standards,
        "max_ac_power_w": vehicle.max_ac_power_w,
        "ac_phases": vehicle.ac_phases,
        "max_dc_power_w": vehicle.max_dc_power_w,
        "usable_battery_kwh": None if vehicle.usable_battery_wh is None else vehicle.usable_battery_wh / 1000,
        "default": vehicle.is_default,
        "created_at": ocpi_time(vehicle.created_at),
        "last_updated": ocpi_time(vehicle.last_updated),
    }
