"""Opening and reading disputes: the driver of a CDR disputes its charge within seven days, with a reason, once
at a time; the host is told. A dispute is seen by its driver, the host and admins; to anyone else, and to
anyone for a CDR they may not see, it looks like nothing (404)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.exc import IntegrityError

from chargeshare_hub.payments.payout_tables import PaymentDispute
from tests.hub.bookings.helpers import Actor, Clock, actor
from tests.hub.payments.helpers import database

from .helpers import REASON, charged_session, dispute, disputed, notices, resolved


async def _listed(client: Any, who: Actor, query: str = "") -> list[str]:
    """The ids of the disputes `who` is shown."""
    answer = await (await client.get(f"/api/v1/disputes{query}", headers=who.headers)).json()
    return [item["id"] for item in answer["disputes"]]


async def test_the_driver_disputes_a_charge_and_the_host_is_told(client: Any, clock: Clock) -> None:
    charged = await charged_session(client, clock)

    response = await dispute(client, charged.driver, charged.cdr.id)

    assert response.status == 201
    opened = await response.json()
    assert opened == {
        "id": opened["id"], "cdr_id": charged.cdr.id, "driver_id": charged.driver.user_id,
        "host_id": charged.host.user_id, "reason": REASON, "status": "OPEN", "outcome": None,
        "refund_cdr_id": None, "resolved_by": None, "note": None, "created_at": "2024-01-10T10:30:00Z",
        "resolved_at": None,
    }  # fmt: skip
    (notice,) = await notices(client, charged.host)
    assert (notice.kind, notice.link) == ("payment.dispute_opened", f"/api/v1/disputes/{opened['id']}")
    assert REASON in notice.body


@pytest.mark.parametrize(("who", "status"), [("host", 403), ("admin", 403), ("stranger", 404)])
async def test_only_the_driver_of_the_cdr_disputes_it(client: Any, clock: Clock, who: str, status: int) -> None:
    charged = await charged_session(client, clock)
    people = {
        "host": charged.host,
        "admin": await actor(client, "admin@example.org", admin=True),
        "stranger": await actor(client, "stranger@example.org"),
    }

    response = await dispute(client, people[who], charged.cdr.id)

    assert response.status == status
    listed = await (await client.get("/api/v1/disputes", headers=charged.driver.headers)).json()
    assert listed["disputes"] == []


async def test_an_unknown_cdr_is_a_404(client: Any, clock: Clock) -> None:
    charged = await charged_session(client, clock)

    response = await dispute(client, charged.driver, "no-such-cdr")

    assert response.status == 404


@pytest.mark.parametrize(("days", "seconds", "status"), [(7, 0, 201), (7, 1, 409)], ids=["on-day-7", "after"])
async def test_a_charge_is_disputed_within_seven_days_of_its_cdr(
    client: Any, clock: Clock, days: int, seconds: int, status: int
) -> None:
    charged = await charged_session(client, clock)
    clock.advance(days=days, seconds=seconds)

    response = await dispute(client, charged.driver, charged.cdr.id)

    assert response.status == status
    if status == 409:
        assert (await response.json())["error"]["code"] == "dispute_window_closed"


async def test_a_cdr_has_one_open_dispute_at_a_time(client: Any, clock: Clock) -> None:
    charged = await charged_session(client, clock)
    first = await disputed(client, charged.driver, charged.cdr.id)

    again = await dispute(client, charged.driver, charged.cdr.id)
    await resolved(client, charged.host, first["id"], {"outcome": "reject", "note": "The meter shows 5 kWh."})
    after_it_was_resolved = await dispute(client, charged.driver, charged.cdr.id)

    assert again.status == 409
    assert (await again.json())["error"]["code"] == "dispute_open"
    assert after_it_was_resolved.status == 201


async def test_the_database_itself_refuses_a_second_open_dispute_of_a_cdr(client: Any, clock: Clock) -> None:
    charged = await charged_session(client, clock)
    await disputed(client, charged.driver, charged.cdr.id)

    with pytest.raises(IntegrityError):
        async with database(client).write() as session:
            session.add(
                PaymentDispute(
                    cdr_id=charged.cdr.id, driver_id=charged.driver.user_id, host_id=charged.host.user_id,
                    reason=REASON, status="OPEN", created_at=clock.now,
                )
            )  # fmt: skip


async def test_a_credit_cdr_is_not_disputed(client: Any, clock: Clock) -> None:
    charged = await charged_session(client, clock)
    credit = await client.post(
        f"/api/v1/cdrs/{charged.cdr.id}/credits",
        json={"amount": 10, "reason": "Goodwill"},
        headers=charged.host.headers,
    )
    assert credit.status == 201, await credit.text()

    response = await dispute(client, charged.driver, f"{charged.cdr.id}-C1")

    assert response.status == 409
    assert (await response.json())["error"]["code"] == "dispute_of_credit"


@pytest.mark.parametrize("reason", ["", "   ", "x" * 2001, 5, None])
async def test_a_reason_is_one_to_2000_characters(client: Any, clock: Clock, reason: Any) -> None:
    charged = await charged_session(client, clock)

    response = await dispute(client, charged.driver, charged.cdr.id, reason)

    assert response.status == 400
    assert (await response.json())["error"]["field"] == "reason"


async def test_the_parties_and_admins_read_a_dispute_and_everyone_else_finds_nothing(client: Any, clock: Clock) -> None:
    charged = await charged_session(client, clock)
    admin = await actor(client, "admin@example.org", admin=True)
    stranger = await actor(client, "stranger@example.org")
    opened = await disputed(client, charged.driver, charged.cdr.id)
    url = f"/api/v1/disputes/{opened['id']}"

    people = {"driver": charged.driver, "host": charged.host, "admin": admin, "stranger": stranger}

    seen = {who: (await client.get(url, headers=person.headers)).status for who, person in people.items()}
    lists = {who: await _listed(client, person) for who, person in people.items()}

    assert seen == {"driver": 200, "host": 200, "admin": 200, "stranger": 404}
    assert lists == {"driver": [opened["id"]], "host": [opened["id"]], "admin": [opened["id"]], "stranger": []}
    assert (await client.get("/api/v1/disputes/abc", headers=admin.headers)).status == 404
    assert (await client.get("/api/v1/disputes/99999999999", headers=admin.headers)).status == 404


async def test_the_list_comes_newest_first_in_pages_and_filters_by_status(client: Any, clock: Clock) -> None:
    charged = await charged_session(client, clock)
    older = await disputed(client, charged.driver, charged.cdr.id)
    await resolved(client, charged.host, older["id"], {"outcome": "reject", "note": "The meter shows 5 kWh."})
    newer = await disputed(client, charged.driver, charged.cdr.id)
    headers = charged.driver.headers

    first = await (await client.get("/api/v1/disputes?limit=1", headers=headers)).json()
    second = await (await client.get(f"/api/v1/disputes?limit=1&before={first['next_cursor']}", headers=headers)).json()
    open_ones = await _listed(client, charged.driver, "?status=OPEN")
    bad = await client.get("/api/v1/disputes?status=CLOSED", headers=headers)

    assert [d["id"] for d in first["disputes"] + second["disputes"]] == [newer["id"], older["id"]]
    assert second["next_cursor"] is None
    assert open_ones == [newer["id"]]
    assert bad.status == 400
