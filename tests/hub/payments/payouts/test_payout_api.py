"""Payouts over HTTP: a host reads their own, newest first in pages; admins read every host's (those still to
transfer: ?status=PENDING) and mark one PAID once the money is sent, which tells the host. Marking it again
with the same transfer reference changes nothing; with another it is refused. Nobody else does either."""

from __future__ import annotations

from typing import Any

import pytest

from chargeshare_hub.payments.payout_tables import Payout
from tests.hub.bookings.helpers import Actor, Clock, actor

from .helpers import EARNED, charged_session, earned, notices, paid_out, payouts

PAYOUTS, ADMIN_PAYOUTS = "/api/v1/payouts", "/api/v1/admin/payouts"


async def _two_payouts(client: Any, clock: Clock) -> tuple[Actor, Actor, list[Payout]]:
    """The host paid EARNED, and a day later 200 more; (host, driver, payouts oldest first)."""
    charged = await charged_session(client, clock)
    await payouts(client).run()
    clock.advance(days=1)
    await earned(client, charged.host.user_id, charged.driver.user_id, 200, "EUR")
    await payouts(client).run()
    return charged.host, charged.driver, await paid_out(client)


async def _paid(client: Any, admin: Actor, payout_id: str, body: dict[str, Any]) -> Any:
    return await client.post(f"{ADMIN_PAYOUTS}/{payout_id}/paid", json=body, headers=admin.headers)


async def test_a_host_reads_their_own_payouts_newest_first_in_pages(client: Any, clock: Clock) -> None:
    host, driver, (older, newer) = await _two_payouts(client, clock)

    first = await (await client.get(f"{PAYOUTS}?limit=1", headers=host.headers)).json()
    second = await (await client.get(f"{PAYOUTS}?limit=1&before={first['next_cursor']}", headers=host.headers)).json()
    drivers = await (await client.get(PAYOUTS, headers=driver.headers)).json()

    assert first["payouts"] == [
        {
            "id": newer.id, "host_id": host.user_id, "currency": "EUR", "amount": 200, "batch": newer.batch,
            "posting_id": newer.posting_id, "status": "PENDING", "created_at": "2024-01-11T10:30:00Z",
            "paid_at": None, "transfer_reference": None,
        }
    ]  # fmt: skip
    assert [(payout["id"], payout["amount"]) for payout in second["payouts"]] == [(older.id, EARNED)]
    assert second["next_cursor"] is None
    assert drivers == {"payouts": [], "next_cursor": None}


async def test_an_admin_lists_the_payouts_still_to_transfer(client: Any, clock: Clock) -> None:
    _host, _driver, (older, newer) = await _two_payouts(client, clock)
    admin = await actor(client, "admin@example.org", admin=True)
    await _paid(client, admin, older.id, {"transfer_reference": "SEPA-2024-0001"})

    pending = await (await client.get(f"{ADMIN_PAYOUTS}?status=PENDING", headers=admin.headers)).json()
    done = await (await client.get(f"{ADMIN_PAYOUTS}?status=PAID", headers=admin.headers)).json()
    every = await (await client.get(ADMIN_PAYOUTS, headers=admin.headers)).json()

    assert [payout["id"] for payout in pending["payouts"]] == [newer.id]
    assert [payout["id"] for payout in done["payouts"]] == [older.id]
    assert [payout["id"] for payout in every["payouts"]] == [newer.id, older.id]


async def test_an_admin_marks_a_payout_paid_and_the_host_is_told(client: Any, clock: Clock) -> None:
    charged = await charged_session(client, clock)
    await payouts(client).run()
    (payout,) = await paid_out(client)
    admin = await actor(client, "admin@example.org", admin=True)
    clock.advance(days=2)

    response = await _paid(client, admin, payout.id, {"transfer_reference": "SEPA-2024-0001"})

    assert response.status == 200
    answer = await response.json()
    assert (answer["status"], answer["paid_at"], answer["transfer_reference"]) == (
        "PAID", "2024-01-12T10:30:00Z", "SEPA-2024-0001",
    )  # fmt: skip
    (notice,) = await notices(client, charged.host)
    assert notice.kind == "payment.payout_paid"
    assert notice.body == (
        "Your payout of 125 (minor units of EUR) of 2024-01-10 was transferred to you"
        " with the reference SEPA-2024-0001."
    )


async def test_marking_it_paid_again_changes_nothing_but_another_transfer_is_a_409(client: Any, clock: Clock) -> None:
    charged = await charged_session(client, clock)
    await payouts(client).run()
    (payout,) = await paid_out(client)
    admin = await actor(client, "admin@example.org", admin=True)
    first = await (await _paid(client, admin, payout.id, {"transfer_reference": "SEPA-1"})).json()
    clock.advance(hours=1)

    again = await _paid(client, admin, payout.id, {"transfer_reference": "SEPA-1"})
    other = await _paid(client, admin, payout.id, {"transfer_reference": "SEPA-2"})

    assert again.status == 200
    assert await again.json() == first
    assert other.status == 409
    assert (await other.json())["error"]["code"] == "payout_paid"
    assert len(await notices(client, charged.host)) == 1


async def test_only_admins_list_every_payout_and_mark_one_paid(client: Any, clock: Clock) -> None:
    charged = await charged_session(client, clock)
    await payouts(client).run()
    (payout,) = await paid_out(client)

    listed = await client.get(ADMIN_PAYOUTS, headers=charged.host.headers)
    marked = await _paid(client, charged.host, payout.id, {})

    assert (listed.status, marked.status) == (403, 403)
    assert [p.status for p in await paid_out(client)] == ["PENDING"]


@pytest.mark.parametrize(
    ("path", "body", "status", "field"),
    [
        (f"{ADMIN_PAYOUTS}?status=SENT", None, 400, "status"),
        (f"{ADMIN_PAYOUTS}?limit=0", None, 400, "limit"),
        (f"{ADMIN_PAYOUTS}?before=not-a-payout", None, 400, "before"),
        (f"{ADMIN_PAYOUTS}/00000000-0000-0000-0000-000000000000/paid", {}, 404, None),
        (f"{ADMIN_PAYOUTS}/42/paid", {}, 404, None),
        (f"{ADMIN_PAYOUTS}/{{id}}/paid", {"transfer_reference": ""}, 400, "transfer_reference"),
        (f"{ADMIN_PAYOUTS}/{{id}}/paid", {"transfer_reference": "x" * 256}, 400, "transfer_reference"),
        (f"{ADMIN_PAYOUTS}/{{id}}/paid", {"reference": "SEPA-1"}, 400, "reference"),
    ],
)
async def test_bad_requests_are_4xx_naming_what_is_wrong(
    client: Any, clock: Clock, path: str, body: dict[str, Any] | None, status: int, field: str | None
) -> None:
    await charged_session(client, clock)
    await payouts(client).run()
    (payout,) = await paid_out(client)
    admin = await actor(client, "admin@example.org", admin=True)
    url = path.replace("{id}", payout.id)

    response = await (
        client.get(url, headers=admin.headers) if body is None else client.post(url, json=body, headers=admin.headers)
    )

    assert response.status == status
    assert (await response.json())["error"]["field"] == field
    assert [p.status for p in await paid_out(client)] == ["PENDING"]
