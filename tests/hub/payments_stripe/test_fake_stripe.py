"""The fake Stripe is as strict as Stripe where our calls could go wrong: it reads bracketed form keys, refuses
parameters it does not know and requests without the secret key, and answers in Stripe's error shape."""

from __future__ import annotations

import aiohttp

from tests.hub.payments_stripe.fake_stripe import API_KEY, HOST_ACCOUNT, FakeStripe, decode_form


def test_bracketed_form_keys_are_nested_objects() -> None:
    body = "amount=2500&transfer_data[destination]=acct_1&metadata[hold]=17&metadata[cdr]=&confirm=true"

    assert decode_form(body) == {
        "amount": "2500",
        "transfer_data": {"destination": "acct_1"},
        "metadata": {"hold": "17", "cdr": ""},
        "confirm": "true",
    }


async def test_an_unknown_parameter_is_refused_in_stripes_error_shape(fake: FakeStripe) -> None:
    form = {"amount": "2500", "currency": "eur", "capture_method": "manual", "transfer_data[destination]": HOST_ACCOUNT}
    headers = {"Authorization": f"Bearer {API_KEY}", "Idempotency-Key": "k1"}

    async with aiohttp.ClientSession() as session:
        refused = await session.post(f"{fake.url}/v1/payment_intents", data={**form, "amount_x": "1"}, headers=headers)
        corrected = await session.post(f"{fake.url}/v1/payment_intents", data=form, headers=headers)
        error = (await refused.json())["error"]

    assert refused.status == 400
    assert (error["type"], error["code"], error["param"]) == ("invalid_request_error", "parameter_unknown", "amount_x")
    assert corrected.status == 200  # a refused parameter does not use up the key


async def test_a_request_without_the_secret_key_is_refused(fake: FakeStripe) -> None:
    async with aiohttp.ClientSession() as session:
        response = await session.get(f"{fake.url}/v1/payment_intents/pi_1", headers={"Authorization": "Bearer sk_x"})
        error = (await response.json())["error"]

    assert response.status == 401
    assert error["type"] == "invalid_request_error"
