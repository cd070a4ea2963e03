"""Who reads fault reports: the listing's host and admins all of them, a reporter their own, nobody else any."""

from __future__ import annotations

from typing import Any

import pytest

from tests.hub.bookings.helpers import Actor, Clock, actor, booked, listing, period
from tests.hub.faults.helpers import Scene, fix, reported, scene


async def _two_reports(client: Any, clock: Clock) -> tuple[Scene, Actor, dict[str, Any], dict[str, Any]]:
    parties = await scene(client)
    second = await actor(client, "second@example.org")
    await booked(client, second, parties.location_id, period(5), evse_uid="wallbox-2")
    first = await reported(client, parties.driver, parties.location_id, "wallbox-1")
    clock.advance(minutes=10)
    later = await reported(client, second, parties.location_id, "wallbox-2")
    return parties, second, first, later


async def _ids(client: Any, path: str, who: Actor) -> list[str]:
    response = await client.get(path, headers=who.headers)
    assert response.status == 200, await response.text()
    return [fault["id"] for fault in (await response.json())["faults"]]


async def test_the_host_and_admins_read_every_report_of_the_listing_newest_first(client: Any, clock: Clock) -> None:
    parties, _second, first, later = await _two_reports(client, clock)
    admin = await actor(client, "admin@example.org", admin=True)
    path = f"/api/v1/listings/{parties.location_id}/faults"

    assert await _ids(client, path, parties.host) == [later["id"], first["id"]]
    assert await _ids(client, path, admin) == [later["id"], first["id"]]


async def test_open_ones_only_on_request(client: Any, clock: Clock) -> None:
    parties, _second, first, later = await _two_reports(client, clock)
    await fix(client, parties.host, first)

    path = f"/api/v1/listings/{parties.location_id}/faults"
    assert await _ids(client, f"{path}?status=OPEN", parties.host) == [later["id"]]
    assert (await client.get(f"{path}?status=FIXED", headers=parties.host.headers)).status == 400


async def test_a_reporter_reads_their_own_reports_only(client: Any, clock: Clock) -> None:
    parties, second, first, later = await _two_reports(client, clock)

    assert await _ids(client, f"/api/v1/listings/{parties.location_id}/faults", parties.driver) == [first["id"]]
    assert await _ids(client, "/api/v1/faults", second) == [later["id"]]


async def test_only_admins_see_which_account_reported(client: Any, clock: Clock) -> None:
    parties, _second, first, _later = await _two_reports(client, clock)
    admin = await actor(client, "admin@example.org", admin=True)
    path = f"/api/v1/listings/{parties.location_id}/faults/{first['id']}"

    as_host = await (await client.get(path, headers=parties.host.headers)).json()
    as_admin = await (await client.get(path, headers=admin.headers)).json()

    assert "reporter_id" not in as_host
    assert as_admin["reporter_id"] == parties.driver.user_id


@pytest.mark.parametrize(("who", "status"), [("reporter", 200), ("host", 200), ("admin", 200), ("other driver", 404),
                                             ("other host", 404), ("anonymous", 401)])  # fmt: skip
async def test_one_report_is_read_by_its_reporter_the_host_and_admins(client: Any, who: str, status: int) -> None:
    parties = await scene(client)
    fault = await reported(client, parties.driver, parties.location_id)
    callers = {
        "reporter": parties.driver,
        "host": parties.host,
        "admin": await actor(client, "admin@example.org", admin=True),
        "other driver": await actor(client, "other@example.org"),
        "other host": await actor(client, "other-host@example.org", host=True),
        "anonymous": None,
    }
    caller = callers[who]

    response = await client.get(
        f"/api/v1/listings/{parties.location_id}/faults/{fault['id']}",
        headers=None if caller is None else caller.headers,
    )

    assert response.status == status
    if status == 200:
        assert (await response.json())["id"] == fault["id"]


async def test_others_find_no_report_of_a_listing_they_see_and_no_listing_they_do_not(client: Any) -> None:
    parties = await scene(client)
    await reported(client, parties.driver, parties.location_id)
    stranger = await actor(client, "stranger@example.org")
    hidden = await listing(client, parties.host, publish=False)

    seen = await _ids(client, f"/api/v1/listings/{parties.location_id}/faults", stranger)
    unseen = await client.get(f"/api/v1/listings/{hidden}/faults", headers=stranger.headers)

    assert seen == []
    assert unseen.status == 404
