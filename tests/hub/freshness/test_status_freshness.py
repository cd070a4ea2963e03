"""A status older than its limit shows as UNKNOWN in every read, and a search for a free charger does not count it:
a status the host typed in lasts 14 days, a live one from Home Assistant 30 minutes; a status saying the charger
cannot be used does not expire."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chargeshare_hub.config import ConfigError, HubConfig
from chargeshare_hub.listings.health import DEFAULT_RULES, EXPIRING_STATUSES, HealthRules
from chargeshare_hub.search.availability import BOOKABLE_STATUSES
from tests.hub.bookings.helpers import Actor, Clock, actor
from tests.hub.faults.helpers import link_token, shown_statuses
from tests.hub.listings.helpers import home_charger, without

T0 = datetime(2026, 6, 1, tzinfo=UTC)
NEAR = "lat=50.931826&lon=6.964043&radius_km=1"
FREE = "&free_from=2026-07-01T08:00:00Z&free_until=2026-07-01T09:00:00Z"


def test_the_default_limits() -> None:
    expected = HealthRules(
        stale_after=timedelta(days=60),
        remind_before=timedelta(days=7),
        live_fresh=timedelta(minutes=30),
        manual_fresh=timedelta(days=14),
    )

    assert expected == DEFAULT_RULES


@pytest.mark.parametrize(
    ("status", "age", "live", "shown"),
    [
        ("AVAILABLE", timedelta(minutes=30), True, "AVAILABLE"),
        ("AVAILABLE", timedelta(minutes=30, seconds=1), True, "UNKNOWN"),
        ("CHARGING", timedelta(hours=1), True, "UNKNOWN"),
        ("AVAILABLE", timedelta(days=14), False, "AVAILABLE"),
        ("BLOCKED", timedelta(days=14, seconds=1), False, "UNKNOWN"),
        ("RESERVED", timedelta(days=15), False, "UNKNOWN"),
        ("OUTOFORDER", timedelta(days=400), True, "OUTOFORDER"),
        ("INOPERATIVE", timedelta(days=400), False, "INOPERATIVE"),
        ("PLANNED", timedelta(days=400), False, "PLANNED"),
        ("REMOVED", timedelta(days=400), False, "REMOVED"),
    ],
)
def test_which_status_shows_at_which_age(status: str, age: timedelta, live: bool, shown: str) -> None:
    assert DEFAULT_RULES.shown_status(status, T0, live, T0 + age) == shown


def test_every_status_a_search_counts_as_free_expires() -> None:
    assert set(BOOKABLE_STATUSES) <= EXPIRING_STATUSES


@pytest.mark.parametrize(
    "changes",
    [
        {"listing_reminder_days": 60},
        {"listing_stale_days": 0},
        {"status_fresh_minutes": 0},
        {"manual_status_fresh_days": 0},
    ],
)
def test_limits_that_make_no_sense_are_refused(changes: dict[str, int]) -> None:
    with pytest.raises(ConfigError):
        HealthRules.from_config(replace(HubConfig(), **changes))


async def _listed(client: Any) -> tuple[Actor, str]:
    host = await actor(client, "host@example.org", host=True)
    response = await client.post("/api/v1/listings", json=home_charger(), headers=host.headers)
    assert response.status == 201, await response.text()
    return host, (await response.json())["id"]


async def _search(client: Any, query: str) -> list[dict[str, Any]]:
    response = await client.get(f"/api/v1/search?{query}")
    assert response.status == 200, await response.text()
    results: list[dict[str, Any]] = (await response.json())["results"]
    return results


async def test_a_status_typed_in_shows_for_14_days_then_as_unknown_everywhere(client: Any, clock: Clock) -> None:
    host, location_id = await _listed(client)
    driver = await actor(client, "driver@example.org")

    clock.advance(days=14)
    fresh = (await shown_statuses(client, location_id, driver), await _search(client, NEAR),
             await _search(client, NEAR + FREE))  # fmt: skip
    clock.advance(seconds=1)
    old = (await shown_statuses(client, location_id, driver), await _search(client, NEAR),
           await _search(client, NEAR + FREE))  # fmt: skip

    assert fresh[0] == {"wallbox-1": "AVAILABLE"}
    assert fresh[1][0]["evse_statuses"] == {"AVAILABLE": 1}
    assert [result["location_id"] for result in fresh[2]] == [location_id]
    assert old[0] == {"wallbox-1": "UNKNOWN"}
    assert old[1][0]["evse_statuses"] == {"UNKNOWN": 1}
    assert old[2] == []  # never counted as free
    assert await shown_statuses(client, location_id, host) == {"wallbox-1": "UNKNOWN"}


async def test_a_live_status_shows_for_30_minutes(client: Any, clock: Clock) -> None:
    host, location_id = await _listed(client)
    link = await link_token(client, host)
    put = await client.put(
        f"/api/v1/listings/{location_id}/evses/wallbox-1/status", json={"status": "AVAILABLE"}, headers=link.headers
    )
    assert put.status == 200, await put.text()

    clock.advance(minutes=30)
    fresh = (await shown_statuses(client, location_id, host), await _search(client, NEAR + FREE))
    clock.advance(seconds=1)
    old = (await shown_statuses(client, location_id, host), await _search(client, NEAR + FREE))

    assert fresh == ({"wallbox-1": "AVAILABLE"}, [fresh[1][0]])
    assert old == ({"wallbox-1": "UNKNOWN"}, [])


async def test_a_status_saying_the_charger_cannot_be_used_does_not_expire(client: Any, clock: Clock) -> None:
    host = await actor(client, "host@example.org", host=True)
    document = home_charger()
    document["evses"][0]["status"] = "INOPERATIVE"
    location_id = (await (await client.post("/api/v1/listings", json=document, headers=host.headers)).json())["id"]

    clock.advance(days=50)

    assert await shown_statuses(client, location_id, host) == {"wallbox-1": "INOPERATIVE"}
    assert (await _search(client, NEAR))[0]["evse_statuses"] == {"INOPERATIVE": 1}


async def test_the_hosts_update_or_confirmation_renews_a_status_typed_in(client: Any, clock: Clock) -> None:
    host, location_id = await _listed(client)
    clock.advance(days=10)
    shown = await (await client.get(f"/api/v1/listings/{location_id}", headers=host.headers)).json()
    assert (await client.put(f"/api/v1/listings/{location_id}", json=without(shown, ("max_power",)),
                             headers=host.headers)).status == 200  # fmt: skip
    clock.advance(days=10)
    confirmed = await client.post(f"/api/v1/listings/{location_id}/availability-confirmation", headers=host.headers)
    clock.advance(days=10)

    assert confirmed.status == 200
    assert await shown_statuses(client, location_id, host) == {"wallbox-1": "AVAILABLE"}


async def test_a_confirmation_does_not_renew_a_live_status(client: Any, clock: Clock) -> None:
    host, location_id = await _listed(client)
    link = await link_token(client, host)
    await client.put(
        f"/api/v1/listings/{location_id}/evses/wallbox-1/status", json={"status": "CHARGING"}, headers=link.headers
    )
    clock.advance(hours=1)

    confirmed = await client.post(f"/api/v1/listings/{location_id}/availability-confirmation", headers=host.headers)

    assert [evse["status"] for evse in (await confirmed.json())["evses"]] == ["UNKNOWN"]
