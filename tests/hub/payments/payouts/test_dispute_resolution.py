"""Resolving a dispute: the host of the charger or an admin refunds the driver (a credit CDR, in the transaction
that resolves the dispute) or rejects the dispute, with a note; the driver is told. While a host has an open
dispute, payout runs hold back all of that host's payouts and no one else's; once it is resolved, the next run
pays what the host is still owed. A resolution takes an Idempotency-Key, and its retry refunds once. The books
reconcile after every resolution."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from chargeshare_hub.charging.tables import Cdr
from chargeshare_hub.ledger.kinds import AccountKind
from tests.hub.bookings.helpers import Clock, actor
from tests.hub.payments.helpers import database, differences, holding_of

from .helpers import CHARGED, EARNED, Charged, charged_session, disputed, earned, notices, paid_out, payouts, resolve

NOTE = "Sorry: the charger's fuse tripped."
WALLET = 1000  # what the driver topped up before the session


async def _credits(client: Any) -> int:
    async with database(client).read() as session:
        return int(await session.scalar(select(func.count(Cdr.id)).where(Cdr.credit)) or 0)


async def _disputed_session(client: Any, clock: Clock) -> tuple[Charged, str]:
    charged = await charged_session(client, clock)
    return charged, (await disputed(client, charged.driver, charged.cdr.id))["id"]


async def test_an_open_dispute_holds_back_the_payout_and_a_partial_refund_pays_the_rest_after(
    client: Any, clock: Clock
) -> None:
    charged, dispute_id = await _disputed_session(client, clock)
    held_back = await payouts(client).run()

    response = await resolve(client, charged.host, dispute_id, {"outcome": "refund", "amount": 10, "note": NOTE})
    run = await payouts(client).run()

    assert held_back.payouts == 0
    assert response.status == 200
    answer = await response.json()
    assert (answer["status"], answer["outcome"], answer["refund_cdr_id"], answer["note"]) == (
        "RESOLVED", "refunded", f"{charged.cdr.id}-C1", NOTE,
    )  # fmt: skip
    assert answer["resolved_by"] == charged.host.user_id
    # 10 of the 138 charged go back, in proportion: 1 of the platform's 13 and 9 of the host's 125.
    assert [payout.amount_minor for payout in await paid_out(client)] == [EARNED - 9]
    assert run.payouts == 1
    assert await holding_of(client, AccountKind.HOST_PAYABLE, charged.host.user_id) == 0
    assert await holding_of(client, AccountKind.DRIVER_WALLET, charged.driver.user_id) == WALLET - CHARGED + 10
    assert await differences(client) == []


async def test_a_rejected_dispute_releases_the_payout_unchanged(client: Any, clock: Clock) -> None:
    charged, dispute_id = await _disputed_session(client, clock)
    await payouts(client).run()

    response = await resolve(client, charged.host, dispute_id, {"outcome": "reject", "note": "5 kWh were charged."})
    await payouts(client).run()

    assert response.status == 200
    answer = await response.json()
    assert (answer["status"], answer["outcome"], answer["refund_cdr_id"]) == ("RESOLVED", "rejected", None)
    assert [payout.amount_minor for payout in await paid_out(client)] == [EARNED]
    assert await _credits(client) == 0
    assert await differences(client) == []


async def test_a_refund_of_everything_gives_the_charge_back_and_leaves_nothing_to_pay(
    client: Any, clock: Clock
) -> None:
    charged, dispute_id = await _disputed_session(client, clock)

    response = await resolve(client, charged.host, dispute_id, {"outcome": "refund", "note": NOTE})
    run = await payouts(client).run()

    assert response.status == 200
    assert run.payouts == 0
    assert await holding_of(client, AccountKind.HOST_PAYABLE, charged.host.user_id) == 0
    assert await holding_of(client, AccountKind.DRIVER_WALLET, charged.driver.user_id) == WALLET
    assert await differences(client) == []


async def test_an_open_dispute_holds_back_all_of_the_hosts_payouts_and_no_one_elses(client: Any, clock: Clock) -> None:
    charged, _dispute_id = await _disputed_session(client, clock)
    other_host = await actor(client, "other-host@example.org", host=True)
    await earned(client, charged.host.user_id, charged.driver.user_id, 500, "CHF")
    await earned(client, other_host.user_id, charged.driver.user_id, 500, "EUR")

    await payouts(client).run()

    assert [(payout.host_id, payout.currency) for payout in await paid_out(client)] == [(other_host.user_id, "EUR")]
    assert await differences(client) == []


async def test_the_driver_is_told_the_outcome_and_the_host_too_when_an_admin_decided(client: Any, clock: Clock) -> None:
    charged, dispute_id = await _disputed_session(client, clock)
    admin = await actor(client, "admin@example.org", admin=True)

    response = await resolve(client, admin, dispute_id, {"outcome": "refund", "amount": 38, "note": NOTE})

    assert response.status == 200
    assert (await response.json())["resolved_by"] == admin.user_id
    (to_driver,) = await notices(client, charged.driver)
    assert to_driver.kind == "payment.dispute_resolved"
    assert to_driver.body == (
        f"The dispute of CDR {charged.cdr.id} was resolved with a refund of 38 (minor units of EUR): {NOTE}"
    )
    assert [notice.kind for notice in await notices(client, charged.host)] == [
        "payment.dispute_opened",
        "payment.dispute_resolved",
    ]


async def test_a_retry_with_the_same_idempotency_key_is_replayed_and_refunds_once(client: Any, clock: Clock) -> None:
    charged, dispute_id = await _disputed_session(client, clock)
    body = {"outcome": "refund", "amount": 38, "note": NOTE}

    first = await resolve(client, charged.host, dispute_id, body, key="resolve-1")
    retry = await resolve(client, charged.host, dispute_id, body, key="resolve-1")

    assert (first.status, retry.status) == (200, 200)
    assert await first.json() == await retry.json()
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert await _credits(client) == 1
    assert await holding_of(client, AccountKind.DRIVER_WALLET, charged.driver.user_id) == WALLET - CHARGED + 38


async def test_a_resolution_without_an_idempotency_key_is_a_400(client: Any, clock: Clock) -> None:
    charged, dispute_id = await _disputed_session(client, clock)

    response = await client.post(
        f"/api/v1/disputes/{dispute_id}/resolution",
        json={"outcome": "reject", "note": NOTE},
        headers=charged.host.headers,
    )

    assert response.status == 400
    assert (await response.json())["error"]["code"] == "idempotency_key_missing"


async def test_a_resolved_dispute_is_not_resolved_again(client: Any, clock: Clock) -> None:
    charged, dispute_id = await _disputed_session(client, clock)
    await resolve(client, charged.host, dispute_id, {"outcome": "reject", "note": NOTE})

    again = await resolve(client, charged.host, dispute_id, {"outcome": "refund", "note": NOTE})

    assert again.status == 409
    assert (await again.json())["error"]["code"] == "dispute_resolved"
    assert await _credits(client) == 0


@pytest.mark.parametrize(("who", "status"), [("driver", 403), ("stranger", 404)])
async def test_only_the_host_or_an_admin_resolves_a_dispute(client: Any, clock: Clock, who: str, status: int) -> None:
    charged, dispute_id = await _disputed_session(client, clock)
    people = {"driver": charged.driver, "stranger": await actor(client, "stranger@example.org")}

    response = await resolve(client, people[who], dispute_id, {"outcome": "refund", "note": NOTE})

    assert response.status == status
    assert await _credits(client) == 0
    assert (await payouts(client).run()).payouts == 0  # still open: still held back


async def test_a_refund_beyond_what_is_left_is_a_409_and_the_dispute_stays_open(client: Any, clock: Clock) -> None:
    charged, dispute_id = await _disputed_session(client, clock)

    response = await resolve(
        client, charged.host, dispute_id, {"outcome": "refund", "amount": CHARGED + 1, "note": NOTE}
    )

    assert response.status == 409
    assert (await response.json())["error"]["code"] == "over_refund"
    still = await (await client.get(f"/api/v1/disputes/{dispute_id}", headers=charged.driver.headers)).json()
    assert still["status"] == "OPEN"
    assert await _credits(client) == 0
    assert await differences(client) == []


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ({"outcome": "reject", "amount": 38, "note": NOTE}, "invalid", "amount"),
        ({"outcome": "refund", "amount": 0, "note": NOTE}, "invalid_amount", "amount"),
        ({"outcome": "refund", "amount": "38", "note": NOTE}, "invalid_amount", "amount"),
        ({"outcome": "maybe", "note": NOTE}, "invalid", "outcome"),
        ({"outcome": "reject"}, "invalid", "note"),
        ({"outcome": "reject", "note": "   "}, "invalid", "note"),
        ({"outcome": "reject", "note": "x" * 201}, "invalid", "note"),
    ],
)
async def test_a_bad_resolution_is_a_400_naming_the_field_and_changes_nothing(
    client: Any, clock: Clock, body: dict[str, Any], code: str, field: str
) -> None:
    charged, dispute_id = await _disputed_session(client, clock)

    response = await resolve(client, charged.host, dispute_id, body)

    assert response.status == 400
    assert (await response.json())["error"] | {"message": ""} == {"code": code, "field": field, "message": ""}
    still = await (await client.get(f"/api/v1/disputes/{dispute_id}", headers=charged.host.headers)).json()
    assert still["status"] == "OPEN"
