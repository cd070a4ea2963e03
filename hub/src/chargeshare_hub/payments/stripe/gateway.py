"""The Stripe calls behind the hub's holds and fees: authorise, capture, cancel, charge, refund, and reading a
PaymentIntent back.

A hold is a PaymentIntent with manual capture made as a Connect destination charge: the platform charges the
driver, and on capture Stripe transfers the amount less the application fee (the platform's fee) to the host's
connected account. A fee without a hold (`charge`) is the same destination charge captured at once. Refunds
take the host's share back from that account (`reverse_transfer`) and the platform's fee back from the platform
(`refund_application_fee`), each in proportion to the amount refunded.

Every call that changes something carries the caller's idempotency key as Stripe's `Idempotency-Key`, so a call
repeated after a lost answer or a crash does its work once and answers like the first. Stripe keeps keys for
24 hours, and for one account: the caller makes them unique per operation (a hold's capture and its refund need
different keys) and across the hub's users. The library retries a lost connection with the same key.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Literal, TypeVar

import stripe

from .errors import ProviderUnavailable, from_stripe_error
from .objects import Intent, MalformedObject, Refund

CancelReason = Literal["abandoned", "duplicate", "fraudulent", "requested_by_customer"]
RefundReason = Literal["duplicate", "fraudulent", "requested_by_customer"]
_T = TypeVar("_T")


class StripeGateway:
    """One API key's calls to Stripe over aiohttp; `close` it when done."""

    def __init__(
        self, api_key: str, *, api_base: str | None = None, max_network_retries: int = 2, timeout_s: float = 30.0
    ) -> None:
        self._http = stripe.AIOHTTPClient(timeout=timeout_s)
        if api_base is None:
            self._client = stripe.StripeClient(api_key, http_client=self._http, max_network_retries=max_network_retries)
        else:
            # A stand-in for Stripe's API (the tests' local fake).
            self._client = stripe.StripeClient(
                api_key,
                http_client=self._http,
                max_network_retries=max_network_retries,
                base_addresses={"api": api_base},
            )

    async def close(self) -> None:
        await self._http.close_async()  # type: ignore[no-untyped-call]  # unannotated in the library

    async def authorise(
        self,
        *,
        amount: int,
        currency: str,
        destination: str,
        application_fee: int,
        idempotency_key: str,
        payment_method: str | None = None,
        customer: str | None = None,
        metadata: Mapping[str, str] | None = None,
    ) -> Intent:
        """A hold of `amount` for the host's connected account `destination`, keeping `application_fee` for the
        platform. With a saved `payment_method` it is confirmed at once, off session (the driver is not at the
        page when the hold is placed before the slot): `requires_capture` when authorised, `PaymentDeclined`
        when not. Without one it waits (`requires_payment_method`) for the driver's browser to confirm it with
        the intent's `client_secret`."""
        params = _destination_charge(
            amount, currency=currency, destination=destination, fee=application_fee, customer=customer,
            metadata=metadata,
        )  # fmt: skip
        params["capture_method"] = "manual"
        if payment_method is not None:
            params.update({"payment_method": payment_method, "confirm": True, "off_session": True})
        create = self._client.v1.payment_intents.create_async(params, _options(idempotency_key))
        return await _intent(create)

    async def charge(
        self,
        *,
        amount: int,
        currency: str,
        destination: str,
        application_fee: int,
        payment_method: str,
        idempotency_key: str,
        customer: str | None = None,
        metadata: Mapping[str, str] | None = None,
    ) -> Intent:
        """Takes `amount` at once (automatic capture) from the saved `payment_method`, off session, for the host's
        connected account `destination`, keeping `application_fee` for the platform: `succeeded` when the card
        pays, with the transfer to the host made, `PaymentDeclined` when not."""
        params = _destination_charge(
            amount, currency=currency, destination=destination, fee=application_fee, customer=customer,
            metadata=metadata,
        )  # fmt: skip
        params.update(
            {"capture_method": "automatic", "payment_method": payment_method, "confirm": True, "off_session": True}
        )
        create = self._client.v1.payment_intents.create_async(params, _options(idempotency_key))
        return await _intent(create)

    async def capture(self, intent_id: str, *, amount: int, application_fee: int, idempotency_key: str) -> Intent:
        """Takes `amount` (Stripe refuses more than `amount_capturable`) with the platform's fee recomputed for
        it; Stripe releases the rest of the hold."""
        params: stripe.PaymentIntentService.CaptureParams = {
            "amount_to_capture": amount,
            "application_fee_amount": application_fee,
        }
        capture = self._client.v1.payment_intents.capture_async(intent_id, params, _options(idempotency_key))
        return await _intent(capture)

    async def cancel(self, intent_id: str, *, idempotency_key: str, reason: CancelReason = "abandoned") -> Intent:
        """Releases the whole hold: nothing is taken."""
        params: stripe.PaymentIntentService.CancelParams = {"cancellation_reason": reason}
        cancel = self._client.v1.payment_intents.cancel_async(intent_id, params, _options(idempotency_key))
        return await _intent(cancel)

    async def refund(
        self,
        intent_id: str,
        *,
        amount: int | None,
        idempotency_key: str,
        reason: RefundReason | None = None,
        metadata: Mapping[str, str] | None = None,
    ) -> Refund:
        """Gives back `amount` of a captured PaymentIntent (None: all that is not refunded yet), taking the
        host's share back from their connected account and the platform's fee back from the platform."""
        params: stripe.RefundService.CreateParams = {
            "payment_intent": intent_id,
            "reverse_transfer": True,
            "refund_application_fee": True,
        }
        if amount is not None:
            params["amount"] = amount
        if reason is not None:
            params["reason"] = reason
        if metadata:
            params["metadata"] = dict(metadata)
        refund = await _call(self._client.v1.refunds.create_async(params, _options(idempotency_key)))
        return _read(Refund.from_json, refund)

    async def retrieve(self, intent_id: str) -> Intent:
        """The PaymentIntent as Stripe has it now (to repair a call whose answer was lost)."""
        return await _intent(self._client.v1.payment_intents.retrieve_async(intent_id))


def _destination_charge(
    amount: int,
    *,
    currency: str,
    destination: str,
    fee: int,
    customer: str | None,
    metadata: Mapping[str, str] | None,
) -> stripe.PaymentIntentService.CreateParams:
    """A PaymentIntent's parameters as a Connect destination charge, whether it holds or takes at once."""
    params: stripe.PaymentIntentService.CreateParams = {
        "amount": amount,
        "currency": currency.lower(),
        "transfer_data": {"destination": destination},
        "application_fee_amount": fee,
    }
    if metadata:
        params["metadata"] = dict(metadata)
    if customer is not None:
        params["customer"] = customer
    return params


def _options(idempotency_key: str) -> stripe.RequestOptions:
    if not idempotency_key:
        raise ValueError("A Stripe call that changes something needs an idempotency key.")
    return {"idempotency_key": idempotency_key}


async def _intent(call: Awaitable[stripe.PaymentIntent]) -> Intent:
    return _read(Intent.from_json, await _call(call))


async def _call(call: Awaitable[_T]) -> _T:
    try:
        return await call
    except stripe.StripeError as err:
        raise from_stripe_error(err) from err


def _read(read: Callable[[Mapping[str, Any]], _T], obj: Mapping[str, Any]) -> _T:
    try:
        return read(obj)
    except MalformedObject as err:
        raise ProviderUnavailable(f"Stripe answered with an unexpected object: {err}") from err
