"""The webhook events the hub acts on, read from Stripe's event JSON into small typed objects.

Stripe sends an event at least once and not necessarily in order: whoever acts on them does so idempotently
(by the event's id, or by the state it reports), and reads the PaymentIntent back when order matters.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
import json
from typing import Any, Literal, get_args

from .objects import Charge, Dispute, Intent, MalformedObject

# amount_capturable_updated: a hold is authorised (requires_capture); succeeded: captured; canceled: released
# or expired uncaptured; payment_failed: declined (the intent's `failure` says why).
IntentEventType = Literal[
    "payment_intent.amount_capturable_updated",
    "payment_intent.succeeded",
    "payment_intent.canceled",
    "payment_intent.payment_failed",
]
CHARGE_REFUNDED = "charge.refunded"
DISPUTE_CREATED = "charge.dispute.created"


class EventError(ValueError):
    """A webhook payload that is not a Stripe event the hub can read."""


@dataclass(frozen=True, slots=True)
class IntentEvent:
    id: str
    type: IntentEventType
    created: datetime
    intent: Intent


@dataclass(frozen=True, slots=True)
class ChargeRefunded:
    """Some or all of a captured charge was refunded."""

    id: str
    created: datetime
    charge: Charge


@dataclass(frozen=True, slots=True)
class DisputeCreated:
    """The driver's bank disputes a charge: the host's payout for it waits until the dispute is decided."""

    id: str
    created: datetime
    dispute: Dispute


StripeEvent = IntentEvent | ChargeRefunded | DisputeCreated


def parse_event(payload: bytes) -> StripeEvent | None:
    """The event in a webhook body; None for a well-formed event of a type the hub does not act on."""
    try:
        event = json.loads(payload)
    except ValueError as err:
        raise EventError("The body is not JSON.") from err
    if not isinstance(event, dict) or event.get("object") != "event":
        raise EventError("The body is not a Stripe event.")
    event_id, kind, created = event.get("id"), event.get("type"), event.get("created")
    data = event.get("data")
    if not isinstance(event_id, str) or not isinstance(kind, str) or not isinstance(created, int):
        raise EventError("The event needs an id, a type and a created time.")
    if not isinstance(data, dict) or not isinstance(data.get("object"), dict):
        raise EventError("The event has no data.object.")
    at = datetime.fromtimestamp(created, UTC)
    try:
        return _typed(event_id, kind, at, data["object"])
    except MalformedObject as err:
        raise EventError(f"The {kind} event's object is malformed: {err}") from err


def _typed(event_id: str, kind: str, at: datetime, obj: Mapping[str, Any]) -> StripeEvent | None:
    for intent_event in get_args(IntentEventType):
        if kind == intent_event:
            return IntentEvent(event_id, intent_event, at, Intent.from_json(obj))
    if kind == CHARGE_REFUNDED:
        return ChargeRefunded(event_id, at, Charge.from_json(obj))
    if kind == DISPUTE_CREATED:
        return DisputeCreated(event_id, at, Dispute.from_json(obj))
    return None
