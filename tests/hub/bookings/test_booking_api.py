"""Booking a slot: what a driver gets back, and the periods the hub refuses before anything is written."""

from __future__ import annotations

from typing import Any

from chargeshare_hub.web.context import HUB
from tests.hub.bookings.helpers import actor, book, booked, listing, period


async def test_an_instant_booking_is_reserved_with_its_request_accepted(client: Any) -> None:
    host = await actor(client, "host@example.org", host=True)
    driver = await actor(client, "driver@example.org")
    location_id = await listing(client, host)

    created = await booked(client, driver, location_id, period(2))

    assert created["reservation_status"] == "RESERVED"
    assert created["period"] == period(2)
    assert created["local_period"] == {
        "start_from": "2026-06-01T12:00:00+02:00",
        "end_before": "2026-06-01T13:00:00+02:00",
    }
    assert [r["request_status"] for r in created["booking_requests"]] == ["ACCEPTED"]
    assert created["booking_requests"][0]["booking_request"]["period"] == period(2)
    assert created["evse_uid"] == "wallbox-1"
    assert created["booking_terms"]["cancel_until_minutes"] == 60
    assert created["request_id"] != created["id"]


async def test_the_id_tag_is_an_ocpp_cistring20_of_an_unambiguous_alphabet_and_unique(client: Any) -> None:
    host = await actor(client, "host@example.org", host=True)
    driver = await actor(client, "driver@example.org")
    location_id = await listing(client, host)

    tags = [(await booked(client, driver, location_id, period(2 + hours)))["id_tag"] for hours in range(5)]

    assert len(set(tags)) == 5
    for tag in tags:
        assert len(tag) <= 20
        assert tag.startswith("CS")
        assert not set(tag) & set("01IO")
        assert tag.isascii()
        assert tag.isprintable()


async def test_the_booking_carries_its_link_and_access_by_id_tag(client: Any) -> None:
    host = await actor(client, "host@example.org", host=True)
    driver = await actor(client, "driver@example.org")
    location_id = await listing(client, host)

    created = await booked(client, driver, location_id, period(2))

    base_url = client.server.app[HUB].config.base_url
    assert created["qr_link"] == f"{base_url}/bookings/{created['id']}"
    assert created["access_methods"] == [{"location_access": "TOKEN", "value": created["id_tag"]}]
    assert created["authorization_reference"] == created["id_tag"]


async def test_without_an_evse_the_hub_picks_a_free_one(client: Any) -> None:
    host = await actor(client, "host@example.org", host=True)
    first, second, third = [await actor(client, f"d{n}@example.org") for n in range(3)]
    location_id = await listing(client, host)

    one = await booked(client, first, location_id, period(2))
    two = await booked(client, second, location_id, period(2))
    full = await book(client, third, location_id, period(2))

    assert {one["evse_uid"], two["evse_uid"]} == {"wallbox-1", "wallbox-2"}
    assert full.status == 409
    assert (await full.json())["error"]["code"] == "slot_taken"


async def test_an_overlapping_slot_on_the_same_evse_is_refused_with_slot_taken(client: Any) -> None:
    host = await actor(client, "host@example.org", host=True)
    first, second = await actor(client, "a@example.org"), await actor(client, "b@example.org")
    location_id = await listing(client, host)
    await booked(client, first, location_id, period(2, 2), evse_uid="wallbox-1")

    overlapping = await book(client, second, location_id, period(3, 2), evse_uid="wallbox-1")
    adjacent = await book(client, second, location_id, period(4, 1), evse_uid="wallbox-1")

    assert overlapping.status == 409
    assert await overlapping.json() == {
        "error": {"code": "slot_taken", "message": (await overlapping.json())["error"]["message"], "field": "period"}
    }
    assert adjacent.status == 201


async def test_a_connector_can_be_named_with_its_evse(client: Any) -> None:
    host = await actor(client, "host@example.org", host=True)
    driver = await actor(client, "driver@example.org")
    location_id = await listing(client, host)

    created = await booked(client, driver, location_id, period(2), evse_uid="wallbox-2", connector_id="1")
    unknown = await book(client, driver, location_id, period(4), evse_uid="wallbox-2", connector_id="9")
    alone = await book(client, driver, location_id, period(4), connector_id="1")

    assert (created["evse_uid"], created["connector_id"]) == ("wallbox-2", "1")
    assert ((await unknown.json())["error"]["field"], (await alone.json())["error"]["field"]) == (
        "connector_id",
        "evse_uid",
    )


async def _refusal(
    client: Any, when: dict[str, str], *, terms: dict[str, Any] | None = None, **listing_changes: Any
) -> tuple[int, str, str]:
    host = await actor(client, "host@example.org", host=True)
    driver = await actor(client, "driver@example.org")
    location_id = await listing(client, host, terms, **listing_changes)
    response = await book(client, driver, location_id, when)
    error = (await response.json())["error"]
    assert (await (await client.get("/api/v1/bookings", headers=driver.headers)).json())["bookings"] == []
    return response.status, error["code"], error["field"]


async def test_a_period_in_the_past_is_refused(client: Any) -> None:
    assert await _refusal(client, period(-1)) == (400, "in_the_past", "period.start_from")


async def test_a_period_ending_before_it_starts_is_refused(client: Any) -> None:
    when = period(2)
    when["end_before"] = when["start_from"]
    assert await _refusal(client, when) == (400, "invalid_period", "period.end_before")


async def test_a_start_off_the_step_grid_is_refused(client: Any) -> None:
    assert await _refusal(client, period(2.1)) == (400, "off_grid", "period.start_from")


async def test_a_duration_off_the_step_grid_is_refused(client: Any) -> None:
    assert await _refusal(client, period(2, 1.1)) == (400, "off_grid", "period.end_before")


async def test_a_slot_shorter_than_the_minimum_is_refused(client: Any) -> None:
    assert await _refusal(client, period(2, 0.25)) == (400, "too_short", "period.end_before")


async def test_a_slot_longer_than_the_maximum_is_refused(client: Any) -> None:
    terms = {"max_duration_minutes": 120}
    assert await _refusal(client, period(2, 2.5), terms=terms) == (400, "too_long", "period.end_before")


async def test_a_slot_too_far_ahead_is_refused(client: Any) -> None:
    terms = {"max_days_ahead": 7}
    assert await _refusal(client, period(8 * 24), terms=terms) == (400, "too_far_ahead", "period.start_from")


async def test_a_slot_outside_the_opening_hours_is_refused(client: Any) -> None:
    hours = {
        "twentyfourseven": False,
        "regular_hours": [{"weekday": 1, "period_begin": "08:00", "period_end": "12:30"}],
    }
    # 12:00-13:00 local on a Monday runs past 12:30.
    assert await _refusal(client, period(2), opening_times=hours) == (400, "closed", "period")


async def test_a_slot_inside_the_opening_hours_is_booked(client: Any) -> None:
    host = await actor(client, "host@example.org", host=True)
    driver = await actor(client, "driver@example.org")
    hours = {
        "twentyfourseven": False,
        "regular_hours": [{"weekday": 1, "period_begin": "08:00", "period_end": "13:00"}],
    }
    location_id = await listing(client, host, opening_times=hours)

    assert (await book(client, driver, location_id, period(2))).status == 201


async def test_a_slot_in_an_exceptional_closing_of_a_place_open_around_the_clock_is_refused(client: Any) -> None:
    closing = period(1, 2)
    hours = {
        "twentyfourseven": True,
        "exceptional_closings": [{"period_begin": closing["start_from"], "period_end": closing["end_before"]}],
    }
    assert await _refusal(client, period(2), opening_times=hours) == (400, "closed", "period")


async def test_an_evse_out_of_order_cannot_be_booked(client: Any) -> None:
    host = await actor(client, "host@example.org", host=True)
    driver = await actor(client, "driver@example.org")
    location_id = await listing(client, host)
    listing_json = await (await client.get(f"/api/v1/listings/{location_id}", headers=host.headers)).json()
    evses = [{k: v for k, v in e.items() if k not in ("last_updated",)} for e in listing_json["evses"]]
    for evse in evses:
        for connector in evse["connectors"]:
            connector.pop("last_updated", None)
            connector.pop("max_power", None)
        evse["status"] = "OUTOFORDER"
    changed = await client.put(
        f"/api/v1/listings/{location_id}", json={**_editable(listing_json), "evses": evses}, headers=host.headers
    )
    assert changed.status == 200, await changed.text()

    named = await book(client, driver, location_id, period(2), evse_uid="wallbox-1")
    any_evse = await book(client, driver, location_id, period(2))

    assert (named.status, (await named.json())["error"]["code"]) == (409, "not_bookable")
    assert (any_evse.status, (await any_evse.json())["error"]["code"]) == (409, "not_bookable")


def _editable(document: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in document.items() if k not in ("id", "last_updated", "images", "publish_allowed_to")}
