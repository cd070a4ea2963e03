"""An account's Stripe ids over the API: a driver saves their card, a host their Connect account, each reads their
own back; ids of the wrong form are refused and change nothing, and a hub paid from wallets serves none of it."""

from __future__ import annotations

from typing import Any

import pytest

from chargeshare_hub.config import HubConfig
from chargeshare_hub.db.engine import Database
from chargeshare_hub.web.app import create_app
from tests.hub.bookings.helpers import actor
from tests.hub.payments_stripe.fake_stripe import HOST_ACCOUNT
from tests.hub.payments_stripe.hub_helpers import PARTIES, save_account, save_card


async def test_a_driver_saves_a_card_and_reads_it_back(client: Any) -> None:
    driver = await actor(client, "driver@example.org")

    saved = await save_card(client, driver, "pm_1NvAbc")
    read = await client.get(PARTIES, headers=driver.headers)

    assert saved.status == 200
    body = await read.json()
    assert (body["customer"], body["payment_method"], body["account"]) == ("cus_driver", "pm_1NvAbc", None)
    assert body["updated_at"] is not None


async def test_a_host_saves_their_connect_account_beside_their_card(client: Any) -> None:
    host = await actor(client, "host@example.org", host=True)

    await save_card(client, host)
    response = await save_account(client, host)

    body = await response.json()
    assert (body["account"], body["payment_method"]) == (HOST_ACCOUNT, "pm_card_visa")


async def test_an_account_without_stripe_ids_reads_empty(client: Any) -> None:
    driver = await actor(client, "driver@example.org")

    body = await (await client.get(PARTIES, headers=driver.headers)).json()

    assert body == {"customer": None, "payment_method": None, "account": None, "updated_at": None}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"customer": "cust_1", "payment_method": "pm_1"}, "customer"),
        ({"customer": "cus_1", "payment_method": "card_1"}, "payment_method"),
        ({"customer": "cus_", "payment_method": "pm_1"}, "customer"),
        ({"customer": "cus_1 OR 1", "payment_method": "pm_1"}, "customer"),
        ({"customer": "cus_" + "a" * 252, "payment_method": "pm_1"}, "customer"),
        ({"customer": "cus_1"}, "payment_method"),
        ({"customer": "cus_1", "payment_method": 7}, "payment_method"),
    ],
)
async def test_a_card_of_the_wrong_form_is_refused_and_changes_nothing(
    client: Any, body: dict[str, Any], field: str
) -> None:
    driver = await actor(client, "driver@example.org")
    await save_card(client, driver, "pm_before")

    response = await client.put(f"{PARTIES}/card", json=body, headers=driver.headers)

    assert response.status == 400
    assert (await response.json())["error"]["field"] == field
    assert (await (await client.get(PARTIES, headers=driver.headers)).json())["payment_method"] == "pm_before"


async def test_a_connect_account_of_the_wrong_form_is_refused(client: Any) -> None:
    host = await actor(client, "host@example.org", host=True)

    response = await save_account(client, host, "acc_123")

    assert response.status == 400
    assert (await response.json())["error"] == {
        "code": "invalid",
        "message": "account is a Stripe Connect account's id: acct_ then letters and digits, 255 at most.",
        "field": "account",
    }


async def test_only_a_host_saves_a_connect_account(client: Any) -> None:
    driver = await actor(client, "driver@example.org")

    response = await save_account(client, driver)

    assert response.status == 403


@pytest.mark.parametrize(
    ("method", "path"), [("GET", PARTIES), ("PUT", f"{PARTIES}/card"), ("PUT", f"{PARTIES}/account")]
)
async def test_anonymous_callers_are_refused(client: Any, method: str, path: str) -> None:
    response = await client.request(method, path, json={"account": HOST_ACCOUNT})

    assert response.status == 401


async def test_a_hub_paid_from_wallets_serves_no_stripe_routes(
    hub_config: HubConfig, db: Database, aiohttp_client: Any
) -> None:
    wallet_hub = await aiohttp_client(create_app(hub_config, db, background_tasks=False))

    assert (await wallet_hub.get(PARTIES)).status == 404
    assert (await wallet_hub.post(f"{PARTIES}/webhook", data=b"{}")).status == 404


async def test_a_hub_paid_through_stripe_documents_its_stripe_routes(client: Any) -> None:
    document = await (await client.get("/api/v1/openapi.json")).json()

    documented = {(method, path) for path, item in document["paths"].items() for method in item}

    assert {
        ("get", PARTIES),
        ("put", f"{PARTIES}/card"),
        ("put", f"{PARTIES}/account"),
        ("post", f"{PARTIES}/webhook"),
    } <= documented
    assert "security" not in document["paths"][f"{PARTIES}/webhook"]["post"]
