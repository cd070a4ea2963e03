"""Stripe's webhook endpoint: signed events the hub acts on arrive as typed objects with 200; a request not signed
with the endpoint's secret, signed too long ago, or not a readable event is refused with 400 and never acted on."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
import json
import time
from typing import Any

from aiohttp import web
import pytest

from chargeshare_hub.payments.stripe.errors import PaymentDeclined
from chargeshare_hub.payments.stripe.events import ChargeRefunded, DisputeCreated, IntentEvent, StripeEvent
from chargeshare_hub.payments.stripe.gateway import StripeGateway
from chargeshare_hub.payments.stripe.webhooks import webhook_handler
from tests.hub.payments_stripe.fake_stripe import FakeStripe, signature_header
from tests.hub.payments_stripe.fake_stripe_params import Obj
from tests.hub.payments_stripe.helpers import hold

SECRET = "whsec_test_endpoint"
PATH = "/stripe/webhook"


class Endpoint:
    """The webhook handler on 127.0.0.1 (once `serve`d), and the events it handed on."""

    def __init__(self) -> None:
        self.received: list[StripeEvent] = []
        self.client: Any = None

    async def serve(self, aiohttp_client: Any) -> Endpoint:
        self.client = await aiohttp_client(endpoint_app(self.on_event))
        return self

    async def on_event(self, event: StripeEvent) -> None:
        self.received.append(event)

    @property
    def url(self) -> str:
        return str(self.client.make_url(PATH))

    async def post(self, payload: bytes, signature: str | None) -> tuple[int, Any]:
        headers = {"Content-Type": "application/json"} | ({"Stripe-Signature": signature} if signature else {})
        response = await self.client.post(PATH, data=payload, headers=headers)
        return response.status, await response.json()


def endpoint_app(on_event: Callable[[StripeEvent], Awaitable[None]]) -> web.Application:
    app = web.Application()
    app.router.add_post(PATH, webhook_handler(SECRET, on_event))
    return app


@pytest.fixture
async def endpoint(aiohttp_client: Any) -> Endpoint:
    return await Endpoint().serve(aiohttp_client)


def intent_event(kind: str, **intent_fields: Any) -> Obj:
    intent = {
        "id": "pi_1",
        "object": "payment_intent",
        "amount": 2500,
        "amount_capturable": 0,
        "amount_received": 0,
        "currency": "eur",
        "status": "canceled",
        "metadata": {},
    } | intent_fields
    return {"id": "evt_1", "object": "event", "type": kind, "created": int(time.time()), "data": {"object": intent}}


def signed(event: Obj, secret: str = SECRET) -> tuple[bytes, str]:
    payload = json.dumps(event, indent=2).encode()
    return payload, signature_header(payload, [secret], int(time.time()))


async def test_the_events_of_a_paid_refunded_and_disputed_hold_arrive_as_typed_objects(
    gateway: StripeGateway, fake: FakeStripe, endpoint: Endpoint
) -> None:
    intent = await hold(gateway, "hold-60")
    await gateway.capture(intent.id, amount=2000, application_fee=240, idempotency_key="hold-60-capture")
    await gateway.refund(intent.id, amount=500, idempotency_key="hold-60-refund")
    fake.account.open_dispute(intent.id, reason="product_not_received")

    statuses = [await fake.send_webhook(endpoint.url, event, SECRET) for event in fake.account.events]

    assert statuses == [200, 200, 200, 200]
    authorised, succeeded, refunded, disputed = endpoint.received
    assert isinstance(authorised, IntentEvent)
    assert authorised.type == "payment_intent.amount_capturable_updated"
    assert (authorised.intent.id, authorised.intent.amount_capturable) == (intent.id, 2500)
    assert authorised.intent.metadata == {"hold": "17"}
    assert authorised.id == fake.account.events[0]["id"]
    assert isinstance(succeeded, IntentEvent)
    assert (succeeded.type, succeeded.intent.amount_received, succeeded.intent.status) == (
        "payment_intent.succeeded",
        2000,
        "succeeded",
    )
    assert isinstance(refunded, ChargeRefunded)
    assert (refunded.charge.payment_intent, refunded.charge.amount_refunded, refunded.charge.refunded) == (
        intent.id,
        500,
        False,
    )
    assert isinstance(disputed, DisputeCreated)
    assert (disputed.dispute.payment_intent, disputed.dispute.amount) == (intent.id, 1500)
    assert (disputed.dispute.reason, disputed.dispute.status) == ("product_not_received", "needs_response")


async def test_a_declined_and_a_released_hold_arrive_with_why(
    gateway: StripeGateway, fake: FakeStripe, endpoint: Endpoint
) -> None:
    with pytest.raises(PaymentDeclined):
        await hold(gateway, "hold-61", card="pm_card_chargeDeclinedInsufficientFunds")
    released = await hold(gateway, "hold-62")
    await gateway.cancel(released.id, idempotency_key="hold-62-release", reason="requested_by_customer")

    for kind in ("payment_intent.payment_failed", "payment_intent.canceled"):
        assert await fake.send_webhook(endpoint.url, fake.events_of(kind)[0], SECRET) == 200

    failed, canceled = endpoint.received
    assert isinstance(failed, IntentEvent)
    assert failed.type == "payment_intent.payment_failed"
    assert failed.intent.failure is not None
    assert (failed.intent.failure.code, failed.intent.failure.decline_code) == ("card_declined", "insufficient_funds")
    assert isinstance(canceled, IntentEvent)
    assert (canceled.intent.id, canceled.intent.cancellation_reason) == (released.id, "requested_by_customer")


async def test_an_event_signed_with_another_secret_is_refused(endpoint: Endpoint) -> None:
    event = intent_event("payment_intent.canceled")
    status, body = await endpoint.post(*signed(event, secret="whsec_attacker"))

    assert status == 400
    assert body["error"]["code"] == "invalid_signature"
    assert body["error"]["field"] == "Stripe-Signature"
    assert endpoint.received == []


async def test_an_event_signed_more_than_300_s_ago_is_refused(fake: FakeStripe, endpoint: Endpoint) -> None:
    event = intent_event("payment_intent.canceled")

    old = await fake.send_webhook(endpoint.url, event, SECRET, timestamp=int(time.time()) - 310)
    fresh = await fake.send_webhook(endpoint.url, event, SECRET, timestamp=int(time.time()) - 60)

    assert (old, fresh) == (400, 200)
    assert len(endpoint.received) == 1


async def test_a_tampered_body_is_refused(endpoint: Endpoint) -> None:
    payload, signature = signed(intent_event("payment_intent.canceled"))

    status, body = await endpoint.post(payload.replace(b'"amount": 2500', b'"amount": 25'), signature)

    assert (status, body["error"]["code"]) == (400, "invalid_signature")
    assert endpoint.received == []


async def test_a_request_without_a_signature_is_refused(endpoint: Endpoint) -> None:
    payload, _ = signed(intent_event("payment_intent.canceled"))

    status, body = await endpoint.post(payload, None)

    assert (status, body["error"]["code"]) == (400, "invalid_signature")


@pytest.mark.parametrize(
    "payload",
    [
        b"not json",
        b'["an", "array"]',
        json.dumps({"id": "evt_1", "object": "event", "type": "payment_intent.succeeded", "created": 1}).encode(),
        json.dumps(intent_event("payment_intent.succeeded", amount="2500")).encode(),
        json.dumps(intent_event("charge.refunded")).encode(),
    ],
    ids=["not-json", "not-an-object", "no-data", "amount-not-an-integer", "object-of-the-wrong-kind"],
)
async def test_a_signed_body_that_is_not_a_readable_event_is_refused(endpoint: Endpoint, payload: bytes) -> None:
    status, body = await endpoint.post(payload, signature_header(payload, [SECRET], int(time.time())))

    assert (status, body["error"]["code"]) == (400, "invalid_event")
    assert endpoint.received == []


async def test_an_event_the_hub_does_not_act_on_is_acknowledged_and_not_handed_on(endpoint: Endpoint) -> None:
    status, body = await endpoint.post(*signed(intent_event("customer.created")))

    assert (status, body) == (200, {"received": True, "handled": False})
    assert endpoint.received == []


async def test_a_handler_that_fails_answers_500_so_stripe_sends_the_event_again(aiohttp_client: Any) -> None:
    async def failing(_event: StripeEvent) -> None:
        raise RuntimeError("database unavailable")

    client = await aiohttp_client(endpoint_app(failing))
    payload, signature = signed(intent_event("payment_intent.canceled"))
    response = await client.post(PATH, data=payload, headers={"Stripe-Signature": signature})

    assert response.status == 500


def test_an_endpoint_needs_its_signing_secret() -> None:
    async def ignore(_event: StripeEvent) -> None:
        return None

    with pytest.raises(ValueError, match="signing secret"):
        webhook_handler("", ignore)
