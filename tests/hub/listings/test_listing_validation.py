"""A listing with a mistake is refused with 400, names the field by its path, and changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.hub.listings.helpers import create, home_charger, signed_in

Change = Callable[[dict[str, Any]], None]


def _second_connector(listing: dict[str, Any]) -> None:
    connectors = listing["evses"][0]["connectors"]
    connectors.append(dict(connectors[0], id="2", max_amperage=0))


def _set(path: str, value: Any) -> Change:
    def change(listing: dict[str, Any]) -> None:
        *parents, last = path.split("/")
        target: Any = listing
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        if value is _DELETE:
            del target[last]
        else:
            target[last] = value

    return change


_DELETE = object()
_WEEKDAY_EIGHT = {
    "twentyfourseven": False,
    "regular_hours": [{"weekday": 8, "period_begin": "08:00", "period_end": "24:00"}],
}
_CLOSING_ON_NO_DATE = {
    "twentyfourseven": True,
    "exceptional_closings": [{"period_begin": "2026-12-24T18:00", "period_end": "Christmas"}],
}
_HOURS = {"twentyfourseven": False, "regular_hours": [{"weekday": 1, "period_begin": "18:00", "period_end": "08:00"}]}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (_set("address", _DELETE), "address"),
        (_set("address", "x" * 46), "address"),
        (_set("name", ""), "name"),
        (_set("country", "DE"), "country"),
        (_set("coordinates/latitude", "91.000000"), "coordinates.latitude"),
        (_set("coordinates/longitude", "-180.500000"), "coordinates.longitude"),
        (_set("coordinates/latitude", "50.9"), "coordinates.latitude"),
        (_set("coordinates/longitude", _DELETE), "coordinates.longitude"),
        (_set("time_zone", "Europe/Atlantis"), "time_zone"),
        (_set("parking_type", "GARDEN"), "parking_type"),
        (_set("facilities", ["WIFI", "SAUNA"]), "facilities[1]"),
        (_set("directions", [{"language": "eng", "text": "Left"}]), "directions[0].language"),
        (_set("house_rules", "x" * 2001), "house_rules"),
        (_set("colour", "red"), "colour"),
        (_set("publish_allowed_to", ["nobody@example.org"]), "publish_allowed_to"),  # published and invite-only
        (_set("evses/0/status", "BROKEN"), "evses[0].status"),
        (_set("evses/0/uid", _DELETE), "evses[0].uid"),
        (_set("evses/0/physical_reference", "x" * 17), "evses[0].physical_reference"),
        (_set("evses/0/capabilities", ["TELEPORT"]), "evses[0].capabilities[0]"),
        (_set("evses/0/connectors", []), "evses[0].connectors"),
        (_second_connector, "evses[0].connectors[1].max_amperage"),
        (_set("evses/0/connectors/0/standard", "NACS"), "evses[0].connectors[0].standard"),
        (_set("evses/0/connectors/0/format", "PLUG"), "evses[0].connectors[0].format"),
        (_set("evses/0/connectors/0/power_type", "AC"), "evses[0].connectors[0].power_type"),
        (_set("evses/0/connectors/0/max_voltage", "230"), "evses[0].connectors[0].max_voltage"),
        (_set("evses/0/connectors/0/tariff_ids", ["x" * 37]), "evses[0].connectors[0].tariff_ids[0]"),
        (_set("opening_times", _HOURS), "opening_times.regular_hours[0].period_end"),
        (_set("opening_times", {"twentyfourseven": False}), "opening_times.regular_hours"),
        (
            _set("opening_times", {"twentyfourseven": True, "regular_hours": _HOURS["regular_hours"]}),
            "opening_times.regular_hours",
        ),
        (_set("opening_times", _WEEKDAY_EIGHT), "opening_times.regular_hours[0].weekday"),
        (_set("opening_times", _CLOSING_ON_NO_DATE), "opening_times.exceptional_closings[0].period_end"),
    ],
)
async def test_a_bad_listing_is_refused_naming_the_field(client: Any, change: Change, field: str) -> None:
    await signed_in(client, "host@example.org", host=True)
    listing = home_charger()
    change(listing)

    response = await client.post("/api/v1/listings", json=listing)

    assert response.status == 400
    error = (await response.json())["error"]
    assert error["field"] == field
    assert error["message"]
    assert (await (await client.get("/api/v1/listings")).json())["listings"] == []


async def test_uids_and_connector_ids_are_unique_where_ocpi_says(client: Any) -> None:
    await signed_in(client, "host@example.org", host=True)
    listing = home_charger()
    listing["evses"].append(listing["evses"][0])
    connectors = listing["evses"][0]["connectors"]

    response = await client.post("/api/v1/listings", json=listing)
    assert (await response.json())["error"]["field"] == "evses[1].uid"

    listing = home_charger()
    listing["evses"][0]["connectors"] = [*connectors, connectors[0]]
    response = await client.post("/api/v1/listings", json=listing)
    assert (await response.json())["error"]["field"] == "evses[0].connectors[1].id"


async def test_an_unknown_invitee_is_refused_by_position(client: Any) -> None:
    await signed_in(client, "host@example.org", host=True)

    response = await client.post(
        "/api/v1/listings", json=home_charger(publish=False, publish_allowed_to=["host@example.org", "x@example.org"])
    )

    assert response.status == 400
    assert (await response.json())["error"]["field"] == "publish_allowed_to[1]"


async def test_a_refused_replacement_changes_nothing(client: Any) -> None:
    await signed_in(client, "host@example.org", host=True)
    created = await create(client, home_charger())
    bad = home_charger(name="New name")
    bad["evses"][0]["connectors"][0]["max_amperage"] = -1

    response = await client.put(f"/api/v1/listings/{created['id']}", json=bad)

    assert response.status == 400
    assert (await response.json())["error"]["field"] == "evses[0].connectors[0].max_amperage"
    assert await (await client.get(f"/api/v1/listings/{created['id']}")).json() == created
