"""Checks a listing as a whole, before anything is written; every refusal names the field by its path,
`evses[0].connectors[1].max_amperage`, so that a form can point at it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any
import zoneinfo

import fastjsonschema

from ..web.errors import bad_request, schema_error
from .location_schema import LOCATION

_validate_schema = fastjsonschema.compile(LOCATION)


@dataclass(frozen=True, slots=True)
class ExceptionalPeriod:
    is_opening: bool
    begin: datetime  # aware
    end: datetime


@dataclass(frozen=True, slots=True)
class ValidListing:
    fields: dict[str, Any]
    exceptional_periods: list[ExceptionalPeriod]


def validate_listing(body: Any) -> ValidListing:
    """The listing, checked; raises a 400 `ApiError` for the first problem found."""
    try:
        fields = _validate_schema(body)
    except fastjsonschema.JsonSchemaValueException as err:
        raise schema_error(err) from err
    _check_coordinates(fields["coordinates"])
    zone = _time_zone(fields["time_zone"])
    if fields.get("publish", False) and fields.get("publish_allowed_to"):
        raise bad_request("invalid", "A published listing is open to all; invite drivers only when not published.",
                          "publish_allowed_to")  # fmt: skip
    _check_unique((evse["uid"] for evse in fields.get("evses", [])), "evses[{}].uid")
    for index, evse in enumerate(fields.get("evses", [])):
        _check_unique((connector["id"] for connector in evse["connectors"]), f"evses[{index}].connectors[{{}}].id")
    periods = _check_opening_times(fields.get("opening_times"), zone)
    return ValidListing(fields, periods)


def _check_coordinates(coordinates: dict[str, str]) -> None:
    if abs(float(coordinates["latitude"])) > 90:
        raise bad_request("invalid", "A latitude is between -90 and 90.", "coordinates.latitude")
    if abs(float(coordinates["longitude"])) > 180:
        raise bad_request("invalid", "A longitude is between -180 and 180.", "coordinates.longitude")


@cache
def _known_time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def _time_zone(name: str) -> zoneinfo.ZoneInfo:
    if name not in _known_time_zones():
        raise bad_request("invalid", "Give an IANA time zone such as Europe/Berlin.", "time_zone")
    return zoneinfo.ZoneInfo(name)


def _check_unique(values: Iterable[str], field_template: str) -> None:
    seen: set[str] = set()
    for index, value in enumerate(values):
        if value in seen:
            raise bad_request("duplicate", f"{value!r} is used twice.", field_template.format(index))
        seen.add(value)


def _check_opening_times(opening_times: dict[str, Any] | None, zone: zoneinfo.ZoneInfo) -> list[ExceptionalPeriod]:
    if opening_times is None:
        return []
    regular = opening_times.get("regular_hours", [])
    if opening_times["twentyfourseven"] and regular:
        raise bad_request(
            "invalid", "A place open around the clock has no weekly hours.", "opening_times.regular_hours"
        )
    if not opening_times["twentyfourseven"] and not regular:
        raise bad_request("invalid", "Give the weekly hours, or twentyfourseven.", "opening_times.regular_hours")
    for index, window in enumerate(regular):
        if window["period_begin"] >= window["period_end"]:  # "HH:MM" strings sort as times do
            raise bad_request(
                "invalid", "A window ends after it begins.", f"opening_times.regular_hours[{index}].period_end"
            )
    periods: list[ExceptionalPeriod] = []
    for kind, is_opening in (("exceptional_openings", True), ("exceptional_closings", False)):
        for index, period in enumerate(opening_times.get(kind, [])):
            field = f"opening_times.{kind}[{index}]"
            begin = _moment(period["period_begin"], zone, f"{field}.period_begin")
            end = _moment(period["period_end"], zone, f"{field}.period_end")
            if begin >= end:
                raise bad_request("invalid", "A period ends after it begins.", f"{field}.period_end")
            periods.append(ExceptionalPeriod(is_opening, begin, end))
    return periods


def _moment(text: str, zone: zoneinfo.ZoneInfo, field: str) -> datetime:
    """OCPI sends UTC (`...Z`); a time without an offset is the location's local time."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as err:
        raise bad_request("invalid", "Give a date and time such as 2026-12-24T18:00.", field) from err
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=zone)
