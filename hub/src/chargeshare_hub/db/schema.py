"""Every table of the hub, gathered on one metadata (what migrations are checked against)."""

from __future__ import annotations

from ..accounts import tables as accounts_tables
from ..bookings import tables as bookings_tables
from ..charging import tables as charging_tables
from ..events import tables as events_tables
from ..faults import tables as faults_tables
from ..idempotency import tables as idempotency_tables
from ..ledger import tables as ledger_tables
from ..link import tables as link_tables
from ..listings import tables as listings_tables
from ..messages import tables as messages_tables
from ..notifications import tables as notifications_tables
from ..payments import payout_tables, tables as payments_tables
from ..payments.stripe import parties_tables as stripe_parties_tables
from ..reviews import tables as reviews_tables
from ..search import tables as search_tables
from ..support import tables as support_tables
from ..tariff_catalog import tables as tariff_catalog_tables
from ..trust import tables as trust_tables
from ..vehicles import tables as vehicles_tables
from ..waitlist import tables as waitlist_tables
from .base import Base

metadata = Base.metadata

__all__ = [
    "accounts_tables",
    "bookings_tables",
    "charging_tables",
    "events_tables",
    "faults_tables",
    "idempotency_tables",
    "ledger_tables",
    "link_tables",
    "listings_tables",
    "messages_tables",
    "metadata",
    "notifications_tables",
    "payments_tables",
    "payout_tables",
    "reviews_tables",
    "search_tables",
    "stripe_parties_tables",
    "support_tables",
    "tariff_catalog_tables",
    "trust_tables",
    "vehicles_tables",
    "waitlist_tables",
]
