"""The parts of Stripe's PaymentIntent, Refund, Charge and Dispute objects the hub acts on, read from an API
answer or from the `data.object` of a webhook event (both are Stripe's JSON, whose fields this checks)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


class MalformedObject(ValueError):
    """A Stripe object without a field the hub needs, or with one of the wrong type."""


@dataclass(frozen=True, slots=True)
class PaymentFailure:
    """Why the last attempt to pay failed (`last_payment_error`)."""

    code: str | None  # card_declined, authentication_required, ...
    decline_code: str | None  # insufficient_funds, generic_decline, ... (card_declined only)
    message: str | None


@dataclass(frozen=True, slots=True)
class Intent:
    """A PaymentIntent. As a hold: `requires_capture` with `amount_capturable` authorised; `succeeded` once
    captured (`amount_received`), `canceled` once released."""

    id: str
    status: str
    amount: int
    amount_capturable: int
    amount_received: int
    currency: str
    destination: str | None  # the host's connected account (transfer_data.destination)
    application_fee_amount: int | None
    latest_charge: str | None
    client_secret: str | None  # for the driver's browser to confirm an intent created without a payment method
    cancellation_reason: str | None
    failure: PaymentFailure | None
    metadata: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> Intent:
        _expect_object(obj, "payment_intent")
        transfer_data = _optional_mapping(obj, "transfer_data")
        error = _optional_mapping(obj, "last_payment_error")
        return cls(
            id=_str(obj, "id"),
            status=_str(obj, "status"),
            amount=_int(obj, "amount"),
            amount_capturable=_int(obj, "amount_capturable"),
            amount_received=_int(obj, "amount_received"),
            currency=_str(obj, "currency"),
            destination=_optional_str(transfer_data, "destination") if transfer_data else None,
            application_fee_amount=_optional_int(obj, "application_fee_amount"),
            latest_charge=_id_of(obj, "latest_charge"),
            client_secret=_optional_str(obj, "client_secret"),
            cancellation_reason=_optional_str(obj, "cancellation_reason"),
            failure=(
                PaymentFailure(
                    code=_optional_str(error, "code"),
                    decline_code=_optional_str(error, "decline_code"),
                    message=_optional_str(error, "message"),
                )
                if error
                else None
            ),
            metadata=_metadata(obj),
        )


@dataclass(frozen=True, slots=True)
class Refund:
    """A refund of a captured PaymentIntent; `transfer_reversal` is the host's share taken back from their
    connected account."""

    id: str
    status: str  # succeeded, pending, failed, canceled, requires_action
    amount: int
    currency: str
    payment_intent: str | None
    charge: str | None
    transfer_reversal: str | None
    reason: str | None
    metadata: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> Refund:
        _expect_object(obj, "refund")
        return cls(
            id=_str(obj, "id"),
            status=_str(obj, "status"),
            amount=_int(obj, "amount"),
            currency=_str(obj, "currency"),
            payment_intent=_id_of(obj, "payment_intent"),
            charge=_id_of(obj, "charge"),
            transfer_reversal=_id_of(obj, "transfer_reversal"),
            reason=_optional_str(obj, "reason"),
            metadata=_metadata(obj),
        )


@dataclass(frozen=True, slots=True)
class Charge:
    """The charge of a captured PaymentIntent, as `charge.refunded` reports it: `amount_refunded` is the total
    refunded so far."""

    id: str
    payment_intent: str | None
    amount_captured: int
    amount_refunded: int
    currency: str
    refunded: bool  # refunded in full

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> Charge:
        _expect_object(obj, "charge")
        refunded = obj.get("refunded")
        if not isinstance(refunded, bool):
            raise MalformedObject("refunded is not a boolean.")
        return cls(
            id=_str(obj, "id"),
            payment_intent=_id_of(obj, "payment_intent"),
            amount_captured=_int(obj, "amount_captured"),
            amount_refunded=_int(obj, "amount_refunded"),
            currency=_str(obj, "currency"),
            refunded=refunded,
        )


@dataclass(frozen=True, slots=True)
class Dispute:
    """A chargeback the driver's bank opened: the disputed amount is withdrawn from the platform until it is
    decided."""

    id: str
    charge: str
    payment_intent: str | None
    amount: int
    currency: str
    reason: str
    status: str

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> Dispute:
        _expect_object(obj, "dispute")
        charge = _id_of(obj, "charge")
        if charge is None:
            raise MalformedObject("charge is missing.")
        return cls(
            id=_str(obj, "id"),
            charge=charge,
            payment_intent=_id_of(obj, "payment_intent"),
            amount=_int(obj, "amount"),
            currency=_str(obj, "currency"),
            reason=_str(obj, "reason"),
            status=_str(obj, "status"),
        )


def _expect_object(obj: Mapping[str, Any], kind: str) -> None:
    if obj.get("object") != kind:
        raise MalformedObject(f"Expected a {kind} object, not {obj.get('object')!r}.")


def _str(obj: Mapping[str, Any], name: str) -> str:
    value = obj.get(name)
    if not isinstance(value, str):
        raise MalformedObject(f"{name} is not a string.")
    return value


def _optional_str(obj: Mapping[str, Any], name: str) -> str | None:
    value = obj.get(name)
    if value is not None and not isinstance(value, str):
        raise MalformedObject(f"{name} is not a string.")
    return value


def _int(obj: Mapping[str, Any], name: str) -> int:
    value = obj.get(name)
    if not isinstance(value, int) or isinstance(value, bool):
        raise MalformedObject(f"{name} is not an integer.")
    return value


def _optional_int(obj: Mapping[str, Any], name: str) -> int | None:
    return None if obj.get(name) is None else _int(obj, name)


def _optional_mapping(obj: Mapping[str, Any], name: str) -> Mapping[str, Any] | None:
    value = obj.get(name)
    if value is not None and not isinstance(value, Mapping):
        raise MalformedObject(f"{name} is not an object.")
    return value


def _id_of(obj: Mapping[str, Any], name: str) -> str | None:
    """An id field, which Stripe gives as the id or, when expanded, as the object with its id."""
    value = obj.get(name)
    if isinstance(value, Mapping):
        return _str(value, "id")
    return _optional_str(obj, name)


def _metadata(obj: Mapping[str, Any]) -> dict[str, str]:
    metadata = _optional_mapping(obj, "metadata") or {}
    if not all(isinstance(value, str) for value in metadata.values()):
        raise MalformedObject("metadata values are not strings.")
    return {str(key): value for key, value in metadata.items()}
