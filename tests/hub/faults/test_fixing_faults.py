"""The host confirms a fix: the report closes, the EVSE works again once no report of it is open, the reporter
is told. Nobody else closes a report."""

from __future__ import annotations

from typing import Any

import pytest

from tests.hub.bookings.helpers import Clock, actor, booked, listing, period
from tests.hub.faults.helpers import error_of, evse_status, fix, notifications, reported, scene, shown_statuses


async def test_the_host_confirms_the_fix_and_the_reporter_is_told(client: Any, clock: Clock) -> None:
    parties = await scene(client)
    fault = await reported(client, parties.driver, parties.location_id)
    clock.advance(hours=3)

    response = await fix(client, parties.host, fault)
    fixed = await response.json()

    assert response.status == 200
    assert (fixed["status"], fixed["fixed_at"]) == ("FIXED", "2026-06-01T11:00:00Z")
    assert await shown_statuses(client, parties.location_id, parties.driver) == {
        "wallbox-1": "AVAILABLE",
        "wallbox-2": "AVAILABLE",
    }
    assert await notifications(client, parties.driver) == [
        ("fault.fixed", f"/listings/{parties.location_id}/faults/{fault['id']}")
    ]


async def test_the_evse_stays_out_of_order_while_another_report_of_it_is_open(client: Any) -> None:
    parties = await scene(client)
    second = await actor(client, "second@example.org")
    await booked(client, second, parties.location_id, period(5), evse_uid="wallbox-2")
    first_fault = await reported(client, parties.driver, parties.location_id)
    second_fault = await reported(client, second, parties.location_id)

    await fix(client, parties.host, first_fault)
    after_one = await evse_status(client, parties.location_id, "wallbox-1")
    await fix(client, parties.host, second_fault)
    after_both = await evse_status(client, parties.location_id, "wallbox-1")

    assert (after_one, after_both) == ("OUTOFORDER", "AVAILABLE")


async def test_a_fixed_evse_can_be_booked_again(client: Any) -> None:
    parties = await scene(client)
    other = await actor(client, "other@example.org")
    fault = await reported(client, parties.driver, parties.location_id, "wallbox-2")

    await fix(client, parties.host, fault)
    booking = await booked(client, other, parties.location_id, period(5), evse_uid="wallbox-2")

    assert booking["evse_uid"] == "wallbox-2"


async def test_a_fault_is_fixed_once(client: Any) -> None:
    parties = await scene(client)
    fault = await reported(client, parties.driver, parties.location_id)
    await fix(client, parties.host, fault)

    assert await error_of(await fix(client, parties.host, fault)) == (409, "already_fixed", None)
    assert len(await notifications(client, parties.driver)) == 1


async def test_the_host_fixing_their_own_report_tells_nobody(client: Any) -> None:
    parties = await scene(client)
    fault = await reported(client, parties.host, parties.location_id, "wallbox-2")

    assert (await fix(client, parties.host, fault)).status == 200
    assert await notifications(client, parties.host) == []


@pytest.mark.parametrize(
    ("who", "status"),
    [("reporter", 403), ("admin", 403), ("other host", 404), ("other driver", 404), ("anonymous", 401)],
)
async def test_only_the_host_confirms_a_fix(client: Any, who: str, status: int) -> None:
    parties = await scene(client)
    fault = await reported(client, parties.driver, parties.location_id)
    others = {
        "reporter": parties.driver,
        "admin": await actor(client, "admin@example.org", admin=True),
        "other host": await actor(client, "other-host@example.org", host=True),
        "other driver": await actor(client, "other@example.org"),
        "anonymous": None,
    }

    response = await fix(client, others[who], fault)

    assert response.status == status
    assert await evse_status(client, parties.location_id, "wallbox-1") == "OUTOFORDER"


async def test_a_fault_is_found_only_under_its_own_listing(client: Any) -> None:
    parties = await scene(client)
    fault = await reported(client, parties.driver, parties.location_id)
    second_listing = await listing(client, parties.host, name="Garage")

    response = await fix(client, parties.host, fault | {"location_id": second_listing})

    assert response.status == 404
    assert await evse_status(client, parties.location_id, "wallbox-1") == "OUTOFORDER"
