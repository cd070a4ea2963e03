"""A listing as JSON: an OCPI 2.2.1 Location, plus the hub's own fields (`access_instructions`,
`house_rules`, each connector's `max_power`; for its host and admins `stale` and `availability_confirmed_at`).
Optional fields without a value are left out, as OCPI allows. An EVSE's status is shown as `health` rules it at
the moment of reading: an old one is UNKNOWN."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from .health import HealthRules
from .power import max_power_w
from .tables import Connector, Evse, ExceptionalPeriod, Location, Photo, RegularHours


@dataclass(slots=True)
class LoadedListing:
    """A location with everything shown with it, read in one session."""

    location: Location
    evses: list[tuple[Evse, list[Connector]]] = field(default_factory=list)
    invited_emails: list[str] = field(default_factory=list)
    regular_hours: list[RegularHours] = field(default_factory=list)
    exceptional_periods: list[ExceptionalPeriod] = field(default_factory=list)
    photos: list[Photo] = field(default_factory=list)


def ocpi_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def place_json(location: Location) -> dict[str, Any]:
    """Where a location is, as both OCPI's Location and CdrLocation give it."""
    return {
        "name": location.name,
        "address": location.address,
        "city": location.city,
        "postal_code": location.postal_code,
        "state": location.state,
        "country": location.country,
        "coordinates": {"latitude": location.latitude, "longitude": location.longitude},
    }


def photo_url(base_url: str, photo: Photo) -> str:
    return f"{base_url}/api/v1/listings/{photo.location_id}/photos/{photo.id}"


def listing_json(
    listing: LoadedListing, *, base_url: str, show_invites: bool, rules: HealthRules, now: datetime
) -> dict[str, Any]:
    """`show_invites`: whom the host invited, and whether the listing is stale, is for the host's and admins' eyes
    only (nobody else sees a stale listing at all)."""
    location = listing.location
    document: dict[str, Any] = {
        "id": location.id,
        "publish": location.publish,
        "publish_allowed_to": listing.invited_emails if show_invites else None,
        **place_json(location),
        "parking_type": location.parking_type,
        "evses": [_evse_json(evse, connectors, rules, now) for evse, connectors in listing.evses],
        "directions": location.directions,
        "operator": location.operator,
        "facilities": location.facilities,
        "time_zone": location.time_zone,
        "opening_times": _opening_times_json(listing),
        "charging_when_closed": location.charging_when_closed,
        "images": [photo_json(photo, base_url) for photo in listing.photos],
        "energy_mix": location.energy_mix,
        "access_instructions": location.access_instructions,
        "house_rules": location.house_rules,
        "last_updated": ocpi_time(location.last_updated),
    }
    if show_invites:
        document["stale"] = rules.is_stale(location.availability_confirmed_at, now)
        document["availability_confirmed_at"] = ocpi_time(location.availability_confirmed_at)
    return _without_empty(document)


def photo_json(photo: Photo, base_url: str) -> dict[str, Any]:
    return _without_empty(
        {
            "url": photo_url(base_url, photo),
            "category": photo.category,
            "type": photo.content_type.removeprefix("image/"),
            "width": photo.width,
            "height": photo.height,
        }
    )


def _evse_json(evse: Evse, connectors: list[Connector], rules: HealthRules, now: datetime) -> dict[str, Any]:
    return _without_empty(
        {
            "uid": evse.uid,
            "evse_id": evse.evse_id,
            "status": rules.shown_status(evse.status, evse.status_updated_at, evse.status_live, now),
            "capabilities": evse.capabilities,
            "connectors": [_connector_json(connector) for connector in connectors],
            "floor_level": evse.floor_level,
            "physical_reference": evse.physical_reference,
            "parking_restrictions": evse.parking_restrictions,
            "directions": evse.directions,
            "last_updated": ocpi_time(evse.last_updated),
        }
    )


def _connector_json(connector: Connector) -> dict[str, Any]:
    return _without_empty(
        {
            "id": connector.connector_id,
            "standard": connector.standard,
            "format": connector.format,
            "power_type": connector.power_type,
            "max_voltage": connector.max_voltage,
            "max_amperage": connector.max_amperage,
            "max_electric_power": connector.max_electric_power,
            "max_power": max_power_w(
                connector.power_type, connector.max_voltage, connector.max_amperage, connector.max_electric_power
            ),
            "tariff_ids": connector.tariff_ids,
            "terms_and_conditions": connector.terms_and_conditions,
            "last_updated": ocpi_time(connector.last_updated),
        }
    )


def _opening_times_json(listing: LoadedListing) -> dict[str, Any] | None:
    if listing.location.twentyfourseven is None:
        return None
    periods = {True: [], False: []}  # type: dict[bool, list[dict[str, str]]]
    for period in listing.exceptional_periods:
        periods[period.is_opening].append(
            {"period_begin": ocpi_time(period.period_begin), "period_end": ocpi_time(period.period_end)}
        )
    return _without_empty(
        {
            "twentyfourseven": listing.location.twentyfourseven,
            "regular_hours": [
                {"weekday": hours.weekday, "period_begin": hours.period_begin, "period_end": hours.period_end}
                for hours in listing.regular_hours
            ],
            "exceptional_openings": periods[True],
            "exceptional_closings": periods[False],
        }
    )


def _without_empty(document: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in document.items() if value is not None and value != []}
