"""The search's query string, read into a `SearchQuery`; every refusal is a 400 naming the parameter.

`PARAMETERS` documents the same parameters in the OpenAPI document, so the two are written side by side.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, fields, replace
from datetime import datetime, timedelta
import hashlib
import json
import math
import re
from typing import Any

from multidict import MultiMapping

from ..listings.enums import CONNECTOR_STANDARDS
from ..tariffs.money import minor_unit_exponent
from ..vehicles.params import MAX_ENERGY_KWH, energy_wh
from ..web.errors import bad_request
from .spatial import Box

MAX_RADIUS_KM = 100
MAX_BOX_DEGREES = 10  # a search covers a region; a continent is many pages of the same answer
MAX_WINDOW = timedelta(days=14)
DEFAULT_LIMIT, MAX_LIMIT = 20, 100
SORTS = ("distance", "price", "rating")
_RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})")


def _parameter(name: str, description: str, schema: dict[str, Any], *, repeatable: bool = False) -> dict[str, Any]:
    if repeatable:
        return {"name": name, "description": description, "schema": {"type": "array", "items": schema},
                "style": "form", "explode": True}  # fmt: skip
    return {"name": name, "description": description, "schema": schema}


PARAMETERS: tuple[dict[str, Any], ...] = (
    _parameter("lat", "Latitude of the point to search around (with lon and radius_km)",
               {"type": "number", "minimum": -90, "maximum": 90}),
    _parameter("lon", "Longitude of the point", {"type": "number", "minimum": -180, "maximum": 180}),
    _parameter("radius_km", f"Search radius around the point, at most {MAX_RADIUS_KM} km",
               {"type": "number", "exclusiveMinimum": True, "minimum": 0, "maximum": MAX_RADIUS_KM}),
    _parameter("bbox", f"min_lon,min_lat,max_lon,max_lat instead of a point; at most {MAX_BOX_DEGREES} degrees a side",
               {"type": "string"}),
    _parameter("standard", "An OCPI ConnectorType; repeat for any of several",
               {"type": "string", "enum": list(CONNECTOR_STANDARDS)}, repeatable=True),
    _parameter("vehicle", "One of the driver's vehicles (signed in): the connectors it takes, instead of standard",
               {"type": "string"}),
    _parameter("energy_kwh", "With vehicle: each result carries charging_minutes, at its fastest connector",
               {"type": "number", "exclusiveMinimum": True, "minimum": 0, "maximum": MAX_ENERGY_KWH}),
    _parameter("min_power_kw", "A connector (of the given standard) gives at least this power",
               {"type": "number", "exclusiveMinimum": True, "minimum": 0}),
    _parameter("max_price", "At most this price per kWh, in minor units of `currency` (see the indicative price)",
               {"type": "integer", "minimum": 0}),
    _parameter("currency", "ISO 4217 code: only listings priced in it; required with max_price",
               {"type": "string", "pattern": "^[A-Z]{3}$"}),
    _parameter("free_from", "RFC 3339: an EVSE is open, bookable and unbooked from then (with free_until)",
               {"type": "string", "format": "date-time"}),
    _parameter("free_until", f"RFC 3339: ... until then; at most {MAX_WINDOW.days} days after free_from",
               {"type": "string", "format": "date-time"}),
    _parameter("min_rating", "Mean review score of at least this (1 to 5)",
               {"type": "number", "minimum": 1, "maximum": 5}),
    _parameter("green", "Only listings powered by green energy", {"type": "string", "enum": ["true"]}),
    _parameter("sort", "distance (the default with a point; needs one), price (the default with bbox) or rating",
               {"type": "string", "enum": list(SORTS)}),
    _parameter("limit", f"Results per page, at most {MAX_LIMIT}",
               {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT}),
    _parameter("cursor", "The `next` of the previous page", {"type": "string"}),
)  # fmt: skip
_KNOWN = frozenset(parameter["name"] for parameter in PARAMETERS)


@dataclass(frozen=True, slots=True)
class SearchQuery:
    """Either a point and radius or a box; powers in W, prices in minor units, times aware."""

    point: tuple[float, float] | None = None
    radius_m: float | None = None
    box: Box | None = None
    standards: tuple[str, ...] = ()
    vehicle_id: str | None = None  # the search's standards are the vehicle's (see `Search.find`)
    energy_wh: int | None = None
    min_power: int | None = None
    max_price: int | None = None
    currency: str | None = None
    free: tuple[datetime, datetime] | None = None
    min_rating: float | None = None
    green: bool = False
    sort: str = "distance"
    limit: int = DEFAULT_LIMIT
    offset: int = 0  # where this page starts in the whole ordered answer

    def fingerprint(self) -> str:
        """What a cursor is bound to: the question, not the page."""
        question = [(field.name, getattr(self, field.name)) for field in fields(self) if field.name != "offset"]
        return hashlib.sha256(repr(question).encode()).hexdigest()[:16]


def parse_query(params: MultiMapping[str]) -> SearchQuery:
    for name in params:
        if name not in _KNOWN:
            raise bad_request("invalid", f"{name} is not a search parameter.", name)
        if name != "standard" and len(params.getall(name)) > 1:
            raise bad_request("invalid", f"Give {name} once.", name)
    get = params.get
    point, radius_m, box = _where(get("lat"), get("lon"), get("radius_km"), get("bbox"))
    standards = tuple(dict.fromkeys(params.getall("standard", [])))
    for standard in standards:
        if standard not in CONNECTOR_STANDARDS:
            raise bad_request("invalid", f"{standard!r} is not an OCPI connector standard.", "standard")
    vehicle_id, energy_text = get("vehicle"), get("energy_kwh")
    if vehicle_id is not None and standards:
        raise bad_request("invalid", "A vehicle gives the standards it takes: leave out standard.", "standard")
    if energy_text is not None and vehicle_id is None:
        raise bad_request("invalid", "Give the vehicle to charge energy_kwh with.", "vehicle")
    min_power_kw = _number(get("min_power_kw"), "min_power_kw", low=0, low_inclusive=False, high=2000)
    max_price = _integer(get("max_price"), "max_price", low=0, high=10**9)
    currency = _currency(get("currency"))
    if max_price is not None and currency is None:
        raise bad_request("invalid", "Give the currency of max_price.", "currency")
    sort = get("sort", "distance" if point else "price")
    if sort not in SORTS:
        raise bad_request("invalid", f"sort is one of {', '.join(SORTS)}.", "sort")
    if sort == "distance" and point is None:
        raise bad_request("invalid", "Sorting by distance needs a point: lat and lon.", "sort")
    query = SearchQuery(
        point=point,
        radius_m=radius_m,
        box=box,
        standards=standards,
        vehicle_id=vehicle_id,
        energy_wh=None if energy_text is None else energy_wh(energy_text),
        min_power=None if min_power_kw is None else math.ceil(min_power_kw * 1000),
        max_price=max_price,
        currency=currency,
        free=_window(get("free_from"), get("free_until")),
        min_rating=_number(get("min_rating"), "min_rating", low=1, high=5),
        green=_green(get("green")),
        sort=sort,
        limit=_integer(get("limit"), "limit", low=1, high=MAX_LIMIT) or DEFAULT_LIMIT,
    )
    cursor = get("cursor")
    return query if cursor is None else _continued(query, cursor)


def next_cursor(query: SearchQuery, offset: int) -> str:
    raw = json.dumps({"offset": offset, "query": query.fingerprint()}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _continued(query: SearchQuery, cursor: str) -> SearchQuery:
    refused = bad_request("invalid", "This cursor is not one this search gave out; start again without it.", "cursor")
    try:
        decoded = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        offset, fingerprint = decoded["offset"], decoded["query"]
    except (ValueError, binascii.Error, KeyError, TypeError) as err:
        raise refused from err
    if not isinstance(offset, int) or offset < 0 or fingerprint != query.fingerprint():
        raise refused
    return replace(query, offset=offset)


def _where(
    lat_text: str | None, lon_text: str | None, radius_text: str | None, bbox_text: str | None
) -> tuple[tuple[float, float] | None, float | None, Box | None]:
    if bbox_text is not None:
        for name, value in (("lat", lat_text), ("lon", lon_text), ("radius_km", radius_text)):
            if value is not None:
                raise bad_request("invalid", "Search around a point or in a bbox, not both.", name)
        return None, None, _box(bbox_text)
    if lat_text is None or lon_text is None:
        missing = "lat" if lat_text is None else "lon"
        raise bad_request("invalid", "Give lat, lon and radius_km, or bbox.", missing)
    lat = _value(lat_text, "lat", low=-90, high=90)
    lon = _value(lon_text, "lon", low=-180, high=180)
    radius_km = _number(radius_text, "radius_km", low=0, low_inclusive=False, high=MAX_RADIUS_KM)
    if radius_km is None:
        raise bad_request("invalid", f"Give radius_km, up to {MAX_RADIUS_KM}.", "radius_km")
    return (lat, lon), radius_km * 1000, None


def _box(text: str) -> Box:
    parts = text.split(",")
    if len(parts) != 4:
        raise bad_request("invalid", "bbox is min_lon,min_lat,max_lon,max_lat.", "bbox")
    min_lon, min_lat, max_lon, max_lat = (_value(part.strip(), "bbox", low=-180, high=180) for part in parts)
    if not (-90 <= min_lat < max_lat <= 90):
        raise bad_request("invalid", "bbox: min_lat is below max_lat, both between -90 and 90.", "bbox")
    if not min_lon < max_lon:
        raise bad_request("invalid", "bbox: min_lon is west of max_lon (a box across 180 degrees is two).", "bbox")
    if max_lat - min_lat > MAX_BOX_DEGREES or max_lon - min_lon > MAX_BOX_DEGREES:
        raise bad_request("invalid", f"bbox spans at most {MAX_BOX_DEGREES} degrees a side.", "bbox")
    return Box(min_lat, max_lat, min_lon, max_lon)


def _number(text: str | None, name: str, *, low: float, high: float, low_inclusive: bool = True) -> float | None:
    return None if text is None else _value(text, name, low=low, high=high, low_inclusive=low_inclusive)


def _value(text: str, name: str, *, low: float, high: float, low_inclusive: bool = True) -> float:
    try:
        value = float(text)
    except ValueError:
        raise bad_request("invalid", f"{name} is a number.", name) from None
    if not math.isfinite(value) or value > high or value < low or (value == low and not low_inclusive):
        bound = f"from {low}" if low_inclusive else f"above {low}"
        raise bad_request("invalid", f"{name} is {bound} up to {high}.", name)
    return value


def _integer(text: str | None, name: str, *, low: int, high: int) -> int | None:
    if text is None:
        return None
    if not re.fullmatch(r"[0-9]{1,10}", text):
        raise bad_request("invalid", f"{name} is a whole number.", name)
    value = int(text)
    if not low <= value <= high:
        raise bad_request("invalid", f"{name} is from {low} up to {high}.", name)
    return value


def _currency(text: str | None) -> str | None:
    if text is None:
        return None
    try:
        minor_unit_exponent(text)
    except ValueError:
        raise bad_request("invalid", "currency is an ISO 4217 code such as EUR.", "currency") from None
    return text


def _window(start_text: str | None, end_text: str | None) -> tuple[datetime, datetime] | None:
    if start_text is None and end_text is None:
        return None
    start, end = _moment(start_text, "free_from"), _moment(end_text, "free_until")
    if end <= start:
        raise bad_request("invalid", "free_until is after free_from.", "free_until")
    if end - start > MAX_WINDOW:
        raise bad_request("invalid", f"The window is at most {MAX_WINDOW.days} days.", "free_until")
    return start, end


def _moment(text: str | None, name: str) -> datetime:
    if text is None:
        raise bad_request("invalid", "Give free_from and free_until together.", name)
    if not _RFC3339.fullmatch(text):
        raise bad_request("invalid", f"{name} is an RFC 3339 time with its offset, e.g. 2026-12-24T18:00:00Z.", name)
    try:
        return datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError:
        raise bad_request("invalid", f"{name} is not a valid date and time.", name) from None


def _green(text: str | None) -> bool:
    if text is None:
        return False
    if text != "true":
        raise bad_request("invalid", "green=true is the only green filter.", "green")
    return True
