"""Stripe's failures as the hub names them, each with the HTTP status and error code the hub answers with.

The stripe library's exceptions say which layer failed (card, request, network); the hub needs to know whose
fault it is: the driver's card (402), the caller's request (400, 404, 409, 422), or Stripe itself or our
configuration of it (502, which a client may retry with the same Idempotency-Key).
"""

from __future__ import annotations

import stripe

# Stripe's codes for a request that is valid but meets the object in a state that forbids it.
_STATE_CODES = frozenset(
    {
        "payment_intent_unexpected_state",
        "charge_already_captured",
        "charge_already_refunded",
        "charge_disputed",
        "charge_expired_for_capture",
        "charge_not_refundable",
    }
)


class StripeFailure(Exception):
    """A Stripe call that did not do what was asked."""

    status = 502
    code = "payment_provider_error"

    def __init__(self, message: str, *, field: str | None = None, stripe_code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field  # the Stripe parameter at fault, when Stripe names one
        self.stripe_code = stripe_code


class PaymentDeclined(StripeFailure):
    """The card was refused (declined, insufficient funds, or it needs the driver to authenticate)."""

    status = 402
    code = "payment_declined"

    def __init__(
        self, message: str, *, stripe_code: str | None, decline_code: str | None, intent_id: str | None
    ) -> None:
        super().__init__(message, stripe_code=stripe_code)
        self.decline_code = decline_code
        self.intent_id = intent_id  # Stripe keeps the PaymentIntent of a declined confirmation


class InvalidPaymentRequest(StripeFailure):
    """Stripe refused the parameters, such as capturing more than was authorised."""

    status = 400
    code = "invalid_payment_request"


class PaymentNotFound(StripeFailure):
    status = 404
    code = "not_found"


class PaymentStateConflict(StripeFailure):
    """The PaymentIntent or charge is past the point where this is allowed (already captured, canceled,
    refunded)."""

    status = 409
    code = "payment_state_conflict"


class IdempotencyConflict(StripeFailure):
    """The idempotency key was first used for a different request."""

    status = 422
    code = "idempotency_key_reused"


class ProviderUnavailable(StripeFailure):
    """Stripe could not be reached, failed, throttled us, or refused our API key."""


def from_stripe_error(err: stripe.StripeError) -> StripeFailure:
    message = err.user_message or type(err).__name__
    if isinstance(err, stripe.CardError):
        details = err.error
        intent = details.payment_intent if details is not None else None
        return PaymentDeclined(
            message,
            stripe_code=err.code,
            decline_code=details.decline_code if details is not None else None,
            intent_id=intent.id if intent is not None else None,
        )
    if isinstance(err, stripe.IdempotencyError):
        return IdempotencyConflict(message)
    if isinstance(err, stripe.InvalidRequestError):
        if err.http_status == 404:
            return PaymentNotFound(message, field=err.param, stripe_code=err.code)
        if err.code in _STATE_CODES:
            return PaymentStateConflict(message, field=err.param, stripe_code=err.code)
        return InvalidPaymentRequest(message, field=err.param, stripe_code=err.code)
    return ProviderUnavailable(message, stripe_code=err.code)
