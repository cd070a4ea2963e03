"""Where the hub keeps personal data, as data: which table names a user in which column, what an export
includes with those rows, and what happens to them when the account is deleted.

A test checks that every column referring to `users.id` is listed here, so a new table cannot be forgotten.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Erasure(StrEnum):
    DELETE = "delete"  # the rows go with the account
    # Kept: the law (CDRs, fees: bookkeeping records) or the other party (a review, a booking at their
    # charger) needs them. They name the account only by its id, and the account itself is anonymised.
    KEEP = "keep"


@dataclass(frozen=True, slots=True)
class Holding:
    table: str
    column: str  # the column naming the user
    erasure: Erasure


HOLDINGS: tuple[Holding, ...] = (
    Holding("users", "id", Erasure.KEEP),
    Holding("web_sessions", "user_id", Erasure.DELETE),
    Holding("api_tokens", "user_id", Erasure.DELETE),
    Holding("pairing_codes", "user_id", Erasure.DELETE),
    Holding("locations", "host_id", Erasure.KEEP),
    Holding("location_invites", "user_id", Erasure.DELETE),
    Holding("tariffs", "host_id", Erasure.KEEP),
    Holding("bookings", "driver_id", Erasure.KEEP),
    Holding("charging_sessions", "driver_id", Erasure.KEEP),
    Holding("charging_sessions", "host_id", Erasure.KEEP),
    Holding("cdrs", "driver_id", Erasure.KEEP),
    Holding("cdrs", "host_id", Erasure.KEEP),
    Holding("cdrs", "issued_by", Erasure.KEEP),
    Holding("email_verifications", "user_id", Erasure.DELETE),
    # A review outlives its author (the other party and the listing's score rest on it): "by a deleted user".
    Holding("reviews", "author_id", Erasure.KEEP),
    Holding("reviews", "subject_id", Erasure.DELETE),  # what others wrote about the person goes with them
    Holding("notifications", "user_id", Erasure.DELETE),
    Holding("outbound_emails", "user_id", Erasure.DELETE),
    Holding("vehicles", "owner_id", Erasure.DELETE),
    Holding("waitlist_entries", "driver_id", Erasure.DELETE),
    # The other party keeps the conversation about a booking; the sender shows as a deleted user.
    Holding("booking_messages", "sender_id", Erasure.KEEP),
    Holding("support_requests", "requester_id", Erasure.DELETE),  # its replies go with it
    Holding("support_replies", "author_id", Erasure.KEEP),
    # A fault report outlives its reporter: the host still has a charger to fix, and search's penalty rests on it.
    Holding("fault_reports", "reporter_id", Erasure.KEEP),
    # The link's bookkeeping: which messages a host's Home Assistant sent and was sent, and drivers' commands.
    Holding("link_received", "host_id", Erasure.DELETE),
    Holding("link_outbox", "host_id", Erasure.DELETE),
    Holding("link_commands", "driver_id", Erasure.DELETE),
    Holding("link_commands", "host_id", Erasure.DELETE),
    # Money records are kept, like CDRs: a deleted user's wallet, receivable and payable stay in the books.
    Holding("ledger_accounts", "owner_id", Erasure.KEEP),
    # A hold is part of a booking's money record (what was reserved and captured), kept with the booking.
    Holding("payment_holds", "driver_id", Erasure.KEEP),
    # Payouts and disputes are money records too: what a host was paid, and why a driver was refunded or not.
    Holding("payouts", "host_id", Erasure.KEEP),
    Holding("payment_disputes", "driver_id", Erasure.KEEP),
    Holding("payment_disputes", "host_id", Erasure.KEEP),
    Holding("payment_disputes", "resolved_by", Erasure.KEEP),
    # Who the account is at Stripe (a saved card, a Connect account): nothing the books need, and no use once the
    # account is gone. The records at Stripe itself are the operator's to delete there.
    Holding("stripe_parties", "user_id", Erasure.DELETE),
    # What a user's money requests answered, for their retries within a day: nothing the books need.
    Holding("idempotency_keys", "user_id", Erasure.DELETE),
)

# Never exported: secrets (hashes of passwords, tokens and codes) and the hash that keys a browser session.
SECRET_COLUMNS: dict[str, frozenset[str]] = {
    "users": frozenset({"password_hash"}),
    "web_sessions": frozenset({"id"}),
    "api_tokens": frozenset({"token_hash"}),
    "pairing_codes": frozenset({"code_hash"}),
    "email_verifications": frozenset({"token_hash"}),
}
# Rows exported with a row of the table: (child table, its column holding the parent's primary key); the
# children's own children follow.
CHILDREN: dict[str, tuple[tuple[str, str], ...]] = {
    "locations": (
        ("evses", "location_id"),
        ("location_regular_hours", "location_id"),
        ("location_exceptional_periods", "location_id"),
        ("location_photos", "location_id"),
        ("location_invites", "location_id"),
        ("booking_terms", "location_id"),
    ),
    "evses": (("connectors", "evse_row_id"),),
    "bookings": (
        ("booking_requests", "booking_id"),
        ("booking_charges", "booking_id"),
        ("booking_messages", "booking_id"),
        ("payment_holds", "booking_id"),
    ),
    "charging_sessions": (("charging_meter_values", "session_id"),),
    "waitlist_entries": (("waitlist_offers", "entry_id"),),
    "support_requests": (("support_replies", "request_id"),),
    "ledger_accounts": (("ledger_entries", "account_id"),),
}
