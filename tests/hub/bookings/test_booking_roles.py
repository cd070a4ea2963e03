"""Who may book, read, answer and set terms: anonymous, a driver, the host, another host, another driver, admin."""

from __future__ import annotations

from typing import Any

from tests.hub.bookings.helpers import Actor, actor, book, booked, listing, period


async def _scene(client: Any, terms: dict[str, Any] | None = None) -> tuple[Actor, Actor, str, dict[str, Any]]:
    host = await actor(client, "host@example.org", host=True)
    driver = await actor(client, "driver@example.org")
    location_id = await listing(client, host, terms)
    return host, driver, location_id, await booked(client, driver, location_id, period(2))


async def test_anonymous_callers_cannot_book_or_read_bookings(client: Any) -> None:
    _host, _driver, location_id, booking = await _scene(client)

    created = await client.post("/api/v1/bookings", json={"location_id": location_id, "period": period(4)})
    read = await client.get(f"/api/v1/bookings/{booking['id']}")
    qr = await client.get(f"/api/v1/bookings/{booking['id']}/qr.svg")

    assert (created.status, read.status, qr.status) == (401, 401, 401)


async def test_a_token_without_the_bookings_scope_cannot_book(client: Any) -> None:
    host = await actor(client, "host@example.org", host=True)
    driver = await actor(client, "driver@example.org", scopes=frozenset({"account"}))
    location_id = await listing(client, host)

    response = await book(client, driver, location_id, period(2))

    assert (response.status, (await response.json())["error"]["code"]) == (403, "insufficient_scope")


async def test_a_host_cannot_book_their_own_charger(client: Any) -> None:
    host = await actor(client, "host@example.org", host=True)
    location_id = await listing(client, host)

    response = await book(client, host, location_id, period(2))

    assert response.status == 403


async def test_another_host_books_like_any_driver(client: Any) -> None:
    host = await actor(client, "host@example.org", host=True)
    other_host = await actor(client, "other@example.org", host=True)
    location_id = await listing(client, host)

    assert (await book(client, other_host, location_id, period(2))).status == 201


async def test_an_invite_only_listing_is_bookable_only_by_invitees(client: Any) -> None:
    host = await actor(client, "host@example.org", host=True)
    friend = await actor(client, "friend@example.org")
    stranger = await actor(client, "stranger@example.org")
    location_id = await listing(client, host, publish=False, publish_allowed_to=["friend@example.org"])

    refused = await book(client, stranger, location_id, period(2))
    accepted = await book(client, friend, location_id, period(2))

    assert (refused.status, accepted.status) == (404, 201)
    assert await refused.json() == await (await book(client, stranger, "no-such-listing", period(2))).json()


async def test_a_removed_listing_cannot_be_booked_by_anyone(client: Any) -> None:
    host = await actor(client, "host@example.org", host=True)
    driver = await actor(client, "driver@example.org")
    admin = await actor(client, "admin@example.org", admin=True)
    location_id = await listing(client, host)
    assert (await client.delete(f"/api/v1/listings/{location_id}", headers=host.headers)).status == 204

    assert (await book(client, driver, location_id, period(2))).status == 404
    assert (await book(client, admin, location_id, period(2))).status == 404


async def test_a_booking_is_readable_by_its_driver_the_host_and_admins_only(client: Any) -> None:
    host, driver, _location_id, booking = await _scene(client)
    admin = await actor(client, "admin@example.org", admin=True)
    other_driver = await actor(client, "other-driver@example.org")
    other_host = await actor(client, "other-host@example.org", host=True)
    url = f"/api/v1/bookings/{booking['id']}"

    statuses = [(await client.get(url, headers=who.headers)).status for who in (driver, host, admin)]
    hidden = [await client.get(url, headers=who.headers) for who in (other_driver, other_host)]

    assert statuses == [200, 200, 200]
    assert [response.status for response in hidden] == [404, 404]
    assert (
        await hidden[0].json() == await (await client.get("/api/v1/bookings/nope", headers=other_driver.headers)).json()
    )


async def test_the_qr_code_is_an_svg_for_those_who_may_read_the_booking(client: Any) -> None:
    host, driver, _location_id, booking = await _scene(client)
    other_driver = await actor(client, "other-driver@example.org")
    url = f"/api/v1/bookings/{booking['id']}/qr.svg"

    for who in (driver, host):
        response = await client.get(url, headers=who.headers)
        assert response.status == 200
        assert response.content_type == "image/svg+xml"
        assert (await response.text()).lstrip().startswith(("<?xml", "<svg"))
    assert (await client.get(url, headers=other_driver.headers)).status == 404


async def test_drivers_list_their_own_bookings_and_hosts_those_at_their_listings(client: Any) -> None:
    host, driver, location_id, booking = await _scene(client)
    other_driver = await actor(client, "other-driver@example.org")
    other_booking = await booked(client, other_driver, location_id, period(4))
    other_host = await actor(client, "other-host@example.org", host=True)

    async def ids(who: Actor, query: str = "") -> list[str]:
        response = await client.get(f"/api/v1/bookings{query}", headers=who.headers)
        return [item["id"] for item in (await response.json())["bookings"]]

    assert await ids(driver) == [booking["id"]]
    assert await ids(other_driver) == [other_booking["id"]]
    assert await ids(host, "?role=host") == [other_booking["id"], booking["id"]]
    assert await ids(host) == []
    assert await ids(other_host, "?role=host") == []
    assert await ids(host, "?role=host&status=CANCELED") == []
    assert (await client.get("/api/v1/bookings?role=admin", headers=host.headers)).status == 400


async def test_only_the_host_answers_requests(client: Any) -> None:
    host, driver, _location_id, booking = await _scene(client, {"approval": "HOST_APPROVAL"})
    admin = await actor(client, "admin@example.org", admin=True)
    other_host = await actor(client, "other-host@example.org", host=True)
    url = f"/api/v1/bookings/{booking['id']}/approve"

    refused = [(await client.post(url, headers=who.headers)).status for who in (driver, admin, other_host)]
    read = await (await client.get(f"/api/v1/bookings/{booking['id']}", headers=driver.headers)).json()

    assert refused == [403, 403, 404]
    assert read["reservation_status"] == "PENDING"
    assert (await client.post(url, headers=host.headers)).status == 200


async def test_only_the_driver_changes_a_booking(client: Any) -> None:
    host, _driver, _location_id, booking = await _scene(client)
    other_driver = await actor(client, "other-driver@example.org")
    url = f"/api/v1/bookings/{booking['id']}"

    by_host = await client.patch(url, json={"period": period(5)}, headers=host.headers)
    by_other = await client.patch(url, json={"period": period(5)}, headers=other_driver.headers)

    assert (by_host.status, by_other.status) == (403, 404)


async def test_another_driver_or_host_cannot_cancel_a_booking(client: Any) -> None:
    _host, _driver, _location_id, booking = await _scene(client)
    admin = await actor(client, "admin@example.org", admin=True)
    other_driver = await actor(client, "other-driver@example.org")
    other_host = await actor(client, "other-host@example.org", host=True)
    url = f"/api/v1/bookings/{booking['id']}/cancel"

    statuses = [
        (await client.post(url, json={"cancellation_reason": "UNKNOWN"}, headers=who.headers)).status
        for who in (other_driver, other_host, admin)
    ]

    assert statuses == [404, 404, 403]


async def test_booking_terms_are_set_by_the_host_and_read_by_anyone_who_sees_the_listing(client: Any) -> None:
    host = await actor(client, "host@example.org", host=True)
    other_host = await actor(client, "other@example.org", host=True)
    driver = await actor(client, "driver@example.org")
    location_id = await listing(client, host)
    url = f"/api/v1/listings/{location_id}/booking-terms"

    by_other = await client.put(url, json={"cancel_until_minutes": 5}, headers=other_host.headers)
    by_driver = await client.put(url, json={"cancel_until_minutes": 5}, headers=driver.headers)
    by_host = await client.put(url, json={"cancel_until_minutes": 120, "noshow_fee": True}, headers=host.headers)
    read = await client.get(url)

    assert (by_other.status, by_driver.status, by_host.status) == (404, 404, 200)
    terms = await read.json()
    assert (terms["cancel_until_minutes"], terms["noshow_fee"], terms["change_until_minutes"]) == (120, True, 60)


async def test_booking_terms_of_an_invite_only_listing_are_hidden_from_strangers(client: Any) -> None:
    host = await actor(client, "host@example.org", host=True)
    stranger = await actor(client, "stranger@example.org")
    location_id = await listing(client, host, publish=False)

    response = await client.get(f"/api/v1/listings/{location_id}/booking-terms", headers=stranger.headers)

    assert response.status == 404


async def test_inconsistent_terms_are_refused_naming_the_field(client: Any) -> None:
    host = await actor(client, "host@example.org", host=True)
    location_id = await listing(client, host)
    url = f"/api/v1/listings/{location_id}/booking-terms"

    off_step = await client.put(url, json={"step_size_minutes": 30, "min_duration_minutes": 45}, headers=host.headers)
    upside_down = await client.put(
        url, json={"min_duration_minutes": 120, "max_duration_minutes": 60}, headers=host.headers
    )
    unknown = await client.put(url, json={"refund_everything": True}, headers=host.headers)

    assert (await off_step.json())["error"]["field"] == "min_duration_minutes"
    assert (await upside_down.json())["error"]["field"] == "min_duration_minutes"
    assert (await unknown.json())["error"]["field"] == "refund_everything"
    assert (await (await client.get(url)).json())["step_size_minutes"] == 15
