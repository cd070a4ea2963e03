"""The JSON Schema of a listing as a host sends it: an OCPI 2.2.1 Location plus the hub's own fields.

Fields the hub owns (`id`, `country_code`, `party_id`, `last_updated`, `images`, `host`, `stale`,
`availability_confirmed_at`) are accepted, so that an OCPI Location, or a listing as the hub shows it, can be sent
as it is, and ignored.
"""

from __future__ import annotations

from typing import Any

from .enums import (
    CAPABILITIES,
    CONNECTOR_FORMATS,
    CONNECTOR_STANDARDS,
    ENERGY_SOURCE_CATEGORIES,
    ENVIRONMENTAL_IMPACT_CATEGORIES,
    EVSE_STATUSES,
    FACILITIES,
    PARKING_RESTRICTIONS,
    PARKING_TYPES,
    POWER_TYPES,
)

ACCESS_INSTRUCTIONS_MAX = 1000
HOUSE_RULES_MAX = 2000
MAX_EVSES = 20
MAX_CONNECTORS = 10
LATITUDE_PATTERN = r"^-?[0-9]{1,2}\.[0-9]{5,7}$"  # the patterns OCPI gives for GeoLocation
LONGITUDE_PATTERN = r"^-?[0-9]{1,3}\.[0-9]{5,7}$"
TIME_OF_DAY_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$"


def _text(max_length: int, min_length: int = 1) -> dict[str, Any]:
    return {"type": "string", "minLength": min_length, "maxLength": max_length}


def _enum(values: tuple[str, ...]) -> dict[str, Any]:
    return {"type": "string", "enum": list(values)}


def _enums(values: tuple[str, ...]) -> dict[str, Any]:
    return {"type": "array", "uniqueItems": True, "items": _enum(values)}


def _object(required: list[str], properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "additionalProperties": False, "required": required, "properties": properties}


_IGNORED = {"type": ["string", "array", "object", "boolean", "number", "null"]}
_DISPLAY_TEXTS = {
    "type": "array",
    "maxItems": 20,
    "items": _object(["language", "text"], {"language": _text(2, 2), "text": _text(512)}),
}
_PERIOD = _object(["period_begin", "period_end"], {"period_begin": _text(35), "period_end": _text(35)})
_PERIODS = {"type": "array", "maxItems": 200, "items": _PERIOD}

CONNECTOR = _object(
    ["id", "standard", "format", "power_type", "max_voltage", "max_amperage"],
    {
        "id": _text(36),
        "standard": _enum(CONNECTOR_STANDARDS),
        "format": _enum(CONNECTOR_FORMATS),
        "power_type": _enum(POWER_TYPES),
        "max_voltage": {"type": "integer", "minimum": 1, "maximum": 2000},
        "max_amperage": {"type": "integer", "minimum": 1, "maximum": 1000},
        "max_electric_power": {"type": "integer", "minimum": 1, "maximum": 2_000_000},
        "tariff_ids": {"type": "array", "maxItems": 10, "uniqueItems": True, "items": _text(36)},
        "terms_and_conditions": _text(255),
        "last_updated": _IGNORED,
    },
)

EVSE = _object(
    ["uid", "status", "connectors"],
    {
        "uid": _text(36),
        "evse_id": _text(48),
        "status": _enum(EVSE_STATUSES),
        "capabilities": _enums(CAPABILITIES),
        "connectors": {"type": "array", "minItems": 1, "maxItems": MAX_CONNECTORS, "items": CONNECTOR},
        "floor_level": _text(4),
        "physical_reference": _text(16),
        "parking_restrictions": _enums(PARKING_RESTRICTIONS),
        "directions": _DISPLAY_TEXTS,
        "last_updated": _IGNORED,
    },
)

OPENING_TIMES = _object(
    ["twentyfourseven"],
    {
        "twentyfourseven": {"type": "boolean"},
        "regular_hours": {
            "type": "array",
            "maxItems": 70,
            "items": _object(
                ["weekday", "period_begin", "period_end"],
                {
                    "weekday": {"type": "integer", "minimum": 1, "maximum": 7},
                    "period_begin": {"type": "string", "pattern": TIME_OF_DAY_PATTERN},
                    "period_end": {"type": "string", "pattern": TIME_OF_DAY_PATTERN},
                },
            ),
        },
        "exceptional_openings": _PERIODS,
        "exceptional_closings": _PERIODS,
    },
)

ENERGY_MIX = _object(
    ["is_green_energy"],
    {
        "is_green_energy": {"type": "boolean"},
        "energy_sources": {
            "type": "array",
            "maxItems": 20,
            "items": _object(
                ["source", "percentage"],
                {
                    "source": _enum(ENERGY_SOURCE_CATEGORIES),
                    "percentage": {"type": "number", "minimum": 0, "maximum": 100},
                },
            ),
        },
        "environ_impact": {
            "type": "array",
            "maxItems": 20,
            "items": _object(
                ["category", "amount"],
                {"category": _enum(ENVIRONMENTAL_IMPACT_CATEGORIES), "amount": {"type": "number", "minimum": 0}},
            ),
        },
        "supplier_name": _text(64),
        "energy_product_name": _text(64),
    },
)

LOCATION = _object(
    ["address", "city", "country", "coordinates", "time_zone"],
    {
        "id": _IGNORED,
        "country_code": _IGNORED,
        "party_id": _IGNORED,
        "last_updated": _IGNORED,
        "images": _IGNORED,
        "host": _IGNORED,
        "stale": _IGNORED,
        "availability_confirmed_at": _IGNORED,
        "publish": {"type": "boolean"},
        "publish_allowed_to": {
            "type": "array",
            "maxItems": 200,
            "items": {"type": ["string", "integer"], "minLength": 1, "maxLength": 254},
        },
        "name": _text(255),
        "address": _text(45),
        "city": _text(45),
        "postal_code": _text(10),
        "state": _text(20),
        "country": {"type": "string", "pattern": "^[A-Z]{3}$"},
        "coordinates": _object(
            ["latitude", "longitude"],
            {
                "latitude": {"type": "string", "pattern": LATITUDE_PATTERN},
                "longitude": {"type": "string", "pattern": LONGITUDE_PATTERN},
            },
        ),
        "parking_type": _enum(PARKING_TYPES),
        "evses": {"type": "array", "maxItems": MAX_EVSES, "items": EVSE},
        "directions": _DISPLAY_TEXTS,
        "operator": _object(["name"], {"name": _text(100), "website": _text(255)}),
        "facilities": _enums(FACILITIES),
        "time_zone": _text(255),
        "opening_times": OPENING_TIMES,
        "charging_when_closed": {"type": "boolean"},
        "energy_mix": ENERGY_MIX,
        "access_instructions": _text(ACCESS_INSTRUCTIONS_MAX, 0),
        "house_rules": _text(HOUSE_RULES_MAX, 0),
    },
)
