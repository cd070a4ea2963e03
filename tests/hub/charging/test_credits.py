"""Refunds are credit CDRs: new records with negative totals that reference the original, never more in all
than the driver paid; issued by the host of the charger or an admin, and once per request key."""

from __future__ import annotations

from typing import Any

from tests.hub.bookings.helpers import Actor, actor

from .helpers import charged, charger, example_tariff, reserved


async def _paid_session(client: Any) -> tuple[Actor, Actor, str]:
    """host@ and driver@, and the CDR of the driver's booked 5 kWh under tariff 9: 1.75 excl., 1.98 incl."""
    host = await actor(client, "host@example.org", host=True)
    driver = await actor(client, "driver@example.org")
    location_id = await charger(client, host, example_tariff("tariff_9_025kwh_start.json"))
    await reserved(client, driver, location_id, "BOOKED1")
    cdr = await charged(client, host, location_id, id_tag="BOOKED1")
    return host, driver, cdr.id


async def _credit(client: Any, who: Actor, cdr_id: str, **body: Any) -> Any:
    return await client.post(
        f"/api/v1/cdrs/{cdr_id}/credits", json={"reason": "Charger stopped early", **body}, headers=who.headers
    )


async def test_a_full_credit_mirrors_the_cdr_with_negative_totals(client: Any) -> None:
    host, driver, cdr_id = await _paid_session(client)

    response = await _credit(client, host, cdr_id)

    assert response.status == 201
    credit = await response.json()
    original = await (await client.get(f"/api/v1/cdrs/{cdr_id}", headers=driver.headers)).json()
    assert (credit["id"], credit["credit"], credit["credit_reference_id"]) == (f"{cdr_id}-C1", True, cdr_id)
    assert credit["total_cost"] == {"excl_vat": -1.75, "incl_vat": -1.98}
    assert credit["total_energy_cost"] == {"excl_vat": -1.25, "incl_vat": -1.38}
    assert credit["total_energy"] == -original["total_energy"]
    assert credit["remark"] == "Charger stopped early"
    assert (credit["session_id"], credit["cdr_location"]) == (original["session_id"], original["cdr_location"])
    assert original["total_cost"] == {"excl_vat": 1.75, "incl_vat": 1.98}


async def test_partial_credits_add_up_to_no_more_than_was_paid(client: Any) -> None:
    host, _, cdr_id = await _paid_session(client)

    first = await (await _credit(client, host, cdr_id, amount=100)).json()
    too_much = await _credit(client, host, cdr_id, amount=99)
    rest = await (await _credit(client, host, cdr_id)).json()
    nothing_left = await _credit(client, host, cdr_id, amount=1)

    assert first["id"] == f"{cdr_id}-C1"
    assert first["total_cost"] == {"excl_vat": -0.88, "incl_vat": -1.0}  # 100 x 175 / 198, half up
    assert (first["total_energy"], "total_energy_cost" in first) == (0, False)
    assert too_much.status == 409
    assert (await too_much.json())["error"] == {
        "code": "over_refund",
        "message": "At most 98 (minor units) of this CDR can still be credited.",
        "field": "amount",
    }
    assert rest["id"] == f"{cdr_id}-C2"
    assert rest["total_cost"] == {"excl_vat": -0.87, "incl_vat": -0.98}  # the excl. VAT rest, to the cent
    assert nothing_left.status == 409


async def test_a_repeated_request_key_returns_the_same_credit(client: Any) -> None:
    host, _, cdr_id = await _paid_session(client)
    key = {"Idempotency-Key": "refund-1"}

    first = await client.post(
        f"/api/v1/cdrs/{cdr_id}/credits", json={"amount": 50, "reason": "r"}, headers=host.headers | key
    )
    again = await client.post(
        f"/api/v1/cdrs/{cdr_id}/credits", json={"amount": 50, "reason": "r"}, headers=host.headers | key
    )
    other = await client.post(
        f"/api/v1/cdrs/{cdr_id}/credits", json={"amount": 60, "reason": "r"}, headers=host.headers | key
    )
    listed = await (await client.get("/api/v1/cdrs", headers=host.headers)).json()

    assert (first.status, again.status, other.status) == (201, 201, 409)
    assert await again.json() == await first.json()
    assert [cdr["id"] for cdr in listed["cdrs"]] == [cdr_id, f"{cdr_id}-C1"]


async def test_a_credit_cdr_is_not_credited_itself(client: Any) -> None:
    host, _, cdr_id = await _paid_session(client)
    await _credit(client, host, cdr_id, amount=50)

    response = await _credit(client, host, f"{cdr_id}-C1")

    assert response.status == 409


async def test_the_driver_sees_but_cannot_credit_their_own_cdr(client: Any) -> None:
    _, driver, cdr_id = await _paid_session(client)

    response = await _credit(client, driver, cdr_id)

    assert response.status == 403


async def test_another_host_and_another_driver_find_no_cdr_to_credit(client: Any) -> None:
    _, _, cdr_id = await _paid_session(client)
    other_host = await actor(client, "other@example.org", host=True)
    other_driver = await actor(client, "stranger@example.org")

    statuses = [(await _credit(client, who, cdr_id)).status for who in (other_host, other_driver)]

    assert statuses == [404, 404]


async def test_an_admin_credits_any_cdr(client: Any) -> None:
    _, _, cdr_id = await _paid_session(client)
    admin = await actor(client, "admin@example.org", admin=True)

    response = await _credit(client, admin, cdr_id, amount=198)

    assert response.status == 201
    assert (await response.json())["total_cost"] == {"excl_vat": -1.75, "incl_vat": -1.98}


async def test_a_bad_credit_request_is_refused_naming_the_field(client: Any) -> None:
    host, _, cdr_id = await _paid_session(client)

    zero = await _credit(client, host, cdr_id, amount=0)
    no_reason = await client.post(f"/api/v1/cdrs/{cdr_id}/credits", json={"amount": 5}, headers=host.headers)

    assert ((await zero.json())["error"]["field"], (await no_reason.json())["error"]["field"]) == ("amount", "reason")
