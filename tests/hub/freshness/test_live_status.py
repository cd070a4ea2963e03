"""Live statuses from the host's Home Assistant: only for the host's own EVSEs, never over an open fault report,
and a sign the host is still there."""

from __future__ import annotations

from typing import Any

import pytest

from tests.hub.bookings.helpers import Actor, Clock, actor, listing
from tests.hub.faults.helpers import error_of, evse_status, link_token, reported, scene, shown_statuses


async def _put(client: Any, who: Actor | None, location_id: str, status: str, uid: str = "wallbox-1") -> Any:
    return await client.put(
        f"/api/v1/listings/{location_id}/evses/{uid}/status",
        json={"status": status},
        headers=None if who is None else who.headers,
    )


async def test_the_hosts_home_assistant_reports_a_status(client: Any) -> None:
    host = await actor(client, "host@example.org", host=True)
    location_id = await listing(client, host)

    response = await _put(client, await link_token(client, host), location_id, "CHARGING")

    assert (response.status, await response.json()) == (200, {"uid": "wallbox-1", "status": "CHARGING"})
    assert await shown_statuses(client, location_id, host) == {"wallbox-1": "CHARGING", "wallbox-2": "AVAILABLE"}


@pytest.mark.parametrize(("who", "status"), [("other host", 404), ("driver", 404), ("anonymous", 401)])
async def test_only_the_hosts_own_link_reports(client: Any, who: str, status: int) -> None:
    host = await actor(client, "host@example.org", host=True)
    location_id = await listing(client, host)
    callers = {
        "other host": await link_token(client, await actor(client, "other@example.org", host=True)),
        "driver": await link_token(client, await actor(client, "driver@example.org")),
        "anonymous": None,
    }

    response = await _put(client, callers[who], location_id, "CHARGING")

    assert response.status == status
    assert await evse_status(client, location_id, "wallbox-1") == "AVAILABLE"


async def test_a_token_without_the_link_scope_is_refused(client: Any) -> None:
    host = await actor(client, "host@example.org", host=True, scopes=frozenset({"listings"}))
    location_id = await listing(client, host)

    assert await error_of(await _put(client, host, location_id, "CHARGING")) == (403, "insufficient_scope", None)


async def test_the_link_does_not_retire_an_evse_nor_report_an_unknown_one(client: Any) -> None:
    host = await actor(client, "host@example.org", host=True)
    location_id = await listing(client, host)
    link = await link_token(client, host)

    assert await error_of(await _put(client, link, location_id, "REMOVED")) == (400, "invalid", "status")
    assert (await _put(client, link, location_id, "CHARGING", uid="wallbox-9")).status == 404


async def test_an_open_fault_report_outweighs_a_live_status(client: Any) -> None:
    parties = await scene(client)
    await reported(client, parties.driver, parties.location_id)

    response = await _put(client, await link_token(client, parties.host), parties.location_id, "AVAILABLE")

    assert (await response.json())["status"] == "OUTOFORDER"
    assert await evse_status(client, parties.location_id, "wallbox-1") == "OUTOFORDER"


async def test_a_live_status_confirms_the_listing(client: Any, clock: Clock) -> None:
    host = await actor(client, "host@example.org", host=True)
    driver = await actor(client, "driver@example.org")
    location_id = await listing(client, host)
    clock.advance(days=61)
    hidden = await client.get(f"/api/v1/listings/{location_id}", headers=driver.headers)

    await _put(client, await link_token(client, host), location_id, "AVAILABLE")
    shown = await client.get(f"/api/v1/listings/{location_id}", headers=driver.headers)

    assert (hidden.status, shown.status) == (404, 200)
