"""What the fake Stripe keeps and the rules it applies: PaymentIntents as Connect destination charges, captured
by hand (a hold) or at once on confirming (`capture_method=automatic`), their charges, the transfers to hosts
and the platform's application fees, refunds that reverse both in proportion, disputes, and the events Stripe
would send about them.

Objects are kept in Stripe's JSON shapes (the subset the hub reads); answers and events are copies. Amounts
are checked as Stripe checks them: capture at most `amount_capturable`, refund at most what is unrefunded,
an application fee at most the amount.
"""

from __future__ import annotations

import copy
import itertools
import secrets
import time

from .fake_stripe_params import (
    FakeError,
    Obj,
    read_boolean,
    read_integer,
    read_metadata,
    read_text,
    refuse_unknown,
)

API_VERSION = "2025-08-27.basil"
# Stripe's smallest chargeable amounts (docs.stripe.com/currencies#minimum-and-maximum-charge-amounts).
MINIMUM_AMOUNT = {"eur": 50, "usd": 50, "gbp": 30, "chf": 50}
# Stripe's test payment methods: None authorises; otherwise (code, decline_code, message) of the card error.
TEST_CARDS: dict[str, tuple[str, str, str] | None] = {
    "pm_card_visa": None,
    "pm_card_mastercard": None,
    "pm_card_chargeDeclined": ("card_declined", "generic_decline", "Your card was declined."),
    "pm_card_chargeDeclinedInsufficientFunds": (
        "card_declined",
        "insufficient_funds",
        "Your card has insufficient funds.",
    ),
    "pm_card_authenticationRequired": (
        "authentication_required",
        "authentication_required",
        "Your card was declined. This transaction requires authentication.",
    ),
}
INTENT_PARAMS = {
    "amount",
    "currency",
    "capture_method",
    "transfer_data",
    "application_fee_amount",
    "metadata",
    "customer",
    "payment_method",
    "confirm",
    "off_session",
    "description",
}
CAPTURE_METHODS = {"manual", "automatic"}
CANCELABLE = {"requires_payment_method", "requires_capture", "requires_confirmation", "requires_action"}
CANCELLATION_REASONS = {"abandoned", "duplicate", "fraudulent", "requested_by_customer"}
REFUND_REASONS = {"duplicate", "fraudulent", "requested_by_customer"}


class FakeAccount:
    """One platform account with its connected (host) accounts."""

    def __init__(self, connected_accounts: set[str]) -> None:
        self.connected_accounts = connected_accounts
        self.intents: dict[str, Obj] = {}
        self.charges: dict[str, Obj] = {}
        self.transfers: dict[str, Obj] = {}
        self.application_fees: dict[str, Obj] = {}
        self.refunds: dict[str, Obj] = {}
        self.disputes: dict[str, Obj] = {}
        self.events: list[Obj] = []
        self._serial = itertools.count(1)

    def create_intent(self, params: Obj, idempotency_key: str | None) -> Obj:
        refuse_unknown(params, INTENT_PARAMS)
        amount = read_integer(params, "amount", required=True)
        currency = read_text(params, "currency", required=True)
        if currency not in MINIMUM_AMOUNT:
            raise FakeError(400, f"Invalid currency: {currency}.", param="currency", saved=False)
        if amount < MINIMUM_AMOUNT[currency]:
            raise FakeError(
                400, "Amount must be at least the currency's minimum.", code="amount_too_small", param="amount"
            )
        capture_method = read_text(params, "capture_method", required=True)
        if capture_method not in CAPTURE_METHODS:
            raise FakeError(
                400, "This fake Stripe knows capture_method manual and automatic only.", param="capture_method",
                saved=False,
            )  # fmt: skip
        transfer_data = params.get("transfer_data")
        if not isinstance(transfer_data, dict) or set(transfer_data) != {"destination"}:
            raise FakeError(
                400,
                "This fake Stripe makes destination charges only: transfer_data[destination].",
                param="transfer_data",
                saved=False,
            )
        if transfer_data["destination"] not in self.connected_accounts:
            raise FakeError(
                400,
                f"No such destination: '{transfer_data['destination']}'",
                code="resource_missing",
                param="transfer_data[destination]",
            )
        fee = read_integer(params, "application_fee_amount")
        if fee is not None and fee > amount:
            raise FakeError(
                400, "The application fee cannot be greater than the amount.", param="application_fee_amount"
            )
        payment_method = read_text(params, "payment_method")
        if payment_method is not None and payment_method not in TEST_CARDS:
            raise FakeError(
                400, f"No such PaymentMethod: '{payment_method}'", code="resource_missing", param="payment_method"
            )
        confirm = read_boolean(params, "confirm")
        read_boolean(params, "off_session")
        if confirm and payment_method is None:
            raise FakeError(
                400,
                "You cannot confirm this PaymentIntent because it's missing a payment method.",
                code="payment_intent_unexpected_state",
                param="payment_method",
            )
        intent_id = self._id("pi")
        intent: Obj = {
            "id": intent_id,
            "object": "payment_intent",
            "amount": amount,
            "amount_capturable": 0,
            "amount_received": 0,
            "application_fee_amount": fee,
            "cancellation_reason": None,
            "capture_method": capture_method,
            "client_secret": f"{intent_id}_secret_{secrets.token_hex(8)}",
            "created": int(time.time()),
            "currency": currency,
            "customer": params.get("customer"),
            "last_payment_error": None,
            "latest_charge": None,
            "livemode": False,
            "metadata": read_metadata(params),
            "payment_method": payment_method,
            "status": "requires_confirmation" if payment_method else "requires_payment_method",
            "transfer_data": {"destination": transfer_data["destination"]},
        }
        self.intents[intent_id] = intent
        if confirm:
            self._confirm(intent, idempotency_key)
        return copy.deepcopy(intent)

    def _confirm(self, intent: Obj, idempotency_key: str | None) -> None:
        decline = TEST_CARDS[intent["payment_method"]]
        if decline is not None:
            code, decline_code, message = decline
            intent["status"] = "requires_payment_method"
            intent["last_payment_error"] = {
                "type": "card_error",
                "code": code,
                "decline_code": decline_code,
                "message": message,
            }
            self._event("payment_intent.payment_failed", intent, idempotency_key)
            raise FakeError(
                402,
                message,
                type="card_error",
                code=code,
                decline_code=decline_code,
                payment_intent=copy.deepcopy(intent),
            )
        charge_id = self._id("ch")
        self.charges[charge_id] = {
            "id": charge_id,
            "object": "charge",
            "amount": intent["amount"],
            "amount_captured": 0,
            "amount_refunded": 0,
            "application_fee": None,
            "captured": False,
            "currency": intent["currency"],
            "disputed": False,
            "payment_intent": intent["id"],
            "refunded": False,
            "status": "succeeded",
            "transfer": None,
            "transfer_data": {"destination": intent["transfer_data"]["destination"]},
        }
        intent.update(status="requires_capture", amount_capturable=intent["amount"], latest_charge=charge_id)
        if intent["capture_method"] == "automatic":
            self._take(intent, intent["amount"], intent["application_fee_amount"] or 0, idempotency_key)
        else:
            self._event("payment_intent.amount_capturable_updated", intent, idempotency_key)

    def intent(self, intent_id: str) -> Obj:
        if intent_id not in self.intents:
            raise FakeError(404, f"No such payment_intent: '{intent_id}'", code="resource_missing", param="intent")
        return self.intents[intent_id]

    def capture(self, intent_id: str, params: Obj, idempotency_key: str | None) -> Obj:
        refuse_unknown(params, {"amount_to_capture", "application_fee_amount", "metadata"})
        intent = self.intent(intent_id)
        if intent["status"] != "requires_capture":
            raise FakeError(
                400,
                f"This PaymentIntent could not be captured because it has a status of "
                f"{intent['status']}. Only a PaymentIntent with one of the following statuses may be "
                "captured: requires_capture.",
                code="payment_intent_unexpected_state",
            )
        amount = read_integer(params, "amount_to_capture")
        amount = intent["amount_capturable"] if amount is None else amount
        if amount < 1 or amount > intent["amount_capturable"]:
            raise FakeError(
                400,
                f"The amount to capture ({amount}) must be between 1 and the amount capturable "
                f"({intent['amount_capturable']}).",
                code="amount_too_large",
                param="amount_to_capture",
            )
        fee = read_integer(params, "application_fee_amount")
        fee = (intent["application_fee_amount"] or 0) if fee is None else fee
        if fee > amount:
            raise FakeError(
                400, "The application fee cannot be greater than the amount captured.", param="application_fee_amount"
            )
        intent["metadata"].update(read_metadata(params))
        self._take(intent, amount, fee, idempotency_key)
        return copy.deepcopy(intent)

    def _take(self, intent: Obj, amount: int, fee: int, idempotency_key: str | None) -> None:
        """Captures `amount` of the intent's authorised charge: the host's transfer made, the platform's fee taken."""
        charge = self.charges[intent["latest_charge"]]
        destination = intent["transfer_data"]["destination"]
        transfer_id, fee_id = self._id("tr"), self._id("fee")
        self.transfers[transfer_id] = {
            "id": transfer_id,
            "object": "transfer",
            "amount": amount - fee,
            "amount_reversed": 0,
            "destination": destination,
            "source_transaction": charge["id"],
            "reversals": [],
        }
        self.application_fees[fee_id] = {
            "id": fee_id,
            "object": "application_fee",
            "amount": fee,
            "amount_refunded": 0,
            "charge": charge["id"],
        }
        charge.update(amount_captured=amount, captured=True, transfer=transfer_id, application_fee=fee_id)
        intent.update(status="succeeded", amount_received=amount, amount_capturable=0, application_fee_amount=fee)
        self._event("payment_intent.succeeded", intent, idempotency_key)

    def cancel(self, intent_id: str, params: Obj, idempotency_key: str | None) -> Obj:
        refuse_unknown(params, {"cancellation_reason"})
        intent = self.intent(intent_id)
        reason = read_text(params, "cancellation_reason")
        if reason is not None and reason not in CANCELLATION_REASONS:
            raise FakeError(400, f"Invalid cancellation_reason: {reason}", param="cancellation_reason", saved=False)
        if intent["status"] not in CANCELABLE:
            raise FakeError(
                400,
                f"You cannot cancel this PaymentIntent because it has a status of {intent['status']}.",
                code="payment_intent_unexpected_state",
            )
        intent.update(status="canceled", amount_capturable=0, cancellation_reason=reason)
        self._event("payment_intent.canceled", intent, idempotency_key)
        return copy.deepcopy(intent)

    def refund(self, params: Obj, idempotency_key: str | None) -> Obj:
        refuse_unknown(
            params, {"payment_intent", "amount", "reason", "reverse_transfer", "refund_application_fee", "metadata"}
        )
        intent_id = read_text(params, "payment_intent", required=True)
        if intent_id not in self.intents:
            raise FakeError(
                400, f"No such payment_intent: '{intent_id}'", code="resource_missing", param="payment_intent"
            )
        intent = self.intents[intent_id]
        if intent["status"] != "succeeded":
            raise FakeError(
                400,
                "This PaymentIntent does not have a successful charge to refund.",
                code="payment_intent_unexpected_state",
                param="payment_intent",
            )
        charge = self.charges[intent["latest_charge"]]
        unrefunded = charge["amount_captured"] - charge["amount_refunded"]
        if unrefunded == 0:
            raise FakeError(400, f"Charge {charge['id']} has already been refunded.", code="charge_already_refunded")
        amount = read_integer(params, "amount")
        amount = unrefunded if amount is None else amount
        if amount < 1 or amount > unrefunded:
            raise FakeError(
                400,
                f"Refund amount ({amount}) is greater than unrefunded amount on charge ({unrefunded})",
                code="amount_too_large",
                param="amount",
            )
        reason = read_text(params, "reason")
        if reason is not None and reason not in REFUND_REASONS:
            raise FakeError(400, f"Invalid reason: {reason}", param="reason", saved=False)
        refunded_before = charge["amount_refunded"]
        charge["amount_refunded"] += amount
        charge["refunded"] = charge["amount_refunded"] == charge["amount_captured"]
        reversal_id = None
        if read_boolean(params, "reverse_transfer"):
            transfer = self.transfers[charge["transfer"]]
            reversed_amount = self._share(transfer["amount"], charge, refunded_before)
            reversal_id = self._id("trr")
            transfer["amount_reversed"] += reversed_amount
            transfer["reversals"].append({"id": reversal_id, "object": "transfer_reversal", "amount": reversed_amount})
        if read_boolean(params, "refund_application_fee"):
            fee = self.application_fees[charge["application_fee"]]
            fee["amount_refunded"] += self._share(fee["amount"], charge, refunded_before)
        refund_id = self._id("re")
        self.refunds[refund_id] = refund = {
            "id": refund_id,
            "object": "refund",
            "amount": amount,
            "charge": charge["id"],
            "created": int(time.time()),
            "currency": charge["currency"],
            "metadata": read_metadata(params),
            "payment_intent": intent_id,
            "reason": reason,
            "status": "succeeded",
            "transfer_reversal": reversal_id,
        }
        self._event("charge.refunded", charge, idempotency_key)
        return copy.deepcopy(refund)

    @staticmethod
    def _share(total: int, charge: Obj, refunded_before: int) -> int:
        """The part of `total` (a transfer, a fee) this refund gives back: in proportion to the charge refunded,
        counted on the running total so that refunds adding up to the charge give back all of it."""
        captured = charge["amount_captured"]
        return total * charge["amount_refunded"] // captured - total * refunded_before // captured

    def open_dispute(self, intent_id: str, reason: str = "fraudulent") -> Obj:
        """The driver's bank disputes the intent's charge (Stripe's API has no call for this)."""
        charge = self.charges[self.intent(intent_id)["latest_charge"]]
        dispute_id = self._id("dp")
        charge["disputed"] = True
        self.disputes[dispute_id] = dispute = {
            "id": dispute_id,
            "object": "dispute",
            "amount": charge["amount_captured"] - charge["amount_refunded"],
            "charge": charge["id"],
            "currency": charge["currency"],
            "payment_intent": intent_id,
            "reason": reason,
            "status": "needs_response",
        }
        self._event("charge.dispute.created", dispute, None)
        return copy.deepcopy(dispute)

    def _event(self, kind: str, obj: Obj, idempotency_key: str | None) -> None:
        self.events.append(
            {
                "id": self._id("evt"),
                "object": "event",
                "api_version": API_VERSION,
                "created": int(time.time()),
                "data": {"object": copy.deepcopy(obj)},
                "livemode": False,
                "pending_webhooks": 1,
                "request": {"id": None, "idempotency_key": idempotency_key},
                "type": kind,
            }
        )

    def _id(self, prefix: str) -> str:
        return f"{prefix}_fake{next(self._serial):08d}"
