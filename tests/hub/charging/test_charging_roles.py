"""Who sees a session and its CDRs: the driver whose session it is, the host of the charger, admins; to
anyone else they do not exist. Lists are paged as in OCPI."""

from __future__ import annotations

from typing import Any

import pytest

from tests.hub.bookings.helpers import Actor, actor

from .helpers import charged, charger, reserved


async def _two_hosts_sessions(client: Any) -> tuple[Actor, Actor, Actor, Actor]:
    """host@ has the driver's booked session "s1" and an anonymous "s2"; other@ has "s3"."""
    host = await actor(client, "host@example.org", host=True)
    other = await actor(client, "other@example.org", host=True)
    driver = await actor(client, "driver@example.org")
    stranger = await actor(client, "stranger@example.org")
    location_id = await charger(client, host)
    await reserved(client, driver, location_id, "BOOKED1")
    await charged(client, host, location_id, "s1", id_tag="BOOKED1")
    await charged(client, host, location_id, "s2", id_tag="CARD")
    await charged(client, other, await charger(client, other), "s3", id_tag="CARD")
    return host, other, driver, stranger


async def _ids(client: Any, path: str, who: Actor) -> list[str]:
    response = await client.get(path, headers=who.headers)
    assert response.status == 200, await response.text()
    key = path.rsplit("/", 1)[-1]
    return [item["id"] for item in (await response.json())[key]]


@pytest.mark.parametrize("path", ["/api/v1/sessions", "/api/v1/cdrs"])
async def test_each_sees_the_sessions_and_cdrs_that_concern_them(client: Any, path: str) -> None:
    host, other, driver, stranger = await _two_hosts_sessions(client)
    admin = await actor(client, "admin@example.org", admin=True)

    assert await _ids(client, path, driver) == ["s1"]
    assert await _ids(client, path, host) == ["s1", "s2"]
    assert await _ids(client, path, other) == ["s3"]
    assert await _ids(client, path, stranger) == []
    assert await _ids(client, path, admin) == ["s1", "s2", "s3"]


@pytest.mark.parametrize("path", ["/api/v1/sessions/s1", "/api/v1/cdrs/s1"])
async def test_a_session_and_its_cdr_are_hidden_from_those_they_do_not_concern(client: Any, path: str) -> None:
    host, other, driver, stranger = await _two_hosts_sessions(client)
    admin = await actor(client, "admin@example.org", admin=True)

    statuses = [(await client.get(path, headers=who.headers)).status for who in (driver, host, admin, other, stranger)]
    anonymous = await client.get(path)

    assert statuses == [200, 200, 200, 404, 404]
    assert anonymous.status == 401


async def test_a_session_reads_as_an_ocpi_session_with_its_cost(client: Any) -> None:
    _, _, driver, _ = await _two_hosts_sessions(client)

    session = await (await client.get("/api/v1/sessions/s1", headers=driver.headers)).json()

    assert session["status"] == "COMPLETED"
    assert (session["kwh"], session["currency"], session["auth_method"]) == (5, "EUR", "WHITELIST")
    assert (session["evse_uid"], session["connector_id"]) == ("wallbox-1", "1")
    assert session["total_cost"] == {"excl_vat": 0, "incl_vat": 0}
    assert session["cdr_token"]["uid"] == "BOOKED1"


async def test_a_token_without_the_bookings_scope_reads_no_sessions(client: Any) -> None:
    driver = await actor(client, "driver@example.org", scopes=frozenset({"account"}))

    response = await client.get("/api/v1/sessions", headers=driver.headers)

    assert response.status == 403


async def test_lists_come_in_pages_with_the_total_and_a_link_to_the_next(client: Any) -> None:
    host, *_ = await _two_hosts_sessions(client)
    location_id = await charger(client, host, name="Third")
    await charged(client, host, location_id, "s4")

    first = await client.get("/api/v1/cdrs?limit=2", headers=host.headers)
    last = await client.get("/api/v1/cdrs?offset=2&limit=2", headers=host.headers)

    assert [cdr["id"] for cdr in (await first.json())["cdrs"]] == ["s1", "s2"]
    assert first.headers["X-Total-Count"] == "3"
    assert first.headers["Link"] == '<http://127.0.0.1:8080/api/v1/cdrs?limit=2&offset=2>; rel="next"'
    assert [cdr["id"] for cdr in (await last.json())["cdrs"]] == ["s4"]
    assert "Link" not in last.headers


@pytest.mark.parametrize(("query", "field"), [("limit=0", "limit"), ("limit=101", "limit"), ("offset=-1", "offset")])
async def test_a_bad_page_is_refused_naming_the_parameter(client: Any, query: str, field: str) -> None:
    host = await actor(client, "host@example.org", host=True)

    response = await client.get(f"/api/v1/sessions?{query}", headers=host.headers)

    assert response.status == 400
    assert (await response.json())["error"]["field"] == field
