"""The wallet over HTTP: a top-up takes an Idempotency-Key and a valid amount and currency, and changes nothing
when it is refused; balance, history pages, receipts and the CSV export show the driver's own wallet only."""

from __future__ import annotations

from typing import Any

import pytest

from chargeshare_hub.accounts.scopes import ALL_SCOPES
from tests.hub.bookings.helpers import actor

from .helpers import TOP_UPS, postings, top_up


async def test_a_top_up_fills_the_wallet_and_its_retry_is_replayed_not_paid_twice(client: Any) -> None:
    driver = await actor(client, "driver@example.org")
    headers = driver.headers | {"Idempotency-Key": "2b8e7c1a-4f0d-4c55-9a7e-0d6f1e2a3b4c"}

    first = await client.post(TOP_UPS, json={"amount": 2500, "currency": "EUR"}, headers=headers)
    retry = await client.post(TOP_UPS, json={"amount": 2500, "currency": "EUR"}, headers=headers)

    assert (first.status, retry.status) == (201, 201)
    assert await first.json() == await retry.json() == {
        "posting_id": 1, "amount": 2500, "currency": "EUR", "balance": 2500, "on_hold": 0, "available": 2500,
    }  # fmt: skip
    assert retry.headers["Idempotent-Replayed"] == "true"
    wallet = await (await client.get("/api/v1/wallet", headers=driver.headers)).json()
    assert wallet == {"wallets": [{"currency": "EUR", "balance": 2500, "on_hold": 0, "available": 2500}]}


async def test_the_same_key_with_another_amount_is_refused(client: Any) -> None:
    driver = await actor(client, "driver@example.org")
    headers = driver.headers | {"Idempotency-Key": "key-1"}
    await client.post(TOP_UPS, json={"amount": 2500, "currency": "EUR"}, headers=headers)

    response = await client.post(TOP_UPS, json={"amount": 9000, "currency": "EUR"}, headers=headers)

    assert response.status == 422
    assert (await response.json())["error"]["code"] == "idempotency_key_reused"
    assert await postings(client) == 1


@pytest.mark.parametrize(
    ("headers", "code"),
    [({}, "idempotency_key_missing"), ({"Idempotency-Key": "two words"}, "idempotency_key_invalid")],
)
async def test_a_top_up_without_a_valid_key_is_a_400(client: Any, headers: dict[str, str], code: str) -> None:
    driver = await actor(client, "driver@example.org")

    response = await client.post(TOP_UPS, json={"amount": 2500, "currency": "EUR"}, headers=driver.headers | headers)

    assert response.status == 400
    assert (await response.json())["error"]["code"] == code
    assert await postings(client) == 0


@pytest.mark.parametrize("amount", [0, -100, 12.5, "2500", True, None, 10**12 + 1])
async def test_a_top_up_of_a_bad_amount_is_a_400_naming_it(client: Any, amount: Any) -> None:
    driver = await actor(client, "driver@example.org")

    response = await client.post(
        TOP_UPS, json={"amount": amount, "currency": "EUR"}, headers=driver.headers | {"Idempotency-Key": "k"}
    )

    assert response.status == 400
    assert (await response.json())["error"]["code"] == "invalid_amount"
    assert (await response.json())["error"]["field"] == "amount"
    assert await postings(client) == 0


@pytest.mark.parametrize("currency", ["eur", "EURO", "QQQ", 978, ""])
async def test_a_top_up_in_a_bad_currency_is_a_400_naming_it(client: Any, currency: Any) -> None:
    driver = await actor(client, "driver@example.org")

    response = await client.post(
        TOP_UPS, json={"amount": 2500, "currency": currency}, headers=driver.headers | {"Idempotency-Key": "k"}
    )

    assert response.status == 400
    assert (await response.json())["error"]["code"] == "invalid_currency"
    assert await postings(client) == 0


async def test_a_refused_top_up_keeps_no_key_so_its_corrected_retry_goes_through(client: Any) -> None:
    driver = await actor(client, "driver@example.org")
    headers = driver.headers | {"Idempotency-Key": "k"}
    await client.post(TOP_UPS, json={"amount": 0, "currency": "EUR"}, headers=headers)

    response = await client.post(TOP_UPS, json={"amount": 100, "currency": "EUR"}, headers=headers)

    assert response.status == 201


async def test_the_history_comes_newest_first_in_pages(client: Any) -> None:
    driver = await actor(client, "driver@example.org")
    for amount in (100, 200, 300):
        await top_up(client, driver, amount)

    first = await (await client.get("/api/v1/wallet/EUR/movements?limit=2", headers=driver.headers)).json()
    cursor = first["next_cursor"]
    second = await (
        await client.get(f"/api/v1/wallet/EUR/movements?limit=2&before={cursor}", headers=driver.headers)
    ).json()

    assert [(m["amount"], m["balance"], m["description"]) for m in first["movements"]] == [
        (300, 600, "Wallet top-up"),
        (200, 300, "Wallet top-up"),
    ]
    assert [m["amount"] for m in second["movements"]] == [100]
    assert second["next_cursor"] is None


async def test_a_receipt_is_an_html_page_of_the_drivers_own_movement(client: Any) -> None:
    driver = await actor(client, "driver@example.org")
    posting_id = (await top_up(client, driver, 1999))["posting_id"]

    response = await client.get(f"/api/v1/wallet/receipts/{posting_id}", headers=driver.headers)

    assert response.status == 200
    assert response.content_type == "text/html"
    page = await response.text()
    assert "Wallet top-up" in page
    assert "19.99 EUR" in page


async def test_the_csv_export_lists_every_movement(client: Any) -> None:
    driver = await actor(client, "driver@example.org")
    await top_up(client, driver, 1000)
    await top_up(client, driver, 250)

    response = await client.get("/api/v1/wallet/EUR/movements.csv", headers=driver.headers)

    assert response.status == 200
    assert response.content_type == "text/csv"
    lines = (await response.text()).splitlines()
    assert lines[0] == "date,description,amount,currency,balance,reference,receipt"
    assert [line.split(",")[1:5] for line in lines[1:]] == [
        ["Wallet top-up", "2.50", "EUR", "12.50"],
        ["Wallet top-up", "10.00", "EUR", "10.00"],
    ]


async def test_a_driver_sees_nothing_of_anothers_wallet(client: Any) -> None:
    owner = await actor(client, "owner@example.org")
    other = await actor(client, "other@example.org")
    posting_id = (await top_up(client, owner, 5000))["posting_id"]

    wallet = await (await client.get("/api/v1/wallet", headers=other.headers)).json()
    movements = await (await client.get("/api/v1/wallet/EUR/movements", headers=other.headers)).json()
    receipt = await client.get(f"/api/v1/wallet/receipts/{posting_id}", headers=other.headers)

    assert wallet == {"wallets": []}
    assert movements == {"movements": [], "next_cursor": None}
    assert receipt.status == 404


async def test_a_token_without_the_account_scope_cannot_touch_the_wallet(client: Any) -> None:
    driver = await actor(client, "driver@example.org", scopes=ALL_SCOPES - {"account"})

    response = await client.post(
        TOP_UPS, json={"amount": 100, "currency": "EUR"}, headers=driver.headers | {"Idempotency-Key": "k"}
    )

    assert response.status == 403
    assert await postings(client) == 0


async def test_the_wallet_needs_a_sign_in(client: Any) -> None:
    assert (await client.get("/api/v1/wallet")).status == 401
