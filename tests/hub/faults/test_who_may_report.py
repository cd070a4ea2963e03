"""Who may report a fault: a driver who booked the listing or charged there lately, and its host; the reporter is
always the signed-in account, once per EVSE while the report is open."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from chargeshare_hub.faults.tables import FaultReport
from chargeshare_hub.web.context import HUB
from tests.hub.bookings.helpers import START_OF_TESTS, actor, book, listing, period
from tests.hub.faults.helpers import (
    charged_at,
    error_of,
    evse_status,
    fix,
    form,
    report,
    reported,
    scene,
)


async def _reports(client: Any) -> int:
    async with client.server.app[HUB].db.read() as session:
        return int(await session.scalar(select(func.count()).select_from(FaultReport)) or 0)


async def test_a_driver_with_a_booking_reports_a_fault(client: Any) -> None:
    parties = await scene(client)

    response = await report(client, parties.driver, parties.location_id, "wallbox-1")
    fault = await response.json()

    assert response.status == 201
    assert fault | {"id": "", "reported_at": ""} == {
        "id": "",
        "location_id": parties.location_id,
        "evse_uid": "wallbox-1",
        "category": "EQUIPMENT_PROBLEM",
        "ocm_checkin_status": 25,
        "description": "The cable's plug is cracked.",
        "status": "OPEN",
        "reported_by": "DRIVER",
        "reported_at": "",
        "fixed_at": None,
        "photo_url": None,
    }
    assert fault["reported_at"] == "2026-06-01T08:00:00Z"


async def test_any_evse_of_a_booked_listing_may_be_reported(client: Any) -> None:
    parties = await scene(client)

    assert (await report(client, parties.driver, parties.location_id, "wallbox-2")).status == 201


async def test_a_canceled_booking_still_counts(client: Any) -> None:
    parties = await scene(client)
    canceled = await client.post(
        f"/api/v1/bookings/{parties.booking_id}/cancel",
        json={"cancellation_reason": "TRAFFIC"},
        headers=parties.driver.headers,
    )
    assert canceled.status == 200, await canceled.text()

    assert (await report(client, parties.driver, parties.location_id)).status == 201


async def test_a_rejected_booking_request_proves_no_visit(client: Any) -> None:
    host = await actor(client, "host@example.org", host=True)
    driver = await actor(client, "driver@example.org")
    location_id = await listing(client, host, {"approval": "HOST_APPROVAL"})
    booking = await (await book(client, driver, location_id, period(2))).json()
    declined = await client.post(f"/api/v1/bookings/{booking['id']}/decline", headers=host.headers)
    assert (await declined.json())["reservation_status"] == "REJECTED"

    response = await report(client, driver, location_id)

    assert await error_of(response) == (403, "forbidden", None)
    assert await _reports(client) == 0


@pytest.mark.parametrize(("days_ago", "status"), [(29, 201), (31, 403)])
async def test_a_session_there_counts_for_30_days(client: Any, days_ago: int, status: int) -> None:
    host = await actor(client, "host@example.org", host=True)
    driver = await actor(client, "driver@example.org")
    location_id = await listing(client, host)
    await charged_at(client, driver, host, location_id, START_OF_TESTS - timedelta(days=days_ago))

    assert (await report(client, driver, location_id)).status == status


async def test_the_host_reports_a_fault_of_their_own_charger(client: Any) -> None:
    parties = await scene(client)

    fault = await reported(client, parties.host, parties.location_id)

    assert fault["reported_by"] == "HOST"
    assert await evse_status(client, parties.location_id, "wallbox-1") == "OUTOFORDER"


@pytest.mark.parametrize("who", ["stranger", "other host", "admin"])
async def test_anyone_else_who_sees_the_listing_is_refused_and_nothing_changes(client: Any, who: str) -> None:
    parties = await scene(client)
    caller = await actor(client, "caller@example.org", host=who == "other host", admin=who == "admin")

    response = await report(client, caller, parties.location_id)

    assert await error_of(response) == (403, "forbidden", None)
    assert await _reports(client) == 0
    assert await evse_status(client, parties.location_id, "wallbox-1") == "AVAILABLE"


async def test_an_invite_only_listing_looks_like_nothing_to_a_stranger(client: Any) -> None:
    host = await actor(client, "host@example.org", host=True)
    stranger = await actor(client, "stranger@example.org")
    location_id = await listing(client, host, publish=False)

    assert (await report(client, stranger, location_id)).status == 404


async def test_anonymous_callers_and_tokens_without_the_scope_are_refused(client: Any) -> None:
    parties = await scene(client)
    narrow = await actor(client, "narrow@example.org", scopes=frozenset({"account"}))

    anonymous = await report(client, None, parties.location_id)
    scoped = await report(client, narrow, parties.location_id)

    assert anonymous.status == 401
    assert await error_of(scoped) == (403, "insufficient_scope", None)


@pytest.mark.parametrize("field", ["reporter_id", "user_id", "driver_id"])
async def test_a_report_naming_anyone_is_refused(client: Any, field: str) -> None:
    parties = await scene(client)
    other = await actor(client, "other@example.org")

    as_json = await report(client, parties.driver, parties.location_id, **{field: other.user_id})
    as_form = await client.post(
        f"/api/v1/listings/{parties.location_id}/evses/wallbox-1/faults",
        data=form(**{field: str(other.user_id)}),
        headers=parties.driver.headers,
    )

    assert await error_of(as_json) == (400, "invalid", field)
    assert await error_of(as_form) == (400, "invalid", field)
    assert await _reports(client) == 0


async def test_a_report_is_the_signed_in_accounts_own(client: Any) -> None:
    parties = await scene(client)
    other = await actor(client, "other@example.org")

    theirs = await report(client, other, parties.location_id)  # the other account's token acts as that account
    fault = await reported(client, parties.driver, parties.location_id)

    assert theirs.status == 403
    async with client.server.app[HUB].db.read() as session:
        assert await session.scalar(select(FaultReport.reporter_id)) == parties.driver.user_id
    mine = await (await client.get("/api/v1/faults", headers=parties.driver.headers)).json()
    not_theirs = await (await client.get("/api/v1/faults", headers=other.headers)).json()
    assert [item["id"] for item in mine["faults"]] == [fault["id"]]
    assert not_theirs == {"faults": []}


async def test_one_open_report_per_evse_and_reporter(client: Any) -> None:
    parties = await scene(client)
    first = await reported(client, parties.driver, parties.location_id, "wallbox-1")

    again = await report(client, parties.driver, parties.location_id, "wallbox-1")
    other_evse = await report(client, parties.driver, parties.location_id, "wallbox-2")
    await fix(client, parties.host, first)
    after_the_fix = await report(client, parties.driver, parties.location_id, "wallbox-1")

    assert await error_of(again) == (409, "already_reported", None)
    assert other_evse.status == 201
    assert after_the_fix.status == 201
    assert await _reports(client) == 3


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"category": "BROKEN"}, "category"),
        ({"description": ""}, "description"),
        ({"description": "   "}, "description"),
        ({"description": "x" * 2001}, "description"),
    ],
)
async def test_a_report_says_what_is_wrong_in_a_known_category(
    client: Any, changes: dict[str, Any], field: str
) -> None:
    parties = await scene(client)

    response = await report(client, parties.driver, parties.location_id, **changes)

    assert await error_of(response) == (400, "invalid", field)
    assert await _reports(client) == 0


async def test_an_unknown_evse_or_listing_is_404(client: Any) -> None:
    parties = await scene(client)

    assert (await report(client, parties.driver, parties.location_id, "wallbox-9")).status == 404
    assert (await report(client, parties.driver, "no-such-listing")).status == 404


async def test_a_report_is_json_or_a_form(client: Any) -> None:
    parties = await scene(client)

    response = await client.post(
        f"/api/v1/listings/{parties.location_id}/evses/wallbox-1/faults",
        data=b"category=OTHER",
        headers={**parties.driver.headers, "Content-Type": "text/plain"},
    )

    assert response.status == 415
